"""The crawl outcomes repository: one row per crawl of one source.

Contract (every backend): `record` appends an outcome under its run id and mode ("crawl" or
"backfill"); `outcomes` returns them newest first (by finish time, then insertion), optionally
of one source, of one run, at most `limit`; `oldest` is a source's first recorded crawl.
Response counts, failed URLs with their reasons and the deferred count round-trip unchanged
(an outcome recorded before reasons were kept has none); times are aware UTC.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import RowMapping

from rashomon.models import CrawlOutcome
from rashomon.store.schema import crawls


class CrawlRepository:
    """What each crawl did: feeds `rashomon sources`, the crawl summary and source health."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, outcome: CrawlOutcome, run_id: str, mode: str = "crawl") -> None:
        with self._engine.begin() as conn:
            conn.execute(crawls.insert().values(_row(outcome, run_id, mode)))

    def outcomes(self, *, source_id: str | None = None, run_id: str | None = None,
                 limit: int | None = None) -> list[CrawlOutcome]:
        """Crawl outcomes, newest first."""
        query = select(crawls).order_by(crawls.c.finished_at.desc(), crawls.c.id.desc())
        if source_id is not None:
            query = query.where(crawls.c.source_id == source_id)
        if run_id is not None:
            query = query.where(crawls.c.run_id == run_id)
        if limit is not None:
            query = query.limit(limit)
        with self._engine.connect() as conn:
            return [_outcome(row._mapping) for row in conn.execute(query)]

    def oldest(self, source_id: str) -> CrawlOutcome | None:
        """The source's first recorded crawl, or None before any."""
        query = (select(crawls).where(crawls.c.source_id == source_id)
                 .order_by(crawls.c.finished_at, crawls.c.id).limit(1))
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _outcome(row._mapping)


def _row(outcome: CrawlOutcome, run_id: str, mode: str) -> dict[str, Any]:
    return {
        "run_id": run_id, "mode": mode, "source_id": outcome.source_id,
        "started_at": outcome.started_at, "finished_at": outcome.finished_at,
        "requests": outcome.requests, "responses": dict(outcome.responses),
        "items_stored": outcome.items_stored, "parse_failures": outcome.parse_failures,
        "failed_urls": list(outcome.failed_urls), "error": outcome.error,
        "failure_reasons": list(outcome.reasons), "deferred": outcome.deferred,
    }


def _outcome(row: RowMapping) -> CrawlOutcome:
    return CrawlOutcome(
        source_id=row["source_id"], started_at=row["started_at"],
        finished_at=row["finished_at"], requests=row["requests"],
        responses=dict(row["responses"]), items_stored=row["items_stored"],
        parse_failures=row["parse_failures"], failed_urls=tuple(row["failed_urls"]),
        error=row["error"], reasons=tuple(row["failure_reasons"] or ()),
        deferred=row["deferred"],
    )
