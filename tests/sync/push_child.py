"""Child process for the SIGKILL test: push the whole outbox in small requests, then exit 0.

It prints "chunk" as each request is prepared, so the parent can kill it in mid-push.

    python -m tests.sync.push_child DATA_DIR URL TOKEN
"""

from __future__ import annotations

import sys

from pickup_station.store.db import Store
from pickup_station.sync.client import SyncClient
from pickup_station.sync.engine import SyncEngine


def main() -> int:
    data_dir, url, token = sys.argv[1:4]
    store = Store.in_dir(data_dir)
    engine = SyncEngine(store, SyncClient(url, token, retry_base=0.01, retry_cap=0.05),
                        push_batch=20)
    print("ready", flush=True)

    def progress() -> bool:  # called before each chunk: the parent kills after the n-th line
        print("chunk", flush=True)
        return False

    while engine.pending_events():
        engine.push(should_stop=progress)
    return 0


if __name__ == "__main__":
    sys.exit(main())
