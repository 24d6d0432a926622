"""Schema versions. New tables appear by themselves (`create_all`); a change to an existing
table is a numbered step here, run once, in order, so existing data is kept.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, select, text

from rashomon.store.schema import meta, metadata

Step = Callable[[Connection], None]


def _calls_date_only(connection: Connection) -> None:
    """Calls remember that no account gave a time (their date is the local date)."""
    columns = {column["name"] for column in inspect(connection).get_columns("calls")}
    if "date_only" not in columns:
        connection.execute(text(
            "ALTER TABLE calls ADD COLUMN date_only BOOLEAN NOT NULL DEFAULT FALSE"))


# (version, what it does, the step). Append only; never edit a step that has shipped.
STEPS: list[tuple[int, str, Step]] = [
    (1, "calls.date_only", _calls_date_only),
]


# Modules that define tables on `schema.metadata` besides schema.py itself.
TABLE_MODULES = ("alerts.outbox", "rashomon.store.calls", "rashomon.store.lock")


def register_tables() -> None:
    """Import every module that defines tables, so that `create_all` sees them."""
    for name in TABLE_MODULES:
        importlib.import_module(name)


def current_version(connection: Connection) -> int:
    row = connection.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def set_version(connection: Connection, version: int) -> None:
    updated = connection.execute(
        meta.update().where(meta.c.key == "schema_version").values(value=str(version))
    )
    if updated.rowcount == 0:
        connection.execute(meta.insert().values(key="schema_version", value=str(version)))


def migrate(engine: Engine, steps: list[tuple[int, str, Step]] | None = None) -> int:
    """Create missing tables, then run the steps newer than the stored version."""
    steps = STEPS if steps is None else steps
    register_tables()
    latest = max((version for version, _, _ in steps), default=0)
    with engine.begin() as connection:
        fresh = not engine.dialect.has_table(connection, "documents")
        metadata.create_all(connection)
        done = latest if fresh and current_version(connection) == 0 else current_version(connection)
        for version, _, step in sorted(steps, key=lambda item: item[0]):
            if version > done:
                step(connection)
        set_version(connection, max(done, latest))
    return max(done, latest)
