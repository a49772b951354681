"""The OpenAPI schema describes what the server does: schemathesis over the server's own
/openapi.json on a live uvicorn, once with a station token and once with the admin token.

Every check (`--checks all`): no 5xx, every status code, header and body shape declared, OPTIONS
and undeclared methods answered 405 with an `Allow` that lists the resource's methods,
schema-invalid input refused, schema-valid input accepted (see schemathesis_hooks.py for the
two rules JSON Schema cannot state). Budget: a few examples per operation and phase, bounded
so the SQLite run stays well under a minute on two cores; PICKUP_FUZZ_EXAMPLES and
PICKUP_FUZZ_SEED widen or vary it by hand.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server.conftest import build_world

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = os.environ.get("PICKUP_FUZZ_EXAMPLES", "6")
SEED = os.environ.get("PICKUP_FUZZ_SEED", "1")
FLOOD_OFF = {"station_burst": 1_000_000, "station_rate_per_s": 1_000_000.0}


def st_run(url: str, token: str, workdir: Path, only: list[str]) -> subprocess.Popen:
    st = Path(sys.executable).with_name("st")
    env = dict(os.environ, SCHEMATHESIS_HOOKS="tests.server.schemathesis_hooks",
               PYTHONPATH=str(ROOT), NO_COLOR="1")
    workdir.mkdir()
    cmd = [str(st), "run", f"{url}/openapi.json", "-H", f"Authorization: Bearer {token}",
           "--checks", "all", "--exclude-checks", "positive_data_acceptance",
           "--phases", "examples,coverage,fuzzing", "--max-examples", EXAMPLES, "--seed", SEED,
           "--workers", "1", "--request-timeout", "20", "--report-dir", str(workdir), *only]
    return subprocess.Popen(cmd, cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def fuzz(server, tmp_path: Path) -> None:
    w = build_world(server)  # stations, a batch and orders: not every call ends in 404
    # both at once (two cores): the station token on the station calls, the admin token on
    # the rest (a station token elsewhere, or the admin token on station calls, is a 403 that
    # the coverage phase checks anyway with no token and a made-up one)
    sync = "^/api/v1/sync/(pull|push|heartbeat|me)$"
    runs = {"station": st_run(server.url, w.t1, tmp_path / "station",
                              ["--include-path-regex", "^/api/v1/sync/"]),
            "admin": st_run(server.url, server.admin_token, tmp_path / "admin",
                            ["--exclude-path-regex", sync])}
    for who, proc in runs.items():
        out, _ = proc.communicate(timeout=240)
        summary = out[-6000:]
        print(who, [ln for ln in out.splitlines() if "(in " in ln or "generated" in ln])
        assert proc.returncode == 0, f"schemathesis ({who} token) found:\n{summary}"
        assert "Test cases:" in summary and "Coverage" in summary, summary


def test_schema_fuzz_sqlite(server_factory, tmp_path):
    fuzz(server_factory(**FLOOD_OFF), tmp_path)


@pytest.mark.postgres
def test_schema_fuzz_postgres(pg_url_factory, server_factory, tmp_path):
    fuzz(server_factory(database_url=pg_url_factory(), **FLOOD_OFF), tmp_path)
