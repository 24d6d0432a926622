"""A backfill's walk through a source's archive: where a stopped walk resumes, how far it came.

The spider yields an `items.ArchivePage` after each page of the walk; `ArchivePipeline`
saves the next page's address as the source's `backfill` cursor (with the `since` it walks
to), or clears the cursor when the walk is done, and reports the progress to the parent
process. `resume_position` is where a new backfill to the same `since` starts again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import ArchivePage
from rashomon.store.cursors import CursorRepository

CURSOR = "backfill"
Progress = Callable[[dict[str, Any]], None]


def resume_position(cursors: CursorRepository, source_id: str, since: date | None) -> str | None:
    """Where a stopped backfill of the source to the same `since` left off, if anywhere."""
    saved = cursors.get(source_id, CURSOR)
    return saved.value if saved and saved.since == str(since) else None


class ArchivePipeline:
    """Records each archive page of a backfill; passes every other item on."""

    def __init__(self, cursors: CursorRepository, progress: Progress) -> None:
        self.cursors, self.progress = cursors, progress

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        store = crawler.settings.get("RASHOMON_STORE")
        if store is None:
            raise NotConfigured("no store for backfill cursors")
        return cls(store.cursors, crawler.settings.get("RASHOMON_PROGRESS") or _ignore)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArchivePage):
            self.record(item)
        return item

    def record(self, page: ArchivePage) -> None:
        """The position is saved after every page, so a stopped backfill resumes from it."""
        if page.following is None:
            self.cursors.clear(page.source_id, CURSOR)
        else:
            self.cursors.save(page.source_id, CURSOR, page.following, str(page.since))
        self.progress({"event": "progress", "source": page.source_id, "page": page.page,
                       "oldest": page.oldest.isoformat() if page.oldest else None,
                       "done": page.following is None})


def _ignore(event: dict[str, Any]) -> None:
    """No parent listens (a crawl run outside `crawler.runner`)."""
