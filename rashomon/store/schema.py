"""The store's tables. Shared by every part that persists state (documents, crawls, calls, outbox).

Times are stored as aware UTC (`UTCDateTime`), whatever the backend does with time zones.
Tables are only ever added to; changes to existing tables go through `migrations.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out; naive datetimes are refused (they hide a time-zone bug)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware UTC times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", String(64), nullable=False),
    Column("side", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("url", String(1024), nullable=False),
    Column("external_id", String(64)),
    Column("title", Text, nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("paragraphs", JSON, nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("tags", JSON, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("url", "content_hash", name="uq_document_version"),
    Index("ix_documents_url", "url"),
    Index("ix_documents_published", "published_at"),
    Index("ix_documents_source", "source_id"),
)

crawls = Table(
    "crawls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", String(64), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("mode", String(16), nullable=False, default="crawl"),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("requests", Integer, nullable=False, default=0),
    Column("responses", JSON, nullable=False),
    Column("items_stored", Integer, nullable=False, default=0),
    Column("parse_failures", Integer, nullable=False, default=0),
    Column("failed_urls", JSON, nullable=False),
    Column("error", Text),
    Index("ix_crawls_source", "source_id", "finished_at"),
)

validators = Table(
    "validators",
    metadata,
    Column("url", String(1024), primary_key=True),
    Column("etag", String(256)),
    Column("last_modified", String(64)),
    Column("updated_at", UTCDateTime, nullable=False),
)

skipped = Table(
    "skipped",
    metadata,
    Column("url", String(1024), primary_key=True),
    Column("source_id", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
)

cursors = Table(
    "cursors",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("since", String(10)),
    Column("updated_at", UTCDateTime, nullable=False),
)

entry_points = Table(
    "entry_points",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("url", String(1024), primary_key=True),
    Column("last_status", String(64), nullable=False),
    Column("checked_at", UTCDateTime, nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("failing_since", UTCDateTime),
)
