"""Articles are fetched once: a request for a page already stored, or known to hold no
document (a deleted article), is dropped before it is scheduled.

`KnownUrlsMiddleware` (spider) reads the source's known URLs from the store's documents
repository when the crawl first asks an article, and adds each article it lets through, so
an article linked twice in one crawl is fetched once. Requests that are not articles (feeds,
listings: `meta["discovery"]`) always pass.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from rashomon.store.documents import DocumentRepository


class KnownUrlsMiddleware(BaseSpiderMiddleware):
    """Drops article requests whose URL the source already has."""

    def __init__(self, crawler: Crawler, documents: DocumentRepository) -> None:
        super().__init__(crawler)
        self.documents = documents
        self.known: set[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownUrlsMiddleware:
        store = crawler.settings.get("RASHOMON_STORE")
        if store is None:
            raise NotConfigured("no store to know stored articles from")
        return cls(crawler, store.documents)

    def get_processed_request(self, request: Request, response: Response | None
                              ) -> Request | None:
        if not request.meta.get("article"):
            return request
        known = self.known_urls()
        if request.url in known:
            return None
        known.add(request.url)
        return request

    def known_urls(self) -> set[str]:
        if self.known is None:
            source = getattr(self.crawler.spider, "source", None)
            self.known = set() if source is None else self.documents.known_urls(source.id)
        return self.known
