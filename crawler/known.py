"""What is new, and how much of it one crawl takes.

Articles are fetched once: a request for a page already stored, or known to hold no document
(a deleted article), is dropped before it is scheduled. And one crawl takes at most
`[crawl] max_new_items` new items per source (`RASHOMON_MAX_NEW_ITEMS`): new article requests
and new documents read straight from a feed, in the order the page lists them (newest first on
every site Rashomon reads). The rest are counted as deferred (the crawl outcome says how many)
and dropped; the page they came from is marked (`meta[DEFERRED_HERE]`), so that its validators
are not kept and the next crawl reads it in full and takes the next ones. So one listing of
5,000 links or a feed of 25,000 entries cannot hold a crawl for hours, while a backfill, which
walks an archive on purpose, has no such limit.

`KnownUrlsMiddleware` (spider) reads the source's known URLs from the store's documents
repository when the crawl first needs them, and adds each new URL it lets through, so an
article linked twice in one crawl is fetched once. A document whose URL is known passes without
counting: it may be an edited version, which is kept. Requests that are not articles (feeds,
listings: `meta["discovery"]`) always pass.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.outcome import DEFERRED
from rashomon.models import Document
from rashomon.store.documents import DocumentRepository

DEFERRED_HERE = "rashomon_deferred"  # response meta: new items of this page were left for later


class KnownUrlsMiddleware(BaseSpiderMiddleware):
    """Drops what the source already has, and new items beyond the crawl's budget."""

    def __init__(self, crawler: Crawler, documents: DocumentRepository,
                 budget: int | None) -> None:
        super().__init__(crawler)
        self.documents, self.budget = documents, budget
        self.known: set[str] | None = None
        self.taken = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownUrlsMiddleware:
        store = crawler.settings.get("RASHOMON_STORE")
        if store is None:
            raise NotConfigured("no store to know stored articles from")
        budget = crawler.settings.getint("RASHOMON_MAX_NEW_ITEMS", 0) or None
        return cls(crawler, store.documents, budget)

    def get_processed_request(self, request: Request, response: Response | None
                              ) -> Request | None:
        if not request.meta.get("article") or request.url in self.known_urls():
            return None if request.meta.get("article") else request
        return request if self.take(request.url, response) else None

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        """A document read from a feed or listing entry is counted; one from an article page
        was counted when its request was."""
        if (not isinstance(item, Document) or response is None
                or not response.meta.get("discovery") or item.url in self.known_urls()):
            return item
        return item if self.take(item.url, response) else None

    def take(self, url: str, response: Response | None) -> bool:
        """Whether a new item fits in this crawl; one that does not is counted as deferred."""
        if self.budget is not None and self.taken >= self.budget and not self.backfill():
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(DEFERRED)
            if response is not None:
                response.meta[DEFERRED_HERE] = True
            return False
        self.taken += 1
        self.known_urls().add(url)
        return True

    def backfill(self) -> bool:
        return getattr(self.crawler.spider, "mode", "crawl") == "backfill"

    def known_urls(self) -> set[str]:
        if self.known is None:
            source = getattr(self.crawler.spider, "source", None)
            self.known = set() if source is None else self.documents.known_urls(source.id)
        return self.known
