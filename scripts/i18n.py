"""Refresh the UI translation: extract tr() strings, keep existing translations, compile .qm.

    python scripts/i18n.py           # lupdate sources -> resources/i18n/*.ts, lrelease -> *.qm
    python scripts/i18n.py --check   # exit 1 (listing why) if a string lacks a finished
                                     # translation, the sources hold a string the .ts lacks,
                                     # or a .qm is missing or different from what its .ts compiles to

Sources: pickup_station/ui/**/*.py and pickup_station/app.py. English is the source language;
Simplified Chinese (zh_CN) comes from the .ts (edit it with pyside6-linguist or by hand).
The Qt tools come from the venv that runs this script (pyside6-lupdate / pyside6-lrelease
beside sys.executable). Both the .ts and the .qm are committed, so the app runs without them.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
LANGS = ["zh_CN"]


def ts_path(lang: str) -> Path:
    return I18N / f"pickup_station_{lang}.ts"


def qm_path(lang: str) -> Path:
    return I18N / f"pickup_station_{lang}.qm"


def sources() -> list[Path]:
    ui = sorted((ROOT / "pickup_station" / "ui").rglob("*.py"))
    return ui + [ROOT / "pickup_station" / "app.py"]


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease from this venv (Scripts\\ on Windows), else PATH."""
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise SystemExit(f"{name} not found beside {sys.executable} nor on PATH "
                     "(pip install PySide6 in this venv)")


def lupdate(ts: Path, *, no_obsolete: bool = True) -> None:
    """Extract the tr() strings of the sources into `ts`, keeping the translations it has."""
    ts.parent.mkdir(parents=True, exist_ok=True)
    cmd = [tool("pyside6-lupdate"), "-silent", "-locations", "none"]
    if no_obsolete:
        cmd.append("-no-obsolete")
    cmd += [str(p) for p in sources()]
    cmd += ["-ts", str(ts)]
    subprocess.run(cmd, cwd=ROOT, check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], cwd=ROOT,
                   check=True)


# --- reading a .ts ----------------------------------------------------------------------------

def messages(ts: Path) -> list[dict]:
    """Every current (not obsolete/vanished) message: context, source, translations, state."""
    out = []
    root = ET.parse(ts).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            kind = tr.get("type") if tr is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            if tr is None:
                texts = []
            elif msg.get("numerus") == "yes":
                texts = [n.text or "" for n in tr.iter("numerusform")]
            else:
                texts = [tr.text or ""]
            out.append({"context": name, "source": msg.findtext("source") or "",
                        "comment": msg.findtext("comment") or "",
                        "numerus": msg.get("numerus") == "yes",
                        "translations": texts, "unfinished": kind == "unfinished"})
    return out


def source_keys(ts: Path) -> set[tuple[str, str, str]]:
    return {(m["context"], m["source"], m["comment"]) for m in messages(ts)}


def problems_of(lang: str) -> list[str]:
    """What `--check` complains about for one language (empty: all good)."""
    ts, qm = ts_path(lang), qm_path(lang)
    if not ts.exists():
        return [f"{ts.relative_to(ROOT)} is missing: run scripts/i18n.py"]
    found = []
    for m in messages(ts):
        where = f"{m['context']}: {m['source']!r}"
        if m["unfinished"]:
            found.append(f"unfinished translation: {where}")
        elif not m["translations"] or any(not t.strip() for t in m["translations"]):
            found.append(f"empty translation: {where}")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / ts.name
        lupdate(fresh)
        for ctx, src, _ in sorted(source_keys(fresh) - source_keys(ts)):
            found.append(f"not in {ts.name} (run scripts/i18n.py): {ctx}: {src!r}")
        if not qm.exists():
            found.append(f"{qm.relative_to(ROOT)} is missing: run scripts/i18n.py")
        else:
            # contents, not file times: a fresh clone gives both files the checkout's time
            rebuilt = Path(tmp) / qm.name
            lrelease(ts, rebuilt)
            if not filecmp.cmp(rebuilt, qm, shallow=False):
                found.append(f"{qm.name} differs from what {ts.name} compiles to: "
                             "run scripts/i18n.py")
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 listing missing/unfinished translations or a "
                        "stale .qm")
    args = p.parse_args(argv)
    if args.check:
        problems = [f"[{lang}] {text}" for lang in LANGS for text in problems_of(lang)]
        for text in problems:
            print(text)
        if problems:
            print(f"{len(problems)} problem(s)")
            return 1
        print("translations complete and compiled")
        return 0
    for lang in LANGS:
        ts, qm = ts_path(lang), qm_path(lang)
        lupdate(ts)
        lrelease(ts, qm)
        msgs = messages(ts)
        todo = [m for m in msgs if m["unfinished"]]
        print(f"{ts.relative_to(ROOT)}: {len(msgs)} strings, {len(todo)} unfinished")
        for m in todo:
            print(f"  TODO {m['context']}: {m['source']!r}")
        print(f"{qm.relative_to(ROOT)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
