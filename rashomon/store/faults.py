"""What a database error means to the person running Rashomon, said where the store meets it.

Every error the database driver raises passes through `translate` (SQLAlchemy's `handle_error`
event on the store's engine), wherever in Rashomon the store was reached: opening it, a crawl
storing a page, the delivery loop recording an attempt. A fault a person must act on becomes
a `StoreError` of one line that names the store and says what to do:

    store sqlite:////var/lib/rashomon/rashomon.db: the disk is full (free space in
    /var/lib/rashomon and run again)

(a full disk, a corrupt file or one that is not a database, a file or folder that cannot be
opened or written, a store another process kept locked, a PostgreSQL server that cannot be
reached). Every other error passes unchanged: a constraint the code relies on (the lock's
INSERT that loses a race) is the code's business, and a bug keeps its traceback. A store's URL
is shown without its password.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, ExceptionContext

from rashomon.errors import StoreError

NEARLY_FULL = 1 << 20  # bytes free below which an I/O error is taken for a full disk
BUSY_SECONDS = 30  # how long SQLite waits for another process's lock (`connect_args`)

FULL = "the disk is full (free space in {folder} and run again)"
CORRUPT = "not a database or corrupt (restore a backup, or move it aside to start afresh)"
CANNOT_OPEN = "cannot open the file (check that {folder} exists and that this user may write there)"
READ_ONLY = "cannot write (let this user write the file and {folder})"
BUSY = "another process holds it locked (run again when it is done, or look for a stuck process)"
IO_ERROR = "disk I/O error ({name}; check the disk under {folder})"

# SQLite's primary result codes (https://sqlite.org/rescode.html) and what each one means.
SQLITE = {sqlite3.SQLITE_FULL: FULL, sqlite3.SQLITE_CORRUPT: CORRUPT,
          sqlite3.SQLITE_NOTADB: CORRUPT, sqlite3.SQLITE_CANTOPEN: CANNOT_OPEN,
          sqlite3.SQLITE_READONLY: READ_ONLY, sqlite3.SQLITE_PERM: READ_ONLY,
          sqlite3.SQLITE_BUSY: BUSY, sqlite3.SQLITE_LOCKED: BUSY, sqlite3.SQLITE_IOERR: IO_ERROR}
# PostgreSQL's SQLSTATE codes, by prefix (its manual, appendix A, "PostgreSQL Error Codes").
POSTGRES = {"53100": "the database server's disk is full (free space there and run again)",
            "XX001": "the database is corrupt (restore a backup)",
            "XX002": "an index is corrupt (REINDEX it, or restore a backup)",
            "08": "lost the connection to the database server ({detail})",
            "28": "the database server refused the login ({detail})",
            "3D": "no such database ({detail})",
            "42501": "permission denied ({detail})"}


@dataclass(frozen=True)
class Place:
    """Where the store is: its URL as shown (no password) and, for SQLite, its folder."""

    shown: str
    folder: Path | None

    @classmethod
    def of(cls, url: URL) -> Place:
        database = url.database
        sqlite_file = url.get_backend_name() == "sqlite" and database not in (None, "", ":memory:")
        folder = Path(str(database)).absolute().parent if sqlite_file else None
        return cls(url.render_as_string(hide_password=True), folder)

    def error(self, problem: str) -> StoreError:
        return StoreError(f"store {self.shown}: {problem}")


class FaultWatch:
    """Translates the faults of every connection of one engine (see the module docstring), and
    remembers the first: a process that cannot stop at once (a crawl in Scrapy, which logs a
    component's exception and goes on) asks `first` at its end, and may be told at once
    (`listeners`)."""

    def __init__(self, place: Place) -> None:
        self.place = place
        self.first: StoreError | None = None
        self.listeners: list[Callable[[StoreError], object]] = []

    def __call__(self, context: ExceptionContext) -> None:
        problem = meaning(context.original_exception, self.place, context.connection is None)
        if problem is None:
            return
        error = self.place.error(problem)
        if self.first is None:
            self.first = error
            for listener in self.listeners:
                listener(error)
        raise error


def watch(engine: Engine, url: URL) -> FaultWatch:
    """Translate the faults of every connection `engine` makes from now on."""
    faults = FaultWatch(Place.of(url))
    event.listen(engine, "handle_error", faults)
    return faults


def meaning(error: BaseException, place: Place, connecting: bool) -> str | None:
    """What `error` means for a person, or None when it is not a fault of the store."""
    if isinstance(error, sqlite3.Error) and hasattr(error, "sqlite_errorcode"):
        return sqlite_meaning(error, place)
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    for prefix, problem in POSTGRES.items():
        if state and state.startswith(prefix):
            return problem.format(detail=detail)
    if connecting and type(error).__name__ == "OperationalError":
        return f"cannot connect ({detail})"
    return None


def sqlite_meaning(error: sqlite3.Error, place: Place) -> str | None:
    code = error.sqlite_errorcode & 0xFF  # the primary code of an extended one
    problem = SQLITE.get(code)
    if problem is None:
        return None
    folder = place.folder or Path.cwd()
    if problem is IO_ERROR and free_bytes(folder) < NEARLY_FULL:
        problem = FULL  # SQLite reports a full disk as an I/O error where it maps memory
    return problem.format(folder=folder, name=error.sqlite_errorname)


def free_bytes(folder: Path) -> int:
    """Bytes this user may still write under `folder` (its nearest existing ancestor)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return NEARLY_FULL
