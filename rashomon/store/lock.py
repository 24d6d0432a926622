"""One daemon per store: a lease row in the store itself (`Store.lock`).

Contract (every backend): a lease (owner, expiry) works the same on SQLite and PostgreSQL and
across machines; the holder renews it while it runs, and a crashed holder's lease simply
expires (at once, when the holder was a process of this machine that no longer exists).
Taking it is one conditional UPDATE or INSERT, so two processes can never both hold it.
"""

from __future__ import annotations

import os
import re
import socket
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from rashomon.clock import Clock
from rashomon.errors import LockError
from rashomon.store.schema import locks

OWNER = re.compile(r"^pid (\d+) on (.+)$")


def default_owner() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


def _dead(owner: str) -> bool:
    """Whether `owner` is a process of this machine that no longer exists."""
    match = OWNER.match(owner)
    if match is None or match[2] != socket.gethostname():
        return False
    try:
        os.kill(int(match[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class StoreLock:
    """The named lease; `acquire()` raises `LockError` naming the current holder."""

    def __init__(self, engine: Engine, clock: Clock, name: str = "daemon", lease: float = 120.0,
                 owner: str | None = None) -> None:
        self._engine, self._clock = engine, clock
        self.name = name
        self.lease = timedelta(seconds=lease)
        self.owner = owner or default_owner()

    def acquire(self, now: datetime | None = None) -> None:
        """Take the lease at `now` (default: the store's clock)."""
        now = now or self._clock()
        if self._take(now):
            return
        holder, expires = self._holder()
        if _dead(holder) and self._take(now, from_owner=holder):
            return  # its holder crashed on this machine: no need to wait for the lease
        raise LockError(f"another Rashomon process ({holder}) is running on this store; "
                        f"its lock expires at {expires:%Y-%m-%d %H:%M:%S} UTC unless renewed")

    def renew(self, now: datetime | None = None) -> bool:
        """Extend the lease; False if it was lost (another process took an expired lease)."""
        now = now or self._clock()
        query = locks.update().where(locks.c.name == self.name, locks.c.owner == self.owner)
        with self._engine.begin() as conn:
            return conn.execute(query.values(expires_at=now + self.lease)).rowcount == 1

    def release(self) -> None:
        query = locks.delete().where(locks.c.name == self.name, locks.c.owner == self.owner)
        with self._engine.begin() as conn:
            conn.execute(query)

    def _take(self, now: datetime, from_owner: str | None = None) -> bool:
        values = {"owner": self.owner, "acquired_at": now, "expires_at": now + self.lease}
        free = (locks.c.expires_at < now) | (locks.c.owner == (from_owner or self.owner))
        with self._engine.begin() as conn:
            query = locks.update().where(locks.c.name == self.name, free)
            if conn.execute(query.values(**values)).rowcount == 1:
                return True
        try:
            with self._engine.begin() as conn:
                conn.execute(locks.insert().values(name=self.name, **values))
        except IntegrityError:
            return False
        return True

    def _holder(self) -> tuple[str, datetime]:
        query = select(locks.c.owner, locks.c.expires_at).where(locks.c.name == self.name)
        with self._engine.connect() as conn:
            row = conn.execute(query).one()
        return row[0], row[1]
