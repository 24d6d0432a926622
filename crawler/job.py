"""One crawl job, as the parent (`rashomon.crawl`) sends it to the crawl child on stdin.

It carries exactly what a crawl needs, already loaded and validated by the parent (the
`[crawl]` table, the sources to crawl, the store's URL): configuration is read once, and no
secret of the alert channels ever reaches the child. Free of Scrapy, so the parent can build
one without importing it.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from rashomon.settings import CrawlConfig, Source

Mode = Literal["crawl", "backfill"]


class CrawlJob(BaseModel):
    """The sources to crawl in one child process, and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str
    store_url: str
    crawl: CrawlConfig
    sources: list[Source]
    mode: Mode = "crawl"
    since: date | None = None
    log_level: str = "WARNING"
