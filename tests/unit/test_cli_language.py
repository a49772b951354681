"""Every command of `pickup-station-cli` answers in the language asked for: no Chinese under
`--lang en`, no untranslated English under zh_CN, in its text and in the messages of its
`--json` answer (`message`, `warnings[].message`, `error.message`). `--help` is left out.

The commands run in this process (`cli.main`) on a store of demo batches, each in the way a
support person would meet it: a success and, where there is one, a refusal. Names, item
names, ids, codes and paths are data, not words (tests/language_check.py).
"""

from __future__ import annotations

import json

import pytest

from pickup_station import cli
from pickup_station.config import Settings, save_settings
from tests.language_check import station_data, wrong_language

MESSAGE_KEYS = {"message", "title", "body", "headline", "hint", "label"}


def _messages(payload) -> list[str]:
    """The human texts of a JSON answer (codes such as `kind: ready` are not words)."""
    out = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in MESSAGE_KEYS and isinstance(value, str):
                out.append(value)
            else:
                out += _messages(value)
    elif isinstance(payload, list):
        for value in payload:
            out += _messages(value)
    return out


class Runner:
    def __init__(self, capsys, data_dir, data):
        self.capsys, self.data_dir, self.data = capsys, data_dir, data
        self.problems: list[str] = []
        self.ran: list[str] = []

    def run(self, lang: str, *argv: str, json_out: bool = False) -> tuple[int, str]:
        args = [*argv, "--data-dir", str(self.data_dir), "--lang", lang]
        if json_out:
            args.append("--json")
        code = cli.main(args)
        out = self.capsys.readouterr().out
        self.ran.append(argv[0])
        texts = _messages(json.loads(out)) if json_out else [out]
        for text in texts:
            bad = wrong_language(text, lang, self.data)
            if bad:
                self.problems.append(f"{lang} {' '.join(argv)}{' --json' * json_out}: {bad}")
        return code, out

    def both(self, lang: str, *argv: str) -> dict:
        """The command as text and as JSON (run twice: the second sees the first's effect
        only for commands that change nothing)."""
        self.run(lang, *argv)
        return json.loads(self.run(lang, *argv, json_out=True)[1])


PIN = "1234"  # the station fixture's leader


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_command_speaks_the_language_asked_for(capsys, station, data_dir, tmp_path,
                                                     lang):
    from tests.data.qr_video import write_one_code_video

    data = [*station_data(station.store), "小王", "小赵", "a9", "HELLO"]  # operators, a code
    r = Runner(capsys, data_dir, data)
    lone = station.lone_order()
    late_batch = station.batches[-1]
    late = late_batch["orders"][0]
    shared = station.order_with_siblings()

    r.both(lang, "status")
    for text in (lone["pickup_code"], "000001", "hello?", late["pickup_code"],
                 shared["pickup_code"], shared["phone"][-4:]):
        r.both(lang, "lookup", text)
    r.both(lang, "handover", late["pickup_code"], "--pin", PIN)  # needs the leader's PIN
    r.both(lang, "handover", "000001", "--pin", PIN)
    r.both(lang, "handover", lone["pickup_code"], "--pin", "0000")  # a wrong PIN
    code, out = r.run(lang, "handover", lone["pickup_code"], "--pin", PIN, json_out=True)
    receipt = json.loads(out)["pickups"][0]["receipt_no"]
    assert code == 0
    r.run(lang, "handover", lone["pickup_code"], "--pin", PIN)  # already picked up
    r.both(lang, "lookup", lone["pickup_code"])
    r.both(lang, "undo", "R-000-0000", "--reason", "x", "--pin", PIN)
    r.run(lang, "undo", receipt, "--reason", "wrong bag", "--pin", PIN)
    r.both(lang, "operator-add", "a9", "小王", "--pin", "2468")
    r.both(lang, "operator-add", "a9", "小王", "--pin", "1")  # too short
    r.both(lang, "operator-rename", "a9", "小赵", "--pin", PIN)
    r.both(lang, "operator-disable", "a9", "--pin", PIN)
    r.both(lang, "operator-pin", "a1", "--new-pin", "9753", "--pin", PIN)
    r.both(lang, "shelves")
    r.both(lang, "receive", late_batch["batch_id"], "--preview")
    r.both(lang, "arrive", late_batch["batch_id"], "--pin", PIN)
    r.both(lang, "arrive", "B-0000-00", "--pin", PIN)
    r.both(lang, "receive", "B-0000-00", "--preview")
    r.both(lang, "returns", "--all")
    r.both(lang, "close-day", "--show")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"batches": station.batches[:1]}, ensure_ascii=False),
                        encoding="utf-8")
    r.both(lang, "import-manifest", str(manifest))
    r.both(lang, "import-manifest", str(tmp_path / "missing.json"))
    r.both(lang, "sync")  # not paired
    r.both(lang, "pair", "http://127.0.0.1:9", "token")  # nobody answers
    r.both(lang, "decode", write_one_code_video(tmp_path / "c.avi", "HELLO", 5, 25))
    r.both(lang, "decode", str(tmp_path / "missing.png"))
    r.both(lang, "test-print")  # no printer set up
    settings = Settings()
    settings.printer.kind, settings.printer.target = "file", str(tmp_path / "paper.bin")
    save_settings(settings, data_dir / "config.json")
    r.both(lang, "test-print")
    r.both(lang, "export", "--from", "2020-01-01", "--to", "2030-12-31", "--format", "csv",
           "--out", str(tmp_path / "out.csv"))
    r.both(lang, "day-summary")
    r.both(lang, "check-store")
    r.both(lang, "journal", "verify")
    r.both(lang, "backup")
    r.both(lang, "restore", str(tmp_path / "missing.sqlite3"))
    r.both(lang, "serial-ports")

    every = {name for a in cli.build_parser()._subparsers._group_actions
             for name in a.choices}
    assert every <= set(r.ran), every - set(r.ran)  # a new command joins this walk
    assert r.problems == [], "\n".join(r.problems)


def test_the_check_finds_a_word_in_the_wrong_language():
    assert wrong_language("Events to upload: 3\n上次同步：never", "en") == "上次同步：never"
    assert wrong_language("待上传事件：3\n上次同步：never", "zh_CN") == "never"
    assert wrong_language("小票号 ST001-261201-0001，货架号 A-1-02，用 --order 指定", "zh_CN") == ""
    assert wrong_language("王*芳 Picked up", "en", ["王*芳"]) == ""


@pytest.mark.parametrize(("lang", "words"), [
    ("zh_CN", "演示服务器只在演示程序运行时可用：请先运行 make run"),
    ("en", "The demo server only runs inside the demo app: start it with make run")])
def test_sync_on_a_demo_folder_says_the_demo_server_lives_in_the_app(capsys, tmp_path, lang,
                                                                     words):
    """A newcomer syncs the demo folder with the demo app closed: the answer says why."""
    data_dir = tmp_path / "demo"
    (data_dir / "demo-server").mkdir(parents=True)
    save_settings(Settings(server_url="http://127.0.0.1:9", station_token="t"),
                  data_dir / "config.json")
    args = ["sync", "--data-dir", str(data_dir), "--lang", lang]
    assert cli.main(args) == 1
    plain = capsys.readouterr().out
    assert words not in plain  # not a demo folder yet: the plain offline answer
    (data_dir / "demo-server" / "demo.json").write_text('{"station_id": "DEMO01"}')
    assert cli.main(args) == 1
    assert capsys.readouterr().out.startswith(words)
    assert cli.main([*args, "--json"]) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "offline" and error["demo_server_off"] is True
    assert error["message"].startswith(words)
