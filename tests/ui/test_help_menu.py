"""Help menu: About (version, data folder, server, station, last sync, last backup), Open log
folder, Export a support bundle — a zip with logs, settings without the token and the store's
statistics, holding none of the demo customers' names, phones or tokens. And the window's daily
backup timer, which copies the store off the UI thread."""

from __future__ import annotations

import json
import threading
import zipfile

from PySide6.QtWidgets import QMenu

from pickup_station import __version__
from pickup_station.config import Settings
from pickup_station.store import backup


def test_help_menu_has_about_log_folder_and_support_bundle(window):
    menu = window.findChild(QMenu, "helpMenu")
    assert menu is not None
    names = [a.objectName() for a in menu.actions()]
    assert names == ["aboutAction", "logFolderAction", "supportBundleAction"]


def test_about_says_version_folder_server_station_sync_and_backup(make_window, station, qtbot):
    backup.make_backup(station.store.path, reason="manual")
    station.store.set_meta("last_sync_at", "2026-12-01T08:00:00.000+00:00")
    w = make_window(Settings(server_url="http://hq.example:8000", station_token="secret-tok"))
    w.show_about()
    qtbot.waitUntil(lambda: getattr(w, "about_box", None) is not None, timeout=5000)
    text = w.about_box.text()
    for part in (__version__, str(w.sv.paths.data_dir), "http://hq.example:8000", "ST001",
                 "2026-12-01T08:00:00", "Last backup: 20"):
        assert part in text, (part, text)
    assert "secret-tok" not in text
    w.about_box.close()


def test_support_bundle_holds_no_personal_data(make_window, station, qtbot, tmp_path):
    token = "TOK-SECRET-123"
    w = make_window(Settings(server_url="http://hq.example:8000", station_token=token))
    orders = [o for b in station.batches for o in b["orders"]]
    logs = w.sv.paths.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    first = orders[0]  # a careless log line: the scrubber must catch it
    (logs / "station.log").write_text(
        "2026-12-01 09:00:00,001 INFO pickup_station: window shown after 0.812 s\n"
        f"2026-12-01 09:00:01,002 INFO x: scanned {first['pickup_token']} "
        f"phone {first['phone']} code {first['pickup_code']}\n", encoding="utf-8")
    out = tmp_path / "support.zip"
    w.export_support_bundle(out)
    qtbot.waitUntil(out.exists, timeout=10_000)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        blob = b"".join(zf.read(n) for n in names).decode("utf-8")
        store = json.loads(zf.read("store.json"))
        settings = json.loads(zf.read("settings.json"))
    assert {"about.json", "settings.json", "store.json", "logs/station.log"} <= set(names)
    assert store["rows"]["orders"] == len(orders) and store["schema_version"] >= 1
    assert settings["station_token"] == "<removed>"
    assert settings["server_url"] == "http://hq.example:8000"
    assert "window shown after 0.812 s" in blob  # the logs are in it
    assert token not in blob
    for o in orders:
        assert o["customer_name"] not in blob, o["customer_name"]
        assert o["phone"] not in blob
        assert o["pickup_token"] not in blob
    assert first["pickup_code"] not in blob


def test_open_log_folder_makes_it_and_asks_the_desktop(window, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    assert window.open_log_folder() is True
    assert opened[0].toLocalFile() == str(window.sv.paths.data_dir / "logs")
    assert (window.sv.paths.data_dir / "logs").is_dir()


def test_backup_timer_copies_the_store_off_the_ui_thread(station, qtbot):
    from pickup_station.ui.backup_timer import BackupTimer
    from pickup_station.ui.tasks import Tasks

    threads = []
    real = backup.make_backup

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    backup.make_backup = spy
    tasks = Tasks()
    try:
        timer = BackupTimer(station.store, tasks, first_after_ms=0)
        with qtbot.waitSignal(timer.backedUp, timeout=10_000) as got:
            pass
        assert got.args[0].reason == "daily"
        assert threads and threads[0] is not threading.main_thread()
        assert len(backup.list_backups(backup.backups_dir(station.store.path))) == 1
        timer.check()  # made today: nothing more
        qtbot.wait(300)
        assert len(backup.list_backups(backup.backups_dir(station.store.path))) == 1
    finally:
        backup.make_backup = real
        tasks.shutdown(wait=True)
