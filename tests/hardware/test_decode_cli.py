"""`pickup-station-cli decode FILE`: codes in images and videos, exit codes, JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest
import qrcode

from pickup_station.cli import main
from tests.data.qr_video import write_qr_video

TOKEN = "ORSXG5BAMJQXGZJTGIQHI33LMVXCAMJS"
URL = f"https://m.example.com/p/{TOKEN}"


def run(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def short_video(tmp_path_factory):
    path = tmp_path_factory.mktemp("decode_cli") / "clip.avi"
    truth = write_qr_video(path, n_frames=40, seed=5)
    return path, truth


def test_image_with_a_code(capsys, tmp_path):
    img = tmp_path / "取货码.png"  # non-ASCII file names work
    qrcode.make(URL).save(img)
    code, out = run(capsys, "decode", str(img), "--data-dir", str(tmp_path))
    assert code == 0
    assert URL in out
    code, out = run(capsys, "decode", str(img), "--json", "--data-dir", str(tmp_path))
    payload = json.loads(out)
    assert code == 0
    assert payload["file"] == str(img)
    assert payload["frames"] == 1 and payload["kind"] == "image"
    assert payload["codes"] == [{"text": URL, "frame": 0, "count": 1, "last_frame": 0}]
    assert payload["decoder"] == "zxing-sharpen"


def test_image_without_a_code_says_so_and_exits_0(capsys, tmp_path):
    img = tmp_path / "blank.jpg"
    cv2.imwrite(str(img), np.full((480, 640, 3), 200, np.uint8))
    code, out = run(capsys, "decode", str(img), "--data-dir", str(tmp_path))
    assert code == 0
    assert "未找到二维码" in out
    code, out = run(capsys, "--lang", "en", "decode", str(img), "--data-dir", str(tmp_path))
    assert "No QR code found" in out
    code, out = run(capsys, "decode", str(img), "--json", "--data-dir", str(tmp_path))
    assert json.loads(out)["codes"] == []


def test_video_lists_each_code_with_its_first_frame_and_count(capsys, short_video, tmp_path):
    path, truth = short_video
    code, out = run(capsys, "decode", str(path), "--json", "--data-dir", str(tmp_path))
    assert code == 0
    payload = json.loads(out)
    assert payload["kind"] == "video" and payload["frames"] == len(truth) == 40
    texts = [c["text"] for c in payload["codes"]]
    assert len(texts) == len(set(texts))
    assert set(texts) <= {t for t in truth if t}
    assert len(texts) >= 2
    for c in payload["codes"]:
        assert truth[c["frame"]] == c["text"]  # first frame it was seen in holds that code
        assert 1 <= c["count"] <= truth.count(c["text"])
    code, out = run(capsys, "--lang", "en", "decode", str(path), "--data-dir", str(tmp_path))
    first = payload["codes"][0]
    assert f"frame {first['frame']}: {first['text']}" in out


@pytest.mark.parametrize("content", [None, b"", b"this is not an image\n" * 50])
def test_unreadable_file_exits_1_with_a_clear_message(capsys, tmp_path, content):
    f = tmp_path / "broken.png"
    if content is not None:
        f.write_bytes(content)
    code, out = run(capsys, "decode", str(f), "--json", "--data-dir", str(tmp_path))
    assert code == 1
    payload = json.loads(out)
    assert payload["ok"] is False
    assert payload["error"]["code"] == "file_unreadable"
    assert str(f) in payload["error"]["message"]
    code, out = run(capsys, "--lang", "en", "decode", str(f), "--data-dir", str(tmp_path))
    assert code == 1 and "Cannot read" in out


def test_bad_usage_exits_2(capsys, tmp_path):
    assert main(["decode", "--data-dir", str(tmp_path)]) == 2
    assert main(["decode", "x.png", "--decoder", "nope", "--data-dir", str(tmp_path)]) == 2
    capsys.readouterr()


def test_the_installed_command_runs(tmp_path):
    img = tmp_path / "code.png"
    qrcode.make(TOKEN).save(img)
    proc = subprocess.run([sys.executable, "-m", "pickup_station.cli", "decode", str(img),
                           "--json", "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1])["codes"][0]["text"] == TOKEN
