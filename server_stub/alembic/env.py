"""Alembic environment of the sync server: always run on a connection `migrations.py` hands in
(one transaction, under the migration lock); the target metadata is `server_stub.models`."""

from __future__ import annotations

from alembic import context

from server_stub.models import metadata

IGNORED_TABLES = {"schema_migrations"}  # the pre-Alembic version table, kept for old servers


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and name in IGNORED_TABLES)


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through server_stub.migrations.migrate(engine) or "
                       "`pickup-sync-server migrate`")
context.configure(connection=connection, target_metadata=metadata,
                  include_object=include_object,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
