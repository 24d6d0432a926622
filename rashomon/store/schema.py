"""Every table of the store, in one place: the repositories (one module each) read and write
them, `migrations.py` creates and changes them, and nothing outside `rashomon.store` sees them.

Times are stored as aware UTC (`UTCDateTime`), whatever the backend does with time zones.
Tables are only ever added to; changes to existing tables go through `migrations.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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
    Column("failure_reasons", JSON),  # why each failed URL failed, in order (since version 3)
    Column("deferred", Integer, nullable=False, default=0),  # new items left for the next crawl
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

robots = Table(
    "robots",
    metadata,
    Column("origin", String(255), primary_key=True),  # scheme://host[:port]
    Column("text", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("etag", String(256)),
    Column("last_modified", String(64)),
    Column("checked_at", UTCDateTime, nullable=False),
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
    Column("scope", String(64), primary_key=True),  # a source id, or "analysis", "alerts"
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

calls = Table(
    "calls",
    metadata,
    Column("id", String(96), primary_key=True),
    Column("type", String(16)),
    Column("participants", String(128), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("initiator", String(64)),
    Column("sides", String(128), nullable=False, default=""),
    Column("one_sided", Boolean, nullable=False, default=False),
    Column("settled", Boolean, nullable=False, default=False),
    Column("date_only", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_calls_pair_time", "participants", "occurred_at"),
    Index("ix_calls_time", "occurred_at"),
)

call_documents = Table(
    "call_documents",
    metadata,
    Column("url", String(1024), primary_key=True),
    Column("call_id", String(96), nullable=False),
    Column("document_id", Integer, nullable=False),
    Column("side", String(16), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("external_id", String(64)),
    Column("published_at", UTCDateTime, nullable=False),
    Index("ix_call_documents_call", "call_id"),
    Index("ix_call_documents_external", "side", "external_id"),
)

alert_outbox = Table(
    "alert_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("subject", String(255), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("type", String(16), nullable=False),
    Column("headline", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text),
    Column("http_status", Integer),
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("failing_since", UTCDateTime),  # the first failed attempt of the current streak
    UniqueConstraint("subject", "channel", "fingerprint", name="uq_alert_idempotency"),
    Index("ix_alert_outbox_due", "status", "next_attempt_at"),
)

alert_state = Table(
    "alert_state",
    metadata,
    Column("subject", String(255), primary_key=True),
    Column("channel", String(64), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

source_health = Table(
    "source_health",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("failing", Boolean, nullable=False, default=False),
    Column("failing_since", UTCDateTime),
    Column("silent", Boolean, nullable=False, default=False),
    Column("silent_since", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
)

locks = Table(
    "locks",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("owner", String(256), nullable=False),
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)
