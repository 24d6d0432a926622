"""Terminal views of the collection side: crawl summaries and the sources table."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.table import Table

from rashomon.models import CrawlOutcome
from rashomon.settings import Source


def crawl_table(outcomes: Iterable[CrawlOutcome]) -> Table:
    """One row per source: what the crawl requested, got, stored and failed on."""
    table = Table("source", "requests", "responses", "stored", "parse failures", "result")
    table.columns[0].no_wrap = True
    for outcome in outcomes:
        responses = " ".join(f"{code}×{n}" for code, n in sorted(outcome.responses.items()))
        table.add_row(outcome.source_id, str(outcome.requests), responses or "-",
                      str(outcome.items_stored), str(outcome.parse_failures), _result(outcome))
    return table


def _result(outcome: CrawlOutcome) -> str:
    if outcome.error:
        return f"[red]failed[/red]: {outcome.error}"
    if outcome.parse_failures:
        return "[yellow]parse failures[/yellow]: " + ", ".join(outcome.failed_urls[:3])
    return "[green]ok[/green]"


def sources_table(sources: Iterable[Source], history: dict[str, list[CrawlOutcome]],
                  documents: dict[str, int]) -> Table:
    """id, side, language, enabled, last success, documents, last failure."""
    table = Table("id", "side", "lang", "enabled", "last success", "documents", "last failure")
    table.columns[0].no_wrap = True
    for source in sources:
        crawls = history.get(source.id, [])
        success = next((c for c in crawls if c.ok), None)
        failure = next((c for c in crawls if not c.ok), None)
        table.add_row(source.id, source.side, source.language, "yes" if source.enabled else "no",
                      _when(success.finished_at if success else None),
                      str(documents.get(source.id, 0)), _failure(failure))
    return table


def _failure(outcome: CrawlOutcome | None) -> str:
    if outcome is None:
        return "-"
    reason = outcome.error or f"{outcome.parse_failures} parse failure(s)"
    return f"{_when(outcome.finished_at)}: {reason}"


def _when(stamp: datetime | None) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M UTC") if stamp else "-"
