"""The message catalogue is complete, in step between its two languages, and the only wording.

Each check is a function returning the problems it finds; it runs once on the real catalogue
(no problems) and once on a doctored copy (the problem is found), so none of them can pass by
looking at nothing.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from pickup_station import config, messages
from pickup_station.core import verdicts
from pickup_station.core.scanning import ScanQuery
from pickup_station.errors import Refused, StoreTooNew, UserFacingError
from pickup_station.hardware import printers
from pickup_station.hardware.camera import CameraState
from pickup_station.hardware.escpos_cn import PrinterState
from pickup_station.hardware.scanners import ScannerState
from pickup_station.messages import Message, normalize_lang, render
from pickup_station.sync import attention, runner

PKG = Path(messages.__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# English a zh_CN text may hold: names of programs, keys, options and protocols, not words.
ZH_ALLOWED_LATIN = {"PIN", "QR", "pyserial", "PySide6", "CR", "LF", "URL", "TOKEN", "pair",
                    "JSON", "CSV", "SKU", "USB", "Windows", "CUPS", "OpenCV", "lp",
                    "QRCodeDetectorAruco", "zbar", "libzbar0", "pyzbar", "zxing", "cpp", "ID",
                    "COM3"}
# Keys built at run time as prefix + code: each family lists the codes it must word.
FAMILIES: dict[str, tuple[str, ...]] = {
    "verdict.{}.title": (*verdicts.REASONS, "ready", "partly_ready", "candidates"),
    "verdict.{}.body": verdicts.REASONS,
    "attention.kind.{}": attention.KINDS,
    "attention.event.{}": attention.EVENT_TYPES,
    "attention.reason.{}": attention.REASONS,
    "sync.state.{}": runner.CONNECTIONS,
    "camera.state.{}": tuple(s.value for s in CameraState),
    "scanner.state.{}": tuple(s.value for s in ScannerState),
    "printer.state.{}": tuple(s.value for s in PrinterState),
    "printer.kind.{}": printers.KINDS,
    "printer.mode.{}": ("text", "raster", "mixed"),
    "cli.printed.{}": ("test", "receipt", "label"),
    "settings_file.why.{}": config.UNUSABLE,
}
KEY = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def placeholders(template: str) -> list[tuple[str, str]]:
    return sorted((name, spec or "") for _, name, spec, _ in string.Formatter().parse(template)
                  if name is not None)


def sample_params(template: str) -> dict:
    """Values for a template's placeholders: numbers where a number format is asked."""
    return {name: 12.0 if spec else f"V{n}1"
            for n, (name, spec) in enumerate(placeholders(template))}


# --- the checks -------------------------------------------------------------------------------

def missing_or_extra(tables) -> list[str]:
    zh, en = set(tables["zh_CN"]), set(tables["en"])
    return sorted(zh ^ en)


def placeholder_mismatches(tables) -> list[str]:
    return [k for k in tables["zh_CN"]
            if k in tables["en"]
            and placeholders(tables["zh_CN"][k]) != placeholders(tables["en"][k])]


def chinese_in_english(tables) -> list[str]:
    bad = []
    for key, template in tables["en"].items():
        text = template.format(**sample_params(template))
        if CJK.search(text):
            bad.append(key)
    return bad


def english_in_chinese(tables) -> list[str]:
    """zh_CN texts holding English words (ids, numbers and program names aside)."""
    bad = []
    for key, template in tables["zh_CN"].items():
        text = re.sub(r"\{[^}]*\}", " ", template)  # the placeholders
        text = re.sub(r"https?://\S+", " ", text)  # an example address
        text = re.sub(r"--[a-z][a-z-]*", " ", text)  # a command-line option
        text = re.sub(r"\b[a-z]+(_[a-z]+)+\b", " ", text)  # a field name: order_id
        text = re.sub(r"(?<![\w/])/[\w/.-]+", " ", text)  # a device path: /dev/ttyUSB0
        text = re.sub(r"\b(pickup-station-cli|pickup-station|check-store|make run)\b", " ", text)  # a command
        words = re.findall(r"[A-Za-z][A-Za-z0-9]+", text)
        if any(w not in ZH_ALLOWED_LATIN for w in words):
            bad.append(key)
    return bad


def source_files() -> list[Path]:
    return [p for p in PKG.rglob("*.py") if "messages" not in p.relative_to(PKG).parts]


def string_constants() -> set[str]:
    out = set()
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
    return out


def keys_used_but_not_written(tables, constants: set[str]) -> list[str]:
    namespaces = {k.split(".")[0] for k in tables["zh_CN"] if "." in k}
    used = {c for c in constants if KEY.match(c) and c.split(".")[0] in namespaces}
    family_keys = {f.format(code) for f, codes in FAMILIES.items() for code in codes}
    return sorted((used | family_keys) - set(tables["zh_CN"]))


def keys_written_but_unused(tables, constants: set[str]) -> list[str]:
    family_keys = {f.format(code) for f, codes in FAMILIES.items() for code in codes}
    return sorted(k for k in tables["zh_CN"] if k not in constants and k not in family_keys)


def doctored(**changes) -> dict:
    tables = {lang: dict(t) for lang, t in messages.TABLES.items()}
    for lang, entries in changes.items():
        tables[lang].update(entries)
    return tables


# --- on the real catalogue --------------------------------------------------------------------

def test_both_languages_word_every_key_with_the_same_placeholders():
    assert len(messages.TABLES["zh_CN"]) > 150
    assert missing_or_extra(messages.TABLES) == []
    assert placeholder_mismatches(messages.TABLES) == []


def test_english_holds_no_chinese_and_chinese_no_untranslated_english():
    assert chinese_in_english(messages.TABLES) == []
    assert english_in_chinese(messages.TABLES) == []


def test_every_key_in_use_is_worded_and_every_wording_in_use():
    constants = string_constants()
    assert "counter.no_such_pickup" in constants  # the scan really read the sources
    assert keys_used_but_not_written(messages.TABLES, constants) == []
    assert keys_written_but_unused(messages.TABLES, constants) == []


@pytest.mark.parametrize("lang", messages.LANGS)
def test_every_message_renders_with_sample_params(lang):
    for key, template in messages.TABLES[lang].items():
        text = render(key, lang, **sample_params(template))
        assert text and "{" not in text, key
        for value in sample_params(template).values():
            if isinstance(value, str):
                assert value in text, key


# --- the checks can fail --------------------------------------------------------------------

def test_the_checks_find_what_they_look_for():
    assert missing_or_extra(doctored(en={"x.only_english": "Hi"})) == ["x.only_english"]
    assert placeholder_mismatches(
        doctored(en={"counter.unknown_order": "Unknown order: {order}"})) == [
        "counter.unknown_order"]
    assert chinese_in_english(doctored(en={"counter.no_such_pickup": "No such 提货"})) == [
        "counter.no_such_pickup"]
    assert english_in_chinese(doctored(zh_CN={"counter.no_such_pickup": "No such pickup"})) == [
        "counter.no_such_pickup"]
    assert english_in_chinese(doctored(zh_CN={"cli.never": "从未 (never)"})) == ["cli.never"]
    assert english_in_chinese(doctored(zh_CN={"cli.never": "从未 order_id never"})) == [
        "cli.never"]
    constants = string_constants()
    assert keys_used_but_not_written(doctored(), constants | {"counter.brand_new"}) == [
        "counter.brand_new"]
    assert keys_written_but_unused(doctored(zh_CN={"counter.orphan": "孤儿"}), constants) == [
        "counter.orphan"]


# --- rendering -------------------------------------------------------------------------------

def test_one_language_function():
    assert normalize_lang("en") == normalize_lang("en_US") == normalize_lang("EN") == "en"
    assert normalize_lang("zh_CN") == normalize_lang("zh") == normalize_lang(None) == "zh_CN"
    assert normalize_lang("fr") == "zh_CN"  # the station speaks Chinese first


def test_nested_messages_and_errors_render_in_the_same_language():
    inner = Refused("counter.no_such_pickup")
    outer = Refused("pair.server_error", url="http://h", error=inner, code="server_error")
    assert outer.message("zh_CN") == "服务器 http://h 没有正常应答：没有这条提货记录"
    assert outer.message("en") == "The server at http://h did not answer properly: No such pickup"
    assert outer.code == "server_error"
    assert render("cli.printed", "en", what=Message("cli.printed.label"), printer="P", bytes=3,
                  state=Message("printer.state.ready")) == (
        "Printed a label on P: 3 bytes, printer ready.")


def test_user_facing_errors_keep_their_face():
    err = Refused("counter.unknown_order", order_id="A1", code="unknown")
    assert (err.code, err.key, err.params) == ("unknown", "counter.unknown_order",
                                               {"order_id": "A1"})
    assert err.message() == err.zh == "没有这个订单：A1"
    assert err.message("en") == err.en == str(err) == "Unknown order: A1"
    assert Refused("counter.no_such_pickup").code == "refused"
    assert StoreTooNew(9, 4).message("en").startswith("The local store is schema version 9")
    assert err.msg == Message("counter.unknown_order", order_id="A1")
    assert UserFacingError(Message("counter.no_such_pickup"), code="x").message("en") == (
        "No such pickup")


def test_the_older_two_text_form_is_gone():
    with pytest.raises(TypeError):
        UserFacingError("旧的说法", "The old way", code="old")  # type: ignore[misc]


def test_an_unknown_key_shows_itself_rather_than_crashing():
    assert render("no.such.key", "en") == "no.such.key"


def test_verdict_wording_is_the_same_for_window_and_cli():
    q = ScanQuery("code", "123456", "123456")
    v = verdicts.Verdict.refusal(q, "already_picked_up", detail={
        "picked_at": "2026-11-20 10:00", "operator": "团长", "receipt_no": "ST-1",
        "proxy_name": "李四"})
    assert v.code == "already_picked_up"
    zh = v.message("zh_CN")
    assert zh == ("已提货：已于 2026-11-20 10:00 由 团长 核销，小票号 ST-1。请勿重复核销。"
                  "代取人：李四")
    assert "店员" not in zh and "操作员" not in zh  # the operator's name, not a role word too
    assert v.message("en") == ("Already picked up: Picked up at 2026-11-20 10:00 by 团长, "
                               "receipt ST-1. Do not hand over again. Collected by proxy: 李四")
    for reason in verdicts.REASONS:
        r = verdicts.Verdict.refusal(q, reason)
        for lang in messages.LANGS:
            assert r.headline().render(lang) in r.message(lang)
        assert not CJK.search(r.message("en")) and CJK.search(r.message("zh_CN"))


# --- nothing is worded at a raise -------------------------------------------------------------

def _name(node: ast.expr) -> str | None:
    """`Refused` for `Refused` and for `ops.Refused`."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    names = {"UserFacingError", "Refused", "StoreTooNew", "ManifestError", "DeviceNotFound",
             "SyncAuthError"}
    while True:
        more = {node.name for tree in trees.values() for node in ast.walk(tree)
                if isinstance(node, ast.ClassDef) and any(_name(b) in names for b in node.bases)}
        if more <= names:
            return names
        names |= more


def _is_text(node: ast.expr) -> bool:
    """Written text rather than a key: an f-string, text glued with +, a literal not a key."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)
            and not messages.has(node.value))


def worded_at_the_raise(trees: dict[Path, ast.Module]) -> list[str]:
    """`file:line` of error constructions given text (or two texts) instead of a key."""
    classes = error_classes(trees)
    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            f = node.func
            is_error = _name(f) in classes
            is_super = (isinstance(f, ast.Attribute) and f.attr == "__init__"
                        and isinstance(f.value, ast.Call) and _name(f.value.func) == "super")
            if is_super:  # only inside an error class: other classes' super() calls are theirs
                is_super = _is_text(node.args[0]) and bool(CJK.search(ast.unparse(node.args[0])))
            if not (is_error or is_super):
                continue
            first = node.args[0]
            if _is_text(first) or (is_error and len(node.args) > 1
                                   and any(_is_text(a) for a in node.args[1:])):
                found.append(f"{path.relative_to(PKG).as_posix()}:{node.lineno}")
    return found


def source_trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in source_files()}


def test_no_message_is_written_outside_the_catalogue():
    assert worded_at_the_raise(source_trees()) == [], (
        "word these in pickup_station/messages and raise with a key")


def test_the_raise_check_finds_texts_written_at_a_raise():
    code = ast.parse(
        'class ProtocolError(UserFacingError):\n    pass\n'
        'class PageRejected(P.ProtocolError):\n    pass\n'
        'raise Refused("没有", "None")\n'
        'raise ops.Refused(f"no {x}")\n'
        'raise PageRejected("服务器：" + zh)\n'
        'raise Refused("counter.no_such_pickup", code="x")\n'
        'raise StoreTooNew(9, 4)\n')
    fake = {PKG / "x.py": code}
    assert worded_at_the_raise(fake) == ["x.py:5", "x.py:6", "x.py:7"]
