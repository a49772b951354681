"""Sync with the server: the station's half of docs/protocol.md. No Qt in this package.

- `protocol.py`  wire shapes and their checks (`ProtocolError` on anything malformed)
- `client.py`    `SyncClient`: one requests.Session, timeouts, gzip, retries with backoff, 429
- `apply.py`     one pull page into the store (manifest.py semantics, bulk writes)
- `engine.py`    `SyncEngine.run_round()`: pull → push → heartbeat, what moved and what waits
- `runner.py`    `SyncRunner`: the background thread (coalescing, backoff, "sync now")
- `pairing.py`   check and keep a server address + station token
- `attention.py` the needs-attention list and its words
- `cli_commands.py`  `pickup-station-cli pair URL TOKEN` and `sync`

The Qt wrappers live in `pickup_station/ui/` (`sync_controller.py`, `pair_dialog.py`,
`attention_dialog.py`).
"""
