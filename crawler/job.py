"""One crawl job, as the parent (`rashomon.crawl`) sends it to the crawl child on stdin.

It carries exactly what a crawl needs, already loaded and validated by the parent (the
`[crawl]` table, the sources to crawl, the store's URL): configuration is read once, and no
secret of the alert channels ever reaches the child. It also carries what the parent's own
conditional check already got from the sites: the answers to the sources' feeds and listings
(`prefetched`, served to the spiders so no site is asked twice) and when it last asked each
host (`last_requests`, so the child keeps the delay). Free of Scrapy, so the parent can build
one without importing it.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from rashomon.settings import CrawlConfig, Source

Mode = Literal["crawl", "backfill"]
# The child's exit code when the store could not be written (sysexits' EX_IOERR): its last line
# on stderr is the store's own one-line message, which the parent raises as a `StoreError`.
STORE_FAULT = 74


class Prefetched(BaseModel):
    """An answer the parent got for a feed or listing: status, headers, and the body in a file
    (decoded: no content encoding left)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    status: int
    headers: list[tuple[str, str]]
    body_file: str


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
    prefetched: list[Prefetched] = []
    last_requests: dict[str, float] = {}  # host[:port] → when the parent last asked it (epoch)
