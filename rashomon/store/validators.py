"""The HTTP validators repository: the ETag and Last-Modified of each feed and listing read.

Contract (every backend): `save` keeps one (ETag, Last-Modified) pair per URL, the last one
saved; `get` returns them by URL (of the given URLs, or of every URL), for a conditional GET.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from rashomon.clock import Clock
from rashomon.store.engine import upsert
from rashomon.store.schema import validators

Validators = tuple[str | None, str | None]  # (ETag, Last-Modified)


class ValidatorRepository:
    """Validators by URL."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine, self._clock = engine, clock

    def get(self, urls: list[str] | None = None) -> dict[str, Validators]:
        """Stored (ETag, Last-Modified) by URL."""
        query = select(validators.c.url, validators.c.etag, validators.c.last_modified)
        if urls is not None:
            query = query.where(validators.c.url.in_(urls))
        with self._engine.connect() as conn:
            return {url: (etag, modified) for url, etag, modified in conn.execute(query)}

    def save(self, url: str, etag: str | None, last_modified: str | None) -> None:
        values = {"etag": etag, "last_modified": last_modified, "updated_at": self._clock()}
        with self._engine.begin() as conn:
            upsert(conn, validators, {"url": url}, values)
