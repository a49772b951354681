"""The pairing code HQ gets when it registers a station or rotates its token: the payload the
station scans, a QR of it (PNG, made in the same answer: the token is shown once), over real
HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from pickup_station.core.pairing_code import parse_pairing
from tests.qr_images import decode_png, png_of
from tests.server.conftest import assert_error
from tests.server_fixtures import HQClient, StationClient


def register(hq: HQClient, station_id: str) -> dict:
    r = hq.request("POST", "/api/v1/stations", json={"station_id": station_id, "name": "幸福里"})
    assert r.status_code == 201, r.text
    return r.json()


def test_registering_answers_a_pairing_code_the_station_can_scan(any_live_server):
    hq = HQClient(any_live_server)
    body = register(hq, "S-PAIR.1")
    pairing = body["pairing"]
    assert pairing["url"] == any_live_server.url.rstrip("/")
    assert pairing["station_id"] == "S-PAIR.1" and pairing["token"] == body["token"]
    query = parse_qs(urlsplit(pairing["payload"]).query)
    assert pairing["payload"].startswith("pickup-station:pair?")
    assert query == {"u": [pairing["url"]], "s": ["S-PAIR.1"], "t": [body["token"]]}
    # the QR in the answer holds exactly the payload, read by the station's camera decoder
    assert decode_png(png_of(pairing["qr_png"])) == [pairing["payload"]]
    code = parse_pairing(pairing["payload"])
    assert (code.url, code.station_id, code.token) == (pairing["url"], "S-PAIR.1", body["token"])
    me = StationClient(code.url, code.token).request("GET", "/api/v1/sync/me").json()
    assert me["station_id"] == "S-PAIR.1"


def test_a_new_token_comes_with_a_new_code_and_the_old_code_stops_working(any_live_server):
    hq = HQClient(any_live_server)
    old = register(hq, "S2")["pairing"]
    r = hq.request("POST", "/api/v1/stations/S2/token")
    assert r.status_code == 200, r.text
    new = r.json()["pairing"]
    assert new["token"] == r.json()["token"] != old["token"]
    assert decode_png(png_of(new["qr_png"])) == [new["payload"]]
    old_code, new_code = parse_pairing(old["payload"]), parse_pairing(new["payload"])
    assert_error(StationClient(old_code.url, old_code.token).request("GET", "/api/v1/sync/me"),
                 401, "unauthorized")
    assert StationClient(new_code.url, new_code.token).request(
        "GET", "/api/v1/sync/me").status_code == 200


def test_the_published_address_is_used_when_hq_reaches_the_server_another_way(server_factory):
    server = server_factory(public_url="https://sync.example.cn/")
    pairing = register(HQClient(server), "S3")["pairing"]
    assert pairing["url"] == "https://sync.example.cn"
    assert parse_pairing(pairing["payload"]).url == "https://sync.example.cn"


def test_no_code_without_the_admin_token(live_server):
    hq = HQClient(live_server)
    register(hq, "S4")
    station = StationClient(live_server, hq.rotate_token("S4"))
    for client in (HQClient(live_server, "wrong"), station):
        r = client.request("POST", "/api/v1/stations/S4/token")
        assert r.status_code in (401, 403) and "pairing" not in r.text


@pytest.mark.parametrize("text", ["pickup-station:pair?u=ftp%3A%2F%2Fx&s=S&t=T",
                                  "pickup-station:pair?u=http%3A%2F%2Fx&s=S",
                                  "pickup-station:pair", "https://x/?t=ABC"])
def test_an_incomplete_or_foreign_code_is_not_a_pairing(text):
    assert parse_pairing(text) is None
