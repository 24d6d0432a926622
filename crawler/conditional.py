"""Conditional GET of feeds and listings, so that an unchanged source costs a 304.

- `ConditionalGetMiddleware` (downloader) sends the stored ETag (or, without one, the
  Last-Modified) with every feed and listing request (`meta["discovery"]`). Scrapy's HTTP
  cache revalidates only what it deems stale and serves the rest without asking; our own
  validators are simpler.
- `ValidatorMiddleware` (spider) stores the validators of a feed or listing once its callback
  read it in full and the crawl finished: a page whose callback failed, or whose new items
  were more than one crawl takes (`crawler.known`), or of a crawl stopped early, keeps none,
  so it is fetched whole again next time rather than answered 304.
Both own the store's validators repository (handed over in the `RASHOMON_STORE` setting).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.spiders import Spider

from crawler.known import DEFERRED_HERE
from crawler.outcome import PAGE_FAILED
from crawler.robots import validator_headers
from rashomon.store.validators import ValidatorRepository


def _validators(crawler: Crawler) -> ValidatorRepository:
    store = crawler.settings.get("RASHOMON_STORE")
    if store is None:
        raise NotConfigured("no store for HTTP validators")
    return store.validators


class ConditionalGetMiddleware:
    """Adds If-None-Match / If-Modified-Since to feed and listing requests."""

    def __init__(self, crawler: Crawler, validators: ValidatorRepository) -> None:
        self.crawler, self.validators = crawler, validators

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(crawler, _validators(crawler))

    def process_request(self, request: Request) -> None:
        if not request.meta.get("discovery"):
            return
        stored = self.validators.get([request.url]).get(request.url, (None, None))
        headers = validator_headers(*stored)
        for name, value in headers.items():
            request.headers[name] = value
        if headers and self.crawler.stats is not None:
            self.crawler.stats.inc_value("rashomon/conditional_requests")


class ValidatorMiddleware(BaseSpiderMiddleware):
    """Keeps the validators of each feed or listing read in full, for the next conditional GET,
    once the crawl has finished: a crawl stopped early (a timeout, a shutdown, a store that
    could not be written) keeps none, so the articles it did not get to are found again in a
    full answer next time rather than lost behind a 304."""

    def __init__(self, crawler: Crawler, validators: ValidatorRepository) -> None:
        super().__init__(crawler)
        self.validators = validators
        self.pending: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatorMiddleware:
        middleware = cls(crawler, _validators(crawler))
        crawler.signals.connect(middleware.closed, signal=signals.spider_closed)
        return middleware

    def closed(self, spider: Spider, reason: str) -> None:
        if reason == "finished":
            for url, (etag, modified) in self.pending.items():
                self.validators.save(url, etag, modified)
        self.pending.clear()

    def process_spider_output(self, response: Response | None,  # type: ignore[override]
                              result: Iterable[Any]) -> Iterable[Any]:
        yield from result
        self.remember(response)

    async def process_spider_output_async(  # type: ignore[override]
            self, response: Response | None, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            yield item
        self.remember(response)

    def remember(self, response: Response | None) -> None:
        """Store the validators of a fresh feed or listing whose callback did not fail."""
        if (response is None or response.status != 200 or not response.meta.get("discovery")
                or response.meta.get(PAGE_FAILED) or response.meta.get(DEFERRED_HERE)):
            return
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if etag or modified:
            self.pending[response.url] = (_text(etag), _text(modified))


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None
