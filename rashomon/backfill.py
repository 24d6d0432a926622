"""Progress of a backfill: how far back in time the archive walk has come.

A backfill walks pages from today towards `since`; its progress is the share of those days
already covered, known from the oldest document of each page the child reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from rashomon.crawl import OnEvent
from rashomon.errors import CrawlError
from rashomon.settings import Source

BACKFILL_TIMEOUT = 24 * 3600.0  # an archive walk is long; the crawl timeout is for routine runs


def check_backfill(source: Source) -> None:
    """A backfill needs an archive to walk: the Kremlin's feed pages, the MFA's listings."""
    from crawler.spiders import FAMILIES  # Scrapy is imported only when a backfill runs

    if not FAMILIES[source.family].can_backfill:
        walkable = sorted(name for name, spider in FAMILIES.items() if spider.can_backfill)
        raise CrawlError(f"source {source.id!r} (family {source.family!r}) has no archive "
                         f"to walk; backfill works for the families: {', '.join(walkable)}")


@contextmanager
def backfill_progress(since: date, today: date | None = None) -> Iterator[OnEvent]:
    """A progress bar from today back to `since`, fed by the child's progress events."""
    today = today or datetime.now(UTC).date()
    total = max((today - since).days, 1)
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TextColumn("{task.fields[detail]}"),
               TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(f"backfill to {since}", total=total, detail="")

        def on_event(event: dict[str, Any]) -> None:
            if event.get("event") != "progress":
                return
            oldest = event.get("oldest")
            covered = (today - date.fromisoformat(oldest[:10])).days if oldest else 0
            if event.get("done"):
                covered = total  # the walk reached `since` (or the archive's end)
            progress.update(task, completed=min(covered, total),
                            detail=f"page {event.get('page')}, back to {(oldest or '?')[:10]}")

        yield on_event
