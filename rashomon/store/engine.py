"""The connection to the database, and the one SQL idiom every repository shares.

`create_store_engine` picks the backend by URL: SQLite (its folder created, WAL and a busy
timeout, so the crawl child, the analysis and the delivery loop can share the file) or
PostgreSQL. `upsert` updates a row or inserts it the same way on both.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from rashomon.errors import StoreError
from rashomon.store.faults import BUSY_SECONDS

WAL_LIMIT = 4 * 1024 * 1024  # bytes of write-ahead log kept after a checkpoint (SQLite)


def create_store_engine(url: str, create: bool = True) -> Engine:
    """An engine for `url`; a bad URL or a missing driver is a `StoreError` naming it.
    `create=False`: a SQLite file that does not exist is a `StoreError` too (a command that only
    reads must not leave an empty store, or a folder, behind)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"store url {url!r} is not a database URL") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        _sqlite_file(Path(parsed.database), create)
    try:
        options = {"timeout": BUSY_SECONDS} if backend == "sqlite" else {}
        engine = create_engine(parsed, connect_args=options)
    except (ImportError, SQLAlchemyError) as exc:
        raise StoreError(f"cannot use store {parsed.render_as_string()}: {exc}") from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_file(path: Path, create: bool) -> None:
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store's folder {path.parent.absolute()}: "
                             f"{exc.strerror or exc}") from None
    elif not path.is_file():
        raise StoreError(f"no store at {path.absolute()}: `rashomon crawl`, `run` or `backfill` "
                         "creates one (or pass --store)")


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL, so that readers and the writer do not block each other; and a write-ahead log cut
    back to `WAL_LIMIT` bytes at each checkpoint, so that one large transaction (a bulk load, a
    backfill) does not leave a log as large as itself behind for good."""
    cursor = connection.cursor()
    _wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
    cursor.close()


def _wal(cursor: Any) -> None:
    """Switch to WAL. On a new file the switch takes a lock SQLite does not wait for (it answers
    "database is locked" at once, busy timeout or not), so two processes that open a new store
    together retry it for a while; on a file already in WAL it is a no-op."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def upsert(connection: Connection, table: Table, key: Mapping[str, Any],
           values: Mapping[str, Any]) -> None:
    """Update the row with `key`, or insert it (portable across SQLite and PostgreSQL)."""
    condition = [table.c[name] == value for name, value in key.items()]
    if connection.execute(table.update().where(*condition).values(**values)).rowcount == 0:
        connection.execute(table.insert().values(**key, **values))
