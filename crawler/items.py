"""What spiders yield besides requests: typed records, recorded by the item pipelines.

- `Document` (`rashomon.models`): a published text, stored by `pipelines.StorePipeline`; the
  same record the store, the matcher and the alerts use, so nothing is converted on the way.
- `SkippedPage`: a page that holds no document (the ministry's deleted articles), remembered
  by `pipelines.StorePipeline` so that it is not fetched again.
- `ArchivePage`: one page of a backfill's walk, recorded by `archive.ArchivePipeline` (where a
  stopped walk resumes, and the progress shown).
- `rashomon.errors.ParseError`, yielded for an entry of a feed or listing that cannot be read
  while the rest of the page can: counted by `outcome.ParseFailureMiddleware`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rashomon.models import Document


@dataclass(frozen=True)
class SkippedPage:
    """A page of a source that holds no document, and why (`deleted`)."""

    source_id: str
    url: str
    reason: str


@dataclass(frozen=True)
class ArchivePage:
    """One page of a backfill back to `since`: its number, its oldest document's date, and
    the address of the next page, or None when the walk is done."""

    source_id: str
    since: date | None
    page: int
    oldest: date | None
    following: str | None


__all__ = ["ArchivePage", "Document", "SkippedPage"]
