"""The whole HQ <-> station round trip over real HTTP, on SQLite and on PostgreSQL."""

from tests.server.conftest import pickup
from tests.server_fixtures import HQClient, StationClient, event, make_order


def test_round_trip(any_live_server):
    hq = HQClient(any_live_server)
    token = hq.create_station("S1", "一号店")
    answer = hq.put_batch("B1", "S1", [make_order("O1"), make_order("O2"), make_order("O3")])
    assert [o["order_id"] for o in answer["orders"]] == ["O1", "O2", "O3"]
    st = StationClient(any_live_server, token)
    changes, cursor = st.pull_all()
    assert [(c["kind"], c["data"].get("order_id")) for c in changes] == [
        ("batch", None), ("order", "O1"), ("order", "O2"), ("order", "O3")]
    assert cursor == str(changes[-1]["seq"])
    hq.dispatch("B1")
    results = st.push([
        event("arrival_checked", batch_id="B1", data={"operator_id": "op1"}),
        pickup("O1", "P-1", receipt_no="R1"),
        event("item_short", order_id="O2", batch_id="B1",
              data={"sku": "SKU-1", "qty": 1, "stage": "arrival", "operator_id": "op1"}),
    ])
    assert [r["status"] for r in results] == ["accepted"] * 3
    hq.cancel("O3", "顾客取消")
    hq.put_batch("B1", "S1", [make_order("O1"), make_order("O3")])  # O2 dropped
    later, cursor2 = st.pull_all(after=cursor)
    assert later[0]["kind"] == "batch" and later[0]["data"]["status"] == "dispatched"
    ops = {(c["data"]["order_id"], c["op"], c["data"].get("status")) for c in later[1:]}
    assert ops == {("O1", "upsert", "active"), ("O3", "upsert", "cancelled"),
                   ("O2", "delete", None)}
    assert st.pull(after=cursor2)["changes"] == []
    late = st.push([pickup("O3", "P-3")])[0]
    assert (late["status"], late["reason"]) == ("rejected", "order_cancelled")
    view = hq.get_batch("B1")
    assert [(o["order_id"], o["status"], o["needs_review"]) for o in view["orders"]] == [
        ("O1", "picked_up", False), ("O3", "cancelled", True)]
    feed = hq.pickups(station_id="S1")
    assert [p["receipt_no"] for p in feed["pickups"]] == ["R1"]
    assert st.heartbeat("1.0", 0)["clock_ok"] is True
    assert hq.stations()[0]["app_version"] == "1.0"
