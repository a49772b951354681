"""The UI's two languages come from one source: English tr() texts, Chinese from the .ts/.qm.

A new tr() string without a Chinese translation fails here; so does a .qm not rebuilt after
the .ts changed (`make i18n` / `python scripts/i18n.py` fixes both).
"""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QPushButton

from pickup_station.app import parse_args, resolve_lang
from pickup_station.config import Settings, load_settings, save_settings
from pickup_station.paths import resource

ROOT = Path(__file__).resolve().parents[2]
TS = resource("i18n", "pickup_station_zh_CN.ts")
QM = resource("i18n", "pickup_station_zh_CN.qm")


def _i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def ts_messages(path: Path) -> list[dict]:
    """Current messages of a .ts (obsolete/vanished ones left out), parsed here, not by Qt."""
    out = []
    for ctx in ET.parse(path).getroot().iter("context"):
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            kind = tr.get("type") if tr is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            numerus = msg.get("numerus") == "yes"
            texts = ([n.text or "" for n in tr.iter("numerusform")] if numerus
                     else [tr.text or ""]) if tr is not None else []
            out.append({"key": (ctx.findtext("name"), msg.findtext("source"),
                                msg.findtext("comment") or ""),
                        "numerus": numerus, "texts": texts, "unfinished": kind == "unfinished"})
    return out


def keys(path: Path) -> set:
    return {m["key"] for m in ts_messages(path)}


# --- (a) every string translated, nothing missing from the committed .ts -------------------

def test_resources_are_committed_where_the_app_looks():
    assert TS.is_file() and QM.is_file()
    assert QM.stat().st_size > 1000


def test_every_string_has_a_finished_chinese_translation():
    msgs = ts_messages(TS)
    assert len(msgs) > 150
    bad = [m["key"] for m in msgs
           if m["unfinished"] or not m["texts"] or any(not t.strip() for t in m["texts"])]
    assert bad == []
    untranslated = [m["key"] for m in msgs
                    if any(t == m["key"][1] and re.search("[A-Za-z]{3}", t) for t in m["texts"])]
    assert untranslated == []  # "translated" into the same English is not a translation
    for m in msgs:  # Chinese, not English copied over
        assert any(re.search(r"[\u4e00-\u9fff]", t) for t in m["texts"]), m["key"]


def test_fresh_lupdate_finds_nothing_missing_from_the_committed_ts(tmp_path):
    script = _i18n_script()
    fresh = tmp_path / "fresh.ts"
    script.lupdate(fresh)
    found = keys(fresh)
    assert len(found) > 150  # lupdate really read the sources
    assert ("MainWindow", "Counter", "") in found
    assert found - keys(TS) == set()


def test_a_new_tr_string_is_caught(tmp_path, monkeypatch):
    """The comparison above can fail: a tr() added to the sources shows up as missing."""
    script = _i18n_script()
    extra = tmp_path / "new_view.py"
    extra.write_text("from PySide6.QtWidgets import QWidget\n\n\nclass NewView(QWidget):\n"
                     "    def build(self):\n        return self.tr('A brand new label')\n",
                     encoding="utf-8")
    real_sources = script.sources
    monkeypatch.setattr(script, "sources", lambda: real_sources() + [extra])
    fresh = tmp_path / "fresh.ts"
    script.lupdate(fresh)
    assert keys(fresh) - keys(TS) == {("NewView", "A brand new label", "")}


def test_check_mode_is_clean():
    """`scripts/i18n.py --check`: nothing unfinished, nothing missing, .qm built from the .ts."""
    assert _i18n_script().problems_of("zh_CN") == []


# --- (c) placeholders survive translation --------------------------------------------------

PLACEHOLDER = re.compile(r"%n|%p%|%\d|\{\w*\}")


def test_placeholders_survive_translation():
    for m in ts_messages(TS):
        wanted = sorted(PLACEHOLDER.findall(m["key"][1]))
        for text in m["texts"]:
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (m["key"], text)


def test_numerus_strings_count_in_chinese(ui_language):
    ui_language("zh_CN")
    t = QCoreApplication.translate
    assert t("ArrivalView", "%n order(s) in this batch.", None, 3) == "本批次共 3 个订单。"
    assert t("PrintQueue", "Printer: %1").replace("%1", "就绪") == "打印机：就绪"


# --- (b) the real window in Chinese by default and in English on request -------------------

def tab_titles(w) -> list[str]:
    return [w.tabs.tabText(i) for i in range(w.tabs.count())]


def test_window_speaks_chinese_by_default(make_window, ui_language):
    lang = resolve_lang(parse_args([]).lang, Settings())
    assert lang == "zh_CN"
    installed = ui_language(lang)
    assert len(installed) >= 1  # ours (qtbase_zh_CN too when Qt ships it)
    w = make_window(Settings(lang=lang), lang=lang)
    assert w.findChild(QPushButton, "confirmButton").text() == "确认核销（回车）"
    assert tab_titles(w) == ["核销台", "到货签收", "报表", "团长"]
    assert w.sync_status.text() == "未连接服务器：离线工作中"
    assert w.arrival_view.sign_button.text() == "到货签收"


def test_load_translations_is_idempotent(qapp, ui_language):
    first = ui_language("zh_CN")
    again = ui_language("zh_CN")
    assert len(first) == len(again)
    assert QCoreApplication.translate("MainWindow", "Counter") == "核销台"
    assert ui_language("en") == []
    assert QCoreApplication.translate("MainWindow", "Counter") == "Counter"


@pytest.mark.parametrize("how", ["cli", "settings"])
def test_window_speaks_english_on_request(make_window, ui_language, data_dir, how):
    if how == "cli":  # --lang en beats a Chinese settings file
        settings = Settings(lang="zh_CN")
        lang = resolve_lang(parse_args(["--lang", "en"]).lang, settings)
    else:  # the settings file says English, no --lang
        save_settings(Settings(lang="en"), data_dir / "config.json")
        settings = load_settings(data_dir / "config.json")
        lang = resolve_lang(parse_args([]).lang, settings)
    assert lang == "en"
    ui_language("zh_CN")  # as if an earlier start had loaded Chinese: "en" must undo it
    ui_language(lang)
    w = make_window(settings, lang=lang)
    assert w.findChild(QPushButton, "confirmButton").text() == "Confirm hand-over (Enter)"
    assert tab_titles(w) == ["Counter", "Arrival check", "Figures", "Leader"]


def test_settings_dialog_saves_the_language_for_the_next_start(make_window, ui_language,
                                                               data_dir, qtbot):
    from pickup_station.ui.dialogs.settings_dialog import SettingsDialog

    ui_language("zh_CN")
    w = make_window(Settings())
    dlg = SettingsDialog(w.sv, w)
    qtbot.addWidget(dlg)
    note = dlg.display.restart_note
    assert not dlg.display.visible_row(note)  # nothing needs a restart yet
    dlg.display.lang.setCurrentIndex(dlg.display.lang.findData("en"))
    assert dlg.display.visible_row(note) and "重启" in note.text()  # the note, in Chinese
    dlg.save()
    saved = load_settings(w.sv.paths.config_file)
    assert saved.lang == "en"
    assert resolve_lang(None, saved) == "en"


def test_converted_dialogs_follow_the_translation(station, qtbot, ui_language, tasks):
    from pickup_station.ui.dialogs.attention_dialog import AttentionDialog
    from pickup_station.ui.dialogs.pair_dialog import PairDialog

    ui_language("zh_CN")
    pair = PairDialog(Settings(), lambda: None, store=station.store, tasks=tasks)
    qtbot.addWidget(pair)
    assert pair.windowTitle() == "连接同步服务器"
    assert pair.test_button.text() == "测试连接" and pair.save_button.text() == "保存"
    att = AttentionDialog(station.store, tasks)
    qtbot.addWidget(att)
    assert att.windowTitle() == "需处理事项"
    assert att.model.headerData(0, Qt.Orientation.Horizontal) == "类型"
    qtbot.waitUntil(lambda: att.summary.text() != "", timeout=5000)
    assert att.summary.text() == "共 0 项需要处理"

    ui_language("en")
    pair_en = PairDialog(Settings(lang="en"), lambda: None, store=station.store,
                       tasks=tasks)
    qtbot.addWidget(pair_en)
    assert pair_en.test_button.text() == "Test connection"
