"""The configured addresses' repository: the state of each feed, listing and data source.

Contract (every backend): `record` keeps one row per (source, address): the last status and
when it was checked; a success sets the failure count to 0 and clears `failing_since`, a
failure adds one to the count and keeps the time the failures began. `states` lists them by
source and address.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select

from rashomon.models import EntryPoint
from rashomon.store.schema import entry_points


class EntryPointRepository:
    """Each configured address's last answer and consecutive failures."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, source_id: str, url: str, status: str, ok: bool, at: datetime) -> None:
        """One answer of a configured address: a success clears its failures, a failure
        counts one more and keeps the time the failures began."""
        key = (entry_points.c.source_id == source_id, entry_points.c.url == url)
        query = select(entry_points.c.failures, entry_points.c.failing_since).where(*key)
        with self._engine.begin() as conn:
            row = conn.execute(query).first()
            failures, since = (row[0], row[1]) if row else (0, None)
            values = {"last_status": status, "checked_at": at,
                      "failures": 0 if ok else failures + 1,
                      "failing_since": None if ok else since or at}
            if row is None:
                conn.execute(entry_points.insert().values(source_id=source_id, url=url, **values))
            else:
                conn.execute(entry_points.update().where(*key).values(**values))

    def states(self, source_id: str | None = None) -> list[EntryPoint]:
        """The recorded states of configured addresses, by source and address."""
        query = select(entry_points).order_by(entry_points.c.source_id, entry_points.c.url)
        if source_id is not None:
            query = query.where(entry_points.c.source_id == source_id)
        with self._engine.connect() as conn:
            return [EntryPoint(**row._mapping) for row in conn.execute(query)]
