"""The store: documents, crawl outcomes, entry-point states, HTTP validators and cursors.

One small interface over SQLAlchemy Core, so SQLite (the default) and PostgreSQL (by URL) behave
the same; the contract is pinned by `tests/test_store.py`, which runs against every backend
it can reach. Every method is a short transaction: the store is shared by the crawl child
process, the analysis and the delivery loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import RowMapping, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from rashomon.clock import utcnow
from rashomon.errors import StoreError
from rashomon.models import CrawlOutcome, Document, EntryPoint
from rashomon.store import schema
from rashomon.store.migrations import migrate

SaveResult = Literal["new", "version", "unchanged"]



def create_store_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets its folder created, WAL and a busy timeout."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"store url {url!r} is not a database URL") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, connect_args=_connect_args(parsed.get_backend_name()))
    except (ImportError, SQLAlchemyError) as exc:
        raise StoreError(f"cannot use store {parsed.render_as_string()}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _connect_args(backend: str) -> dict[str, Any]:
    return {"timeout": 30} if backend == "sqlite" else {}


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Store:
    """Everything Rashomon persists. Open with `Store.open(url)`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        engine = create_store_engine(url)
        try:
            migrate(engine)
        except OperationalError as exc:
            raise StoreError(f"cannot open store {url}: {exc.orig}") from None
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ documents
    def save_document(self, doc: Document) -> SaveResult:
        """Store a document: the same wording twice is a no-op, a changed one a new version."""
        with self.engine.begin() as conn:
            versions = conn.execute(
                select(schema.documents.c.content_hash).where(schema.documents.c.url == doc.url)
            ).scalars().all()
            if doc.content_hash in versions:
                return "unchanged"
            conn.execute(schema.documents.insert().values(_document_row(doc, len(versions) + 1)))
        return "version" if versions else "new"

    def has_url(self, url: str) -> bool:
        query = select(schema.documents.c.id).where(schema.documents.c.url == url).limit(1)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def known_urls(self, source_id: str) -> set[str]:
        """URLs not to fetch again: the source's stored documents and its skipped pages."""
        stored = select(schema.documents.c.url).where(schema.documents.c.source_id == source_id)
        skipped = select(schema.skipped.c.url).where(schema.skipped.c.source_id == source_id)
        with self.engine.connect() as conn:
            return set(conn.execute(stored.distinct()).scalars()) | set(
                conn.execute(skipped).scalars())

    def skip_url(self, source_id: str, url: str, reason: str) -> None:
        """Remember a page that holds no document (a deleted article), so it is not refetched."""
        values = {"source_id": source_id, "reason": reason, "seen_at": utcnow()}
        self._upsert(schema.skipped, {"url": url}, values)

    def documents(
        self, *, since: datetime | None = None, after_id: int = 0, source_id: str | None = None
    ) -> Iterator[Document]:
        """The latest version of each document, oldest publication first."""
        table = schema.documents
        latest = (
            select(func.max(table.c.id)).group_by(table.c.url).scalar_subquery()
        )
        query = select(table).where(table.c.id.in_(latest), table.c.id > after_id)
        if since is not None:
            query = query.where(table.c.published_at >= since)
        if source_id is not None:
            query = query.where(table.c.source_id == source_id)
        with self.engine.connect() as conn:
            for row in conn.execute(query.order_by(table.c.published_at, table.c.id)):
                yield _document(row._mapping)

    def document(self, document_id: int) -> Document | None:
        query = select(schema.documents).where(schema.documents.c.id == document_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _document(row._mapping)

    def versions(self, url: str) -> list[Document]:
        table = schema.documents
        query = select(table).where(table.c.url == url).order_by(table.c.version)
        with self.engine.connect() as conn:
            return [_document(row._mapping) for row in conn.execute(query)]

    def document_counts(self) -> dict[str, int]:
        table = schema.documents
        query = select(table.c.source_id, func.count(table.c.url.distinct())).group_by(
            table.c.source_id
        )
        with self.engine.connect() as conn:
            return {source: count for source, count in conn.execute(query)}

    # ------------------------------------------------------------------ crawls
    def record_crawl(self, outcome: CrawlOutcome, run_id: str, mode: str = "crawl") -> None:
        row = {
            "run_id": run_id,
            "mode": mode,
            "source_id": outcome.source_id,
            "started_at": outcome.started_at,
            "finished_at": outcome.finished_at,
            "requests": outcome.requests,
            "responses": dict(outcome.responses),
            "items_stored": outcome.items_stored,
            "parse_failures": outcome.parse_failures,
            "failed_urls": list(outcome.failed_urls),
            "error": outcome.error,
        }
        with self.engine.begin() as conn:
            conn.execute(schema.crawls.insert().values(row))

    def crawls(self, *, source_id: str | None = None, run_id: str | None = None,
               limit: int | None = None) -> list[CrawlOutcome]:
        """Crawl outcomes, newest first."""
        table = schema.crawls
        query = select(table).order_by(table.c.finished_at.desc(), table.c.id.desc())
        if source_id is not None:
            query = query.where(table.c.source_id == source_id)
        if run_id is not None:
            query = query.where(table.c.run_id == run_id)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_outcome(row._mapping) for row in conn.execute(query)]

    # ------------------------------------------------------------------ entry points
    def record_entry_point(self, source_id: str, url: str, status: str, ok: bool,
                           at: datetime) -> None:
        """One answer of a configured address: a success clears its failures, a failure
        counts one more and keeps the time the failures began."""
        table = schema.entry_points
        key = (table.c.source_id == source_id, table.c.url == url)
        with self.engine.begin() as conn:
            row = conn.execute(select(table.c.failures, table.c.failing_since).where(*key)).first()
            failures, since = (row[0], row[1]) if row else (0, None)
            values = {"last_status": status, "checked_at": at,
                      "failures": 0 if ok else failures + 1,
                      "failing_since": None if ok else since or at}
            if row is None:
                conn.execute(table.insert().values(source_id=source_id, url=url, **values))
            else:
                conn.execute(table.update().where(*key).values(**values))

    def entry_points(self, source_id: str | None = None) -> list[EntryPoint]:
        """The recorded states of configured addresses, by source and address."""
        table = schema.entry_points
        query = select(table).order_by(table.c.source_id, table.c.url)
        if source_id is not None:
            query = query.where(table.c.source_id == source_id)
        with self.engine.connect() as conn:
            return [EntryPoint(**row._mapping) for row in conn.execute(query)]

    # ------------------------------------------------------------------ validators
    def validators(self, urls: list[str] | None = None) -> dict[str, tuple[str | None, str | None]]:
        """Stored (ETag, Last-Modified) by URL, for conditional GET."""
        table = schema.validators
        query = select(table.c.url, table.c.etag, table.c.last_modified)
        if urls is not None:
            query = query.where(table.c.url.in_(urls))
        with self.engine.connect() as conn:
            return {url: (etag, modified) for url, etag, modified in conn.execute(query)}

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        values = {"etag": etag, "last_modified": last_modified, "updated_at": utcnow()}
        self._upsert(schema.validators, {"url": url}, values)

    # ------------------------------------------------------------------ cursors
    def cursor(self, source_id: str, name: str) -> tuple[str, str | None] | None:
        """A saved position (e.g. the next backfill page) and the `since` it was saved for."""
        table = schema.cursors
        query = select(table.c.value, table.c.since).where(
            table.c.source_id == source_id, table.c.name == name
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else (row[0], row[1])

    def save_cursor(self, source_id: str, name: str, value: str, since: str | None) -> None:
        key = {"source_id": source_id, "name": name}
        self._upsert(schema.cursors, key, {"value": value, "since": since, "updated_at": utcnow()})

    def clear_cursor(self, source_id: str, name: str) -> None:
        table = schema.cursors
        with self.engine.begin() as conn:
            conn.execute(
                table.delete().where(table.c.source_id == source_id, table.c.name == name)
            )

    # ------------------------------------------------------------------ helpers
    def _upsert(self, table: Any, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        """Update the row with `key`, or insert it (portable across SQLite and PostgreSQL)."""
        condition = [table.c[name] == value for name, value in key.items()]
        with self.engine.begin() as conn:
            if conn.execute(table.update().where(*condition).values(**values)).rowcount == 0:
                conn.execute(table.insert().values(**key, **values))


def _document_row(doc: Document, version: int) -> dict[str, Any]:
    return {
        "source_id": doc.source_id,
        "side": doc.side,
        "language": doc.language,
        "kind": doc.kind,
        "url": doc.url,
        "external_id": doc.external_id,
        "title": doc.title,
        "published_at": doc.published_at,
        "fetched_at": doc.fetched_at or utcnow(),
        "paragraphs": list(doc.paragraphs),
        "summary": doc.summary,
        "tags": list(doc.tags),
        "content_hash": doc.content_hash,
        "version": version,
    }


def _document(row: RowMapping) -> Document:
    doc = Document(
        source_id=row["source_id"],
        side=row["side"],
        language=row["language"],
        kind=row["kind"],
        url=row["url"],
        title=row["title"],
        published_at=row["published_at"],
        paragraphs=tuple(row["paragraphs"]),
        external_id=row["external_id"],
        summary=row["summary"],
        tags=tuple(row["tags"]),
        fetched_at=row["fetched_at"],
    )
    return replace(doc, id=row["id"], version=row["version"])


def _outcome(row: RowMapping) -> CrawlOutcome:
    return CrawlOutcome(
        source_id=row["source_id"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        requests=row["requests"],
        responses=dict(row["responses"]),
        items_stored=row["items_stored"],
        parse_failures=row["parse_failures"],
        failed_urls=tuple(row["failed_urls"]),
        error=row["error"],
    )
