"""CLI commands `backup` and `restore FILE` (store/backup.py).

- `backup`: a backup now, into `<data dir>/backups/` (the last 14 are kept):
  `{"ok": true, "backup": {"path", "station_id", "created_at", "reason", "size_bytes",
  "seconds"}, "backups": [paths, newest first]}`.
- `restore FILE`: puts a backup in place of the store (close the window first). Refuses (exit 1)
  a file that is missing (`not_found`), not a sound store or fails `integrity_check`
  (`backup_corrupt`), made by a newer app (`store_too_new`) or another station's
  (`other_station`). The replaced store is kept as `station.sqlite3.replaced-<time>`:
  `{"ok": true, "restored_from", "store", "station_id", "replaced_kept_as"}`.
"""

from __future__ import annotations

from pathlib import Path

from pickup_station.cli.context import Outcome
from pickup_station.messages import render
from pickup_station.store import backup as backups
from pickup_station.store.db import STORE_FILENAME


def register(sub, common) -> None:
    p = sub.add_parser("backup", parents=[common],
                       help="back the local store up now (kept in <data dir>/backups/)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common],
                       help="restore the store from a backup file (close the window first)")
    p.add_argument("file", help="a backup file (station-<id>-<time>-<reason>.sqlite3)")
    p.set_defaults(func=cmd_restore)


def cmd_backup(args, ctx) -> Outcome:
    ctx.store  # noqa: B018 - opened (checked, migrated) first: a broken store is said as such
    info = backups.make_backup(ctx.store.path, reason="manual")
    listed = [str(p) for p in backups.list_backups(backups.backups_dir(ctx.store.path))]
    text = render("cli.backup.done", ctx.lang, path=info.path, size=info.size_bytes,
                  seconds=info.seconds)
    return Outcome(0, {"ok": True, "backup": info.as_json(), "backups": listed}, text)


def cmd_restore(args, ctx) -> Outcome:
    store_path = Path(ctx.paths.data_dir) / STORE_FILENAME
    info = backups.restore_backup(Path(args.file), store_path)
    if info.replaced_kept_as:
        text = render("cli.restore.done", ctx.lang, path=info.restored_from,
                      aside=info.replaced_kept_as)
    else:
        text = render("cli.restore.done_new", ctx.lang, path=info.restored_from)
    return Outcome(0, {"ok": True, "restored_from": info.restored_from, "store": info.store,
                       "station_id": info.station_id,
                       "replaced_kept_as": info.replaced_kept_as}, text)
