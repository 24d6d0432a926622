"""The source health repository: per source, whether a failing or a silent alert is out.

Contract (every backend): `state` is a source's two flags (both False before any alert);
`flip` returns the `Change` that sets one flag to a value only if it still has the other
value (a compare-and-set, written with its alert by `OutboxRepository.write`), so restarts and
parallel checks never raise the same health alert twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from rashomon.store.schema import source_health

Flag = Literal["failing", "silent"]


@dataclass(frozen=True)
class HealthState:
    failing: bool = False
    silent: bool = False


@dataclass(frozen=True)
class HealthFlip:
    """Set `flag` of a source to `value` (and when that began), if it still has the other."""

    source_id: str
    flag: Flag
    value: bool
    since: datetime
    at: datetime

    def apply(self, connection: Connection) -> bool:
        _ensure_row(connection, self.source_id, self.at)
        values = {self.flag: self.value, f"{self.flag}_since": self.since if self.value else None,
                  "updated_at": self.at}
        update = source_health.update().where(source_health.c.source_id == self.source_id,
                                              source_health.c[self.flag] == (not self.value))
        return connection.execute(update.values(values)).rowcount == 1


class SourceHealthRepository:
    """The outstanding health alerts of each source."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def state(self, source_id: str) -> HealthState:
        query = select(source_health.c.failing, source_health.c.silent).where(
            source_health.c.source_id == source_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return HealthState() if row is None else HealthState(bool(row[0]), bool(row[1]))

    def flip(self, source_id: str, flag: Flag, value: bool, since: datetime,
             now: datetime) -> HealthFlip:
        return HealthFlip(source_id, flag, value, since, now)


def _ensure_row(connection: Connection, source_id: str, now: datetime) -> None:
    exists = select(source_health.c.source_id).where(source_health.c.source_id == source_id)
    if connection.execute(exists).first() is None:
        try:
            with connection.begin_nested():
                connection.execute(source_health.insert().values(
                    source_id=source_id, failing=False, silent=False, updated_at=now))
        except IntegrityError:
            pass  # another process created it a moment ago: the UPDATE decides
