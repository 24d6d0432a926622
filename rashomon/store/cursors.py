"""The cursors repository: every saved position of Rashomon, the one progress mechanism.

A cursor is a named position within a scope: a source's backfill page (`kremlin_en`,
`backfill`, with the `since` date it walks to), the analysis's high-water mark of document
ids (`analysis`, `documents`), the alert pass's mark of calls already alerted (`alerts`,
`calls_alerted_until`). Contract (every backend): `save` keeps one value per (scope, name),
the last one saved; `get` returns it with its `since`, or None; `clear` forgets it.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Engine, select

from rashomon.clock import Clock
from rashomon.store.engine import upsert
from rashomon.store.schema import cursors


class Cursor(NamedTuple):
    """A saved position and the `since` it was saved for (None when it has none)."""

    value: str
    since: str | None


class CursorRepository:
    """Positions by (scope, name)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine, self._clock = engine, clock

    def get(self, scope: str, name: str) -> Cursor | None:
        query = select(cursors.c.value, cursors.c.since).where(
            cursors.c.scope == scope, cursors.c.name == name)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else Cursor(row[0], row[1])

    def save(self, scope: str, name: str, value: str, since: str | None = None) -> None:
        values = {"value": value, "since": since, "updated_at": self._clock()}
        with self._engine.begin() as conn:
            upsert(conn, cursors, {"scope": scope, "name": name}, values)

    def clear(self, scope: str, name: str) -> None:
        query = cursors.delete().where(cursors.c.scope == scope, cursors.c.name == name)
        with self._engine.begin() as conn:
            conn.execute(query)
