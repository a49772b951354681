"""python-escpos reads its printer database (capabilities.json, about 110 ms) when it is first
imported and caches it as a pickle in `ESCPOS_CAPABILITIES_PICKLE_DIR`, by default a new
temporary folder on every start (made even when the variable is set), which it leaves behind:
a counter PC would collect thousands.

`prepare()` points it at our own cache folder and writes the pickle there first, atomically
(temporary file + rename), so escpos only ever reads a whole file, even with two programs
starting at once; escpos then skips the slow load. It is an explicit start-up step, never a side
effect of importing a module: `app.main` and the CLI (`cli.context.Context.prepare_printing`) call
it before the first `import escpos`. Any failure leaves escpos to its default behaviour.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import pickle
import platform
import sys
import tempfile
from pathlib import Path

import platformdirs

from pickup_station.paths import APP_NAME

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "escpos"


def prepare(folder: Path | None = None) -> Path | None:
    """Set up the capabilities cache; the folder used, or None when escpos decides alone."""
    if "escpos" in sys.modules or os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR") \
            or os.environ.get("ESCPOS_CAPABILITIES_FILE"):
        return None
    try:
        spec = importlib.util.find_spec("escpos")
        if spec is None or not spec.origin:
            return None
        source = Path(spec.origin).parent / "capabilities.json"
        folder = folder or cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{platform.python_version()}.capabilities.pickle"
        if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
            data = json.loads(source.read_text(encoding="utf-8"))
            tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                pickle.dump(data, f, protocol=2)
            os.replace(tmp, target)
    except (OSError, ValueError, pickle.PickleError) as exc:
        log.debug("escpos capabilities cache not set up: %s", exc)
        return None
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)
    # escpos 3.1 evaluates `environ.get(..., mkdtemp())`: the default is made even when the
    # variable is set. Import it once with mkdtemp answering our folder, so nothing is made.
    real = tempfile.mkdtemp
    tempfile.mkdtemp = lambda *a, **k: str(folder)
    try:
        import escpos.capabilities  # noqa: F401
    finally:
        tempfile.mkdtemp = real
    return folder
