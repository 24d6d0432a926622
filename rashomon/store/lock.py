"""One daemon per store: a lease row in the store itself (`Store.lock`).

Contract (every backend): a lease (owner, expiry) works the same on SQLite and PostgreSQL and
across machines; the holder renews it while it runs, and a crashed holder's lease simply
expires (at once, when the holder was a process of this machine that no longer exists).
Taking it is one conditional UPDATE or INSERT, so two processes can never both hold it.

The holder renews it with a `LockKeeper`: a thread of its own that does nothing else, so no
other work can make a renewal late (a daemon's job pool full of jobs waiting behind a hung
delivery once let the lease expire). A holder whose renewal finds the lease taken has lost it
and must stop, as a failure.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from rashomon.clock import Clock
from rashomon.errors import LockError, StoreError
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

    def holder(self) -> str | None:
        """Who holds the lease now (None: nobody)."""
        query = select(locks.c.owner).where(locks.c.name == self.name)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar()

    def _holder(self) -> tuple[str, datetime]:
        query = select(locks.c.owner, locks.c.expires_at).where(locks.c.name == self.name)
        with self._engine.connect() as conn:
            row = conn.execute(query).one()
        return row[0], row[1]


class LockKeeper:
    """Renews a held `StoreLock` every third of its lease, on a thread of its own, from
    `start()` to `stop()`.

    A renewal that finds the lease taken (it expired and another process took it) sets `lost`
    and calls `on_lost` once, then the keeper stops. A renewal the store refuses (a full disk,
    a store locked for a while) is not a loss: it is reported to `on_error` and tried again at
    the next tick; nobody can take the lease without writing to the store either, and if one
    does once the lease has expired, the next renewal finds it lost."""

    def __init__(self, lock: StoreLock, on_lost: Callable[[], object],
                 on_error: Callable[[StoreError], object] = lambda error: None) -> None:
        self.lock, self.on_lost, self.on_error = lock, on_lost, on_error
        self.lost = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"rashomon-lock-{lock.name}")

    def start(self) -> LockKeeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        """No more renewals (before the lock is released: a renewal after it would fail)."""
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        every = self.lock.lease.total_seconds() / 3
        while not self._stopping.wait(every):
            if not self._renewed():
                self.lost.set()
                self.on_lost()
                return

    def _renewed(self) -> bool:
        try:
            return self.lock.renew()
        except StoreError as error:
            self.on_error(error)
            return True
