"""Backup and restore of a 100,000-order station store (store/backup.py): the online backup
into <data dir>/backups (temp name, quick_check, fsync, rename), the daily check when nothing is
due, and a restore (integrity_check of the backup, copy, the old store kept aside).

    .venv/bin/python bench/backup_bench.py [ORDERS]

The last line is JSON."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _common import Stopwatch, demo_station, print_json_last


def main() -> None:
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    from pickup_station.store import backup
    from pickup_station.store.db import STORE_FILENAME

    with tempfile.TemporaryDirectory(prefix="backup-bench-") as tmp:
        data_dir = Path(tmp)
        demo_station(data_dir, orders)
        store_path = data_dir / STORE_FILENAME
        with Stopwatch() as made:
            info = backup.make_backup(store_path, reason="manual")
        with Stopwatch() as not_due:
            skipped = backup.backup_if_due(store_path)
        with Stopwatch() as restored:
            backup.restore_backup(info.path, store_path)
        mb = info.size_bytes / 1e6
        print(f"backup of {orders:,} orders ({mb:.1f} MB): {made.seconds:.2f} s; "
              f"daily check when not due: {not_due.seconds * 1000:.1f} ms; "
              f"restore: {restored.seconds:.2f} s")
        print_json_last({"bench": "backup", "orders": orders, "backup_mb": round(mb, 1),
                         "backup_s": round(made.seconds, 3),
                         "daily_check_not_due_ms": round(not_due.seconds * 1000, 2),
                         "skipped": skipped is None, "restore_s": round(restored.seconds, 3)})


if __name__ == "__main__":
    main()
