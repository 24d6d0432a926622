"""The store: one open database and one repository per kind of state.

    store = Store.open(url)          # SQLite by default, PostgreSQL by URL; migrated on open
    store.documents.save(doc); store.crawls.outcomes(source_id="kremlin_en"); store.close()

Every read and write of Rashomon's state goes through these repositories; nothing outside
`rashomon.store` sees an engine, a table or SQL. Each repository's module states its
contract; `tests/test_store.py` and `tests/test_lock.py` pin it on every backend they can
reach. Methods are short transactions: the store is shared by the crawl child process, the
analysis and the delivery loop. A fault a person must act on (a full disk, a corrupt file)
is a one-line `StoreError` wherever it is met (`faults`); `faults.first` remembers it.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from rashomon.clock import Clock, utcnow
from rashomon.errors import StoreError
from rashomon.store.calls import CallRepository
from rashomon.store.crawls import CrawlRepository
from rashomon.store.cursors import CursorRepository
from rashomon.store.documents import DocumentRepository
from rashomon.store.engine import create_store_engine
from rashomon.store.entrypoints import EntryPointRepository
from rashomon.store.faults import FaultWatch, watch
from rashomon.store.health import SourceHealthRepository
from rashomon.store.lock import StoreLock
from rashomon.store.migrations import migrate
from rashomon.store.outbox import OutboxRepository
from rashomon.store.robots import RobotsRepository
from rashomon.store.validators import ValidatorRepository


class Store:
    """Everything Rashomon persists. Open with `Store.open(url)`; `clock` stamps bookkeeping
    times (when a document was fetched, a validator or a cursor saved)."""

    def __init__(self, engine: Engine, url: str, clock: Clock = utcnow,
                 faults: FaultWatch | None = None) -> None:
        self._engine, self.url, self._clock = engine, url, clock
        self.faults = faults or watch(engine, make_url(url))
        self.documents = DocumentRepository(engine, clock)
        self.crawls = CrawlRepository(engine)
        self.entry_points = EntryPointRepository(engine)
        self.validators = ValidatorRepository(engine, clock)
        self.robots = RobotsRepository(engine)
        self.cursors = CursorRepository(engine, clock)
        self.calls = CallRepository(engine)
        self.outbox = OutboxRepository(engine)
        self.health = SourceHealthRepository(engine)

    @classmethod
    def open(cls, url: str, clock: Clock = utcnow, create: bool = True) -> Store:
        """Connect and migrate; a store that cannot be opened is a `StoreError`. `create=False`
        for commands that only read: a store that does not exist yet is an error, not made."""
        engine = create_store_engine(url, create)
        faults = watch(engine, make_url(url))  # before the first connection: it may fail too
        try:
            migrate(engine)
        except OperationalError as exc:
            engine.dispose()
            raise faults.place.error(f"cannot open it: {exc.orig}") from None
        except StoreError:
            engine.dispose()
            raise
        return cls(engine, url, clock, faults)

    def lock(self, name: str = "daemon", lease: float = 120.0,
             owner: str | None = None) -> StoreLock:
        """The named lease that keeps one daemon (or cron run) per store."""
        return StoreLock(self._engine, self._clock, name, lease, owner)

    def close(self) -> None:
        self._engine.dispose()

    def __deepcopy__(self, memo: dict[int, object]) -> Store:
        """An open store is a handle: a copy (Scrapy deep-copies its settings, which hand the
        store to the crawl's components) shares the same connections."""
        return self
