"""The documents repository: the texts the crawler stored, versioned, and the pages of a
source known to hold none.

Contract (every backend; `tests/test_store.py` runs it on SQLite and PostgreSQL):
- `save(doc)` stores a wording once: the same URL and wording again is "unchanged", a changed
  wording of a stored URL is kept as its next version ("version"), a new URL is "new".
  `save_all` is `save` for many documents in one transaction.
- `latest()` yields the newest version of each URL, oldest publication first (then by id),
  carrying its `id` and `version`; `get`, `versions` and the counts see the same rows.
- Times go in and come out as aware UTC; a naive time is refused with a `ValueError`. A
  document without `fetched_at` gets the store's clock.
- `known_urls(source)` is every URL of the source not to fetch again: its stored documents and
  its skipped pages (`skip`, idempotent: a page skipped twice is one row).
- Every method is one short transaction. `latest` reads the ids it will yield first, then the
  documents a page at a time, each page in a transaction of its own: a caller that writes
  while it iterates (the matcher) never holds a reader open for the whole run, so SQLite can
  checkpoint its write-ahead log as it goes and the log stays small.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.engine import RowMapping

from rashomon.clock import Clock
from rashomon.models import Document
from rashomon.store.engine import upsert
from rashomon.store.schema import documents, skipped

SaveResult = Literal["new", "version", "unchanged"]
PAGE = 500  # documents read per transaction by `latest`


class DocumentRepository:
    """Documents by URL and version, and skipped pages."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine, self._clock = engine, clock

    # ------------------------------------------------------------------ writing
    def save(self, doc: Document) -> SaveResult:
        """Store a document: the same wording twice is a no-op, a changed one a new version."""
        with self._engine.begin() as conn:
            return self._save(conn, doc)

    def save_all(self, docs: Iterable[Document]) -> list[SaveResult]:
        """`save` for each document, in one transaction (a bulk load)."""
        with self._engine.begin() as conn:
            return [self._save(conn, doc) for doc in docs]

    def _save(self, conn: Connection, doc: Document) -> SaveResult:
        query = select(documents.c.content_hash).where(documents.c.url == doc.url)
        versions = conn.execute(query).scalars().all()
        if doc.content_hash in versions:
            return "unchanged"
        conn.execute(documents.insert().values(self._row(doc, len(versions) + 1)))
        return "version" if versions else "new"

    def skip(self, source_id: str, url: str, reason: str) -> None:
        """Remember a page that holds no document (a deleted article), so it is not refetched."""
        values = {"source_id": source_id, "reason": reason, "seen_at": self._clock()}
        with self._engine.begin() as conn:
            upsert(conn, skipped, {"url": url}, values)

    # ------------------------------------------------------------------ reading
    def latest(self, *, since: datetime | None = None, after_id: int = 0,
               source_id: str | None = None) -> Iterator[Document]:
        """The latest version of each document (with an id above `after_id`, published at or
        after `since`, of `source_id`), oldest publication first, as they were when the
        iteration began."""
        ids = self._latest_ids(since, after_id, source_id)
        for start in range(0, len(ids), PAGE):
            page = ids[start:start + PAGE]
            with self._engine.connect() as conn:
                rows = conn.execute(select(documents).where(documents.c.id.in_(page)))
                found = {row.id: _document(row._mapping) for row in rows}
            yield from (found[document_id] for document_id in page if document_id in found)

    def _latest_ids(self, since: datetime | None, after_id: int,
                    source_id: str | None) -> list[int]:
        newest = select(func.max(documents.c.id)).group_by(documents.c.url).scalar_subquery()
        query = select(documents.c.id).where(documents.c.id.in_(newest),
                                             documents.c.id > after_id)
        if since is not None:
            query = query.where(documents.c.published_at >= since)
        if source_id is not None:
            query = query.where(documents.c.source_id == source_id)
        with self._engine.connect() as conn:
            return list(conn.execute(query.order_by(documents.c.published_at, documents.c.id))
                        .scalars())

    def get(self, document_id: int) -> Document | None:
        """One stored version by its id, or None."""
        query = select(documents).where(documents.c.id == document_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _document(row._mapping)

    def versions(self, url: str) -> list[Document]:
        """Every stored version of a URL, the first first."""
        query = select(documents).where(documents.c.url == url).order_by(documents.c.version)
        with self._engine.connect() as conn:
            return [_document(row._mapping) for row in conn.execute(query)]

    def has_url(self, url: str) -> bool:
        query = select(documents.c.id).where(documents.c.url == url).limit(1)
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def known_urls(self, source_id: str) -> set[str]:
        """URLs not to fetch again: the source's stored documents and its skipped pages."""
        stored = select(documents.c.url).where(documents.c.source_id == source_id).distinct()
        gone = select(skipped.c.url).where(skipped.c.source_id == source_id)
        with self._engine.connect() as conn:
            return set(conn.execute(stored).scalars()) | set(conn.execute(gone).scalars())

    def counts(self) -> dict[str, int]:
        """Documents (distinct URLs) per source id."""
        query = select(documents.c.source_id, func.count(documents.c.url.distinct())).group_by(
            documents.c.source_id)
        with self._engine.connect() as conn:
            return {source: count for source, count in conn.execute(query)}

    def newest_published(self, source_id: str) -> datetime | None:
        """When the source's newest document was published; None when it has none."""
        query = select(func.max(documents.c.published_at)).where(
            documents.c.source_id == source_id)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar()

    def press_ids(self, start: datetime, end: datetime) -> list[int]:
        """The ids of the latest version of each press document published within [start, end]."""
        query = (select(func.max(documents.c.id))
                 .where(documents.c.side == "press", documents.c.published_at.between(start, end))
                 .group_by(documents.c.url))
        with self._engine.connect() as conn:
            return sorted(conn.execute(query).scalars())

    def _row(self, doc: Document, version: int) -> dict[str, Any]:
        return {
            "source_id": doc.source_id, "side": doc.side, "language": doc.language,
            "kind": doc.kind, "url": doc.url, "external_id": doc.external_id,
            "title": doc.title, "published_at": doc.published_at,
            "fetched_at": doc.fetched_at or self._clock(), "paragraphs": list(doc.paragraphs),
            "summary": doc.summary, "tags": list(doc.tags), "content_hash": doc.content_hash,
            "version": version,
        }


def _document(row: RowMapping) -> Document:
    doc = Document(
        source_id=row["source_id"], side=row["side"], language=row["language"],
        kind=row["kind"], url=row["url"], title=row["title"],
        published_at=row["published_at"], paragraphs=tuple(row["paragraphs"]),
        external_id=row["external_id"], summary=row["summary"], tags=tuple(row["tags"]),
        fetched_at=row["fetched_at"],
    )
    return replace(doc, id=row["id"], version=row["version"])
