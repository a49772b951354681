"""The first-start wizard driven end to end, in both languages, against the real server over
loopback: a wrong token then the right one, the server's QR decoded by the station's decoder
and fed as a scan, offline with a manifest file and a malformed one, every step skipped."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from pickup_station.config import Paths, Settings, load_settings
from pickup_station.core import operators as ops
from pickup_station.core.manifest import order_count
from pickup_station.ui.wizard.first_start import FirstStartWizard, first_start
from tests.qr_images import decode_png, png_of
from tests.server_fixtures import HQClient

WORDS = {"zh_CN": {"wrong": "令牌不正确", "title": "设置本自提点", "connected": "已连接",
                   "not_imported": "未导入"},
         "en": {"wrong": "token", "title": "Set up this pickup station", "connected": "Connected",
                "not_imported": "was not imported"}}


@pytest.fixture
def services(data_dir, store):
    from pickup_station.core.counter import Counter
    from pickup_station.ui.services import Services
    from pickup_station.ui.sounds import Sounds
    from pickup_station.ui.tasks import Tasks

    sv = Services(store=store, settings=Settings(), paths=Paths.resolve(data_dir),
                  counter=Counter(store), tasks=Tasks(), sounds=Sounds(enabled=False))
    yield sv
    sv.tasks.shutdown(wait=True)


@pytest.fixture
def wizard(qtbot, services, ui_language):
    """`wizard(lang)`: the wizard as a host meets it, Chinese first; English is chosen on the
    first page when asked for."""
    ui_language("zh_CN")

    def make(lang: str = "zh_CN") -> FirstStartWizard:
        wiz = FirstStartWizard(services, on_language=ui_language)
        qtbot.addWidget(wiz)
        wiz.show()
        qtbot.waitExposed(wiz)
        assert wiz.windowTitle() == WORDS["zh_CN"]["title"]
        if lang != "zh_CN":
            combo = wiz.welcome.language
            combo.setCurrentIndex(combo.findData(lang))
            qtbot.waitUntil(lambda: wiz.windowTitle() == WORDS[lang]["title"], timeout=3000)
        return wiz

    return make


def to_connect(wiz, qtbot):
    wiz.next()
    assert wiz.currentPage() is wiz.connect_page
    qtbot.waitUntil(lambda: wiz.connect_page.scan_input.hasFocus() or True)


def status(wiz) -> str:
    from pickup_station.ui.widgets.leader_common import plain

    return plain(wiz.connect_page.status)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_wrong_token_then_the_right_one_then_pin_and_skips(qtbot, wizard, services,
                                                            live_server, lang):
    token = HQClient(live_server).create_station("S1", "幸福里自提点")
    wiz = wizard(lang)
    to_connect(wiz, qtbot)
    page = wiz.connect_page
    page.form.url_input.setText(live_server.url)
    page.form.token_input.setText("st_wrong")
    page.connect_button.click()
    qtbot.waitUntil(lambda: status(wiz).startswith("✗"), timeout=10000)
    assert WORDS[lang]["wrong"] in status(wiz)
    assert not services.settings.paired and wiz.currentPage() is page
    assert not services.paths.config_file.exists()  # nothing unverified is saved
    page.form.token_input.setText(token)
    with qtbot.waitSignal(page.paired, timeout=10000):
        page.connect_button.click()
    assert WORDS[lang]["connected"] in status(wiz) and "S1" in status(wiz)
    assert services.settings.paired and services.settings.station_token == token
    assert load_settings(services.paths.config_file).station_token == token
    assert services.store.get_meta("station_name") == "幸福里自提点"
    wiz.next()
    assert wiz.currentPage() is wiz.pin
    wiz.pin.form.new_pin.setText("2580")
    wiz.pin.form.again.setText("2580")
    wiz.next()  # the PIN is changed on the writer lane, then the wizard moves on
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.scanner, timeout=5000)
    assert ops.authenticate(services.store, "leader", "2580").is_leader
    with services.store.reader() as s:
        assert not ops.pin_change_required(s)
    for _ in range(3):  # scanner, camera, printer skipped
        wiz.skip()
    assert wiz.currentPage() is wiz.shelves
    with qtbot.waitSignal(wiz.finished, timeout=3000):
        wiz.skip()
    saved = load_settings(services.paths.config_file)
    assert saved.lang == lang and saved.paired and saved.camera.enabled is False


def test_pairing_by_the_servers_qr_fed_as_a_scan(qtbot, wizard, services, live_server):
    answer = HQClient(live_server).request(
        "POST", "/api/v1/stations", json={"station_id": "S-QR", "name": "二号店"}).json()
    [text] = decode_png(png_of(answer["pairing"]["qr_png"]))  # what the camera would read
    wiz = wizard("en")
    to_connect(wiz, qtbot)
    page = wiz.connect_page
    page.scan_input.setFocus()
    qtbot.keyClicks(page.scan_input, "hello")  # any other code is said, not tried
    qtbot.keyClick(page.scan_input, Qt.Key_Return)
    assert status(wiz).startswith("✗") and "not a pairing code" in status(wiz)
    assert wiz.currentPage() is page  # the scanner's Enter does not turn the page
    with qtbot.waitSignal(page.paired, timeout=10000) as paired:
        page.on_scan(text)  # the camera panel and a scanner end here
    assert paired.args[0]["station_id"] == "S-QR"
    assert services.settings.server_url == live_server.url.rstrip("/")
    assert services.settings.station_token == answer["token"]


def test_a_scanned_pairing_code_whose_token_was_rotated_is_refused(qtbot, wizard, services,
                                                                  live_server):
    hq = HQClient(live_server)
    old = hq.request("POST", "/api/v1/stations", json={"station_id": "S9", "name": "九号店"}
                     ).json()["pairing"]["payload"]
    hq.rotate_token("S9")
    wiz = wizard("zh_CN")
    to_connect(wiz, qtbot)
    wiz.connect_page.on_scan(old)
    qtbot.waitUntil(lambda: status(wiz).startswith("✗"), timeout=10000)
    assert "令牌不正确" in status(wiz) and not services.settings.paired


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_offline_with_a_malformed_manifest_then_a_good_one(qtbot, wizard, services, tmp_path,
                                                           lang):
    wiz = wizard(lang)
    to_connect(wiz, qtbot)
    page = wiz.connect_page
    bad = tmp_path / "broken.json"
    bad.write_text('{"batches": [{"batch_id": "B1", "orders": [', encoding="utf-8")
    with qtbot.waitSignal(page.manifestImported, timeout=5000):
        page.import_manifest(bad)
    assert status(wiz).startswith("✗") and WORDS[lang]["not_imported"] in status(wiz)
    assert "JSON" in status(wiz)
    good = tmp_path / "manifest.json"
    good.write_text(json.dumps({"batch_id": "B1", "orders": [
        {"order_id": "O1", "customer_name": "王芳", "phone": "13812345678",
         "pickup_code": "123456", "items": [{"sku": "EGG", "name": "鸡蛋", "qty": 2}]}]},
        ensure_ascii=False), encoding="utf-8")
    with qtbot.waitSignal(page.manifestImported, timeout=5000):
        page.import_manifest(good)
    assert status(wiz).startswith("✓")
    with services.store.reader() as s:
        assert order_count(s) == 1
    assert not services.settings.paired


def test_skipping_every_step_keeps_the_defaults_and_the_wizard_does_not_come_back(
        qtbot, wizard, services, store):
    assert first_start(False, services.settings, store)
    wiz = wizard("zh_CN")
    wiz.next()
    wiz.connect_page.form.url_input.setText("http://typed.but.skipped")
    wiz.skip()  # connect
    wiz.pin.form.new_pin.setText("1111")  # typed, then skipped: not set
    wiz.skip()
    wiz.scanner.page.prefix.setText("]Q1")  # typed, then skipped: not kept
    wiz.skip()
    wiz.skip()
    wiz.printer.page.kind.setCurrentIndex(wiz.printer.page.kind.findData("file"))
    wiz.skip()
    assert wiz.currentPage() is wiz.shelves
    with qtbot.waitSignal(wiz.finished, timeout=3000):
        wiz.skip()
    saved = load_settings(services.paths.config_file)
    assert saved.scanner.prefix == "" and saved.printer.kind == "none" and not saved.paired
    with store.reader() as s:
        assert ops.pin_change_required(s) or not ops.list_operators(s)
    assert not first_start(True, saved, store)


def test_the_device_steps_keep_what_they_show(qtbot, wizard, services, tmp_path):
    wiz = wizard("en")
    wiz.next()
    wiz.skip()
    wiz.skip()
    assert wiz.currentPage() is wiz.scanner
    step = wiz.scanner
    step.page.prefix.setText("]Q1")
    qtbot.keyClicks(step.test_input, "]Q1458585")
    qtbot.keyClick(step.test_input, Qt.Key_Return)
    from pickup_station.ui.widgets.leader_common import plain

    said = plain(step.arrived)
    assert "]Q1458585" in said and "458585" in said and "6-digit pickup code" in said
    step.page.gap.setValue(50)
    wiz.next()
    wiz.camera.page.enabled.setChecked(True)
    wiz.next()
    printer = wiz.printer.page
    printer.kind.setCurrentIndex(printer.kind.findData("file"))
    printer.target.setText(str(tmp_path / "receipts.bin"))
    printer.paper.setCurrentIndex(printer.paper.findData(80))
    wiz.next()
    assert wiz.currentPage() is wiz.shelves
    qtbot.waitUntil(lambda: wiz.shelves.view.shelf_table.rowCount() > 0, timeout=5000)
    wiz.button(QWizard.WizardButton.FinishButton).click()
    saved = load_settings(services.paths.config_file)
    assert saved.scanner.prefix == "]Q1" and saved.scanner.max_key_interval_ms == 50
    assert saved.camera.enabled and saved.printer.kind == "file" and saved.printer.paper_mm == 80


def test_a_configured_or_stocked_station_gets_no_wizard(tmp_path, station, store):
    from pickup_station.config import ConfigNotice

    assert not first_start(True, Settings(), store)  # a settings file: configured
    assert not first_start(False, Settings(), station.store)  # orders already: not new
    broken = Settings()
    broken.load_notice = ConfigNotice("config_reset", [])
    assert not first_start(True, broken, station.store)


def test_a_settings_file_beyond_repair_on_an_empty_store_brings_the_wizard(tmp_path, store):
    cfg = tmp_path / "config.json"
    cfg.write_bytes(b"\x00\x01 not json")
    settings = load_settings(cfg)
    assert settings.load_notice.code == "config_reset"
    assert first_start(True, settings, store)


def test_a_pairing_code_at_the_counter_says_where_it_belongs(host):
    v = host.scan("pickup-station:pair?u=http%3A%2F%2F10.0.0.2%3A8765&s=S1&t=st_secret")
    assert v.reason == "pairing_code" and host.reason() == "pairing_code"
    assert "st_secret" not in host.shown() and "pairing" in host.shown().lower() \
        or "配对码" in host.shown()
