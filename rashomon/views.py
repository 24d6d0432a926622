"""Terminal views of the collection side: crawl summaries and the sources table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from rich.markup import escape
from rich.table import Table

from rashomon.models import CrawlOutcome, EntryPoint
from rashomon.settings import Source

Addresses = Mapping[str, Sequence[EntryPoint]]  # source id → its configured addresses' states


def crawl_table(outcomes: Iterable[CrawlOutcome], addresses: Addresses | None = None) -> Table:
    """One row per source: what the crawl requested, got, stored and failed on, and each
    configured address that is failing (a source can answer while one of them fails)."""
    table = Table("source", "requests", "responses", "stored", "parse failures", "result",
                  "failing addresses")
    table.columns[0].no_wrap = True
    table.columns[-1].overflow = "fold"  # an address is wrapped, never cut
    for outcome in outcomes:
        responses = " ".join(f"{code}×{n}" for code, n in sorted(outcome.responses.items()))
        table.add_row(outcome.source_id, str(outcome.requests), responses or "-",
                      str(outcome.items_stored), str(outcome.parse_failures), _result(outcome),
                      failing_addresses((addresses or {}).get(outcome.source_id, ())))
    return table


def failing_addresses(states: Sequence[EntryPoint]) -> str:
    """Each failing address with its last status and since when; "-" when none fails."""
    lines = [f"{state.url}: {state.last_status} since {_when(state.failing_since)} "
             f"({state.failures}×)" for state in states if state.failing]
    return escape("\n".join(lines)) if lines else "-"


def _result(outcome: CrawlOutcome) -> str:
    if outcome.error:
        return f"[red]failed[/red]: {outcome.error}"
    if outcome.parse_failures:
        return "[yellow]parse failures[/yellow]: " + ", ".join(outcome.failed_urls[:3])
    return "[green]ok[/green]"


def sources_table(sources: Iterable[Source], history: dict[str, list[CrawlOutcome]],
                  documents: dict[str, int], addresses: Addresses | None = None) -> Table:
    """id, side, language, enabled, last success, documents, last failure, failing addresses."""
    table = Table("id", "side", "lang", "enabled", "last success", "documents", "last failure",
                  "failing addresses")
    table.columns[0].no_wrap = True
    table.columns[-1].overflow = "fold"  # an address is wrapped, never cut
    for source in sources:
        crawls = history.get(source.id, [])
        success = next((c for c in crawls if c.ok), None)
        failure = next((c for c in crawls if not c.ok), None)
        table.add_row(source.id, source.side, source.language, "yes" if source.enabled else "no",
                      _when(success.finished_at if success else None),
                      str(documents.get(source.id, 0)), _failure(failure),
                      failing_addresses((addresses or {}).get(source.id, ())))
    return table


def _failure(outcome: CrawlOutcome | None) -> str:
    if outcome is None:
        return "-"
    reason = outcome.error or f"{outcome.parse_failures} parse failure(s)"
    return f"{_when(outcome.finished_at)}: {reason}"


def _when(stamp: datetime | None) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M UTC") if stamp else "-"
