"""/docs and /redoc work on a network without internet (assets served by the server itself), and
the schema declares bearer authentication so Swagger UI's "Authorize" + "Try it out" work."""

from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import urljoin, urlparse

import pytest
import requests

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")
PUBLIC = {"/api/v1/health", "/api/v1/limits"}


def _assets(base: str, html: str) -> list[str]:
    return [urljoin(base, a or b) for a, b in ASSET.findall(html) if (a or b)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_assets_are_local_and_answer(live_server, page):
    r = requests.get(live_server.url + page, timeout=10)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assets = _assets(r.url, r.text)
    assert any(a.endswith(".js") for a in assets), r.text
    here = urlparse(live_server.url).netloc
    for url in assets:
        assert urlparse(url).netloc == here, f"{page} loads {url} from elsewhere"
        got = requests.get(url, timeout=10)
        assert got.status_code == 200 and got.content, url
    # the pages' own inline setup names no other host either (fonts, validator badge, CDN)
    assert not re.search(r"https?://(?!127\.0\.0\.1)", r.text), r.text


def test_schema_declares_bearer_on_every_authenticated_route(live_server):
    spec = requests.get(live_server.url + "/openapi.json", timeout=10).json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer",
                                 "description": schemes["bearer"]["description"]}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if path in PUBLIC:
                assert "security" not in op, (method, path)
            else:
                assert op.get("security") == [{"bearer": []}], (method, path)
                assert {"401", "403"} <= set(op["responses"]), (method, path)


def test_try_it_out_works_with_the_declared_scheme(live_server):
    """What Swagger UI sends after "Authorize" with the admin token: the scheme as declared."""
    spec = requests.get(live_server.url + "/openapi.json", timeout=10).json()
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    r = requests.get(live_server.url + "/api/v1/stations", timeout=10,
                     headers={"Authorization": f"Bearer {live_server.admin_token}"})
    assert r.status_code == 200


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no chromium (scripts/install-system-deps.sh)")
def test_docs_render_in_a_real_browser_without_network(live_server, tmp_path):
    """Headless Chromium with every host but loopback unreachable renders the operations."""
    cmd = [_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu",
           "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
           "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
           "--virtual-time-budget=15000", "--dump-dom", live_server.url + "/docs"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    dom = out.stdout
    assert "opblock" in dom, (out.returncode, out.stderr[-2000:], dom[:2000])
    for path in ("/api/v1/sync/push", "/api/v1/batches/{batch_id}", "/api/v1/pickups"):
        assert path in dom or path.replace("/", "\u200b/") in dom, path
    assert "authorize" in dom.lower()  # the bearer scheme shows Swagger UI's Authorize button
