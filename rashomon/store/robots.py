"""The robots.txt repository: each site's robots.txt as last read, with its validators.

A crawl asks a site's robots.txt again only when the copy kept here is older than its time to
live (`[crawl] robots_ttl_hours`), and then conditionally: an unchanged file costs a 304.
Contract (every backend): `save` keeps one `RobotsFile` per origin (scheme, host and port), the
last one saved; `get` returns it, or None; `confirm` moves its `checked_at` on (a 304) and
keeps the rest. Times are aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from rashomon.store.engine import upsert
from rashomon.store.schema import robots


@dataclass(frozen=True)
class RobotsFile:
    """A site's robots.txt: the text obeyed ("" when the site has none: all allowed), the HTTP
    status it came with, its validators, and when it was last fetched or confirmed."""

    origin: str
    text: str
    status: int
    checked_at: datetime
    etag: str | None = None
    last_modified: str | None = None


class RobotsRepository:
    """robots.txt files by origin."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, origin: str) -> RobotsFile | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(robots).where(robots.c.origin == origin)).first()
        if row is None:
            return None
        found = row._mapping
        return RobotsFile(origin, found["text"], found["status"], found["checked_at"],
                          found["etag"], found["last_modified"])

    def save(self, file: RobotsFile) -> None:
        values = {"text": file.text, "status": file.status, "checked_at": file.checked_at,
                  "etag": file.etag, "last_modified": file.last_modified}
        with self._engine.begin() as conn:
            upsert(conn, robots, {"origin": file.origin}, values)

    def confirm(self, origin: str, at: datetime) -> None:
        """The site answered 304: the kept copy is good for another time to live."""
        query = robots.update().where(robots.c.origin == origin).values(checked_at=at)
        with self._engine.begin() as conn:
            conn.execute(query)
