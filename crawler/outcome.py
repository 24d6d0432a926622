"""The crawl's outcome: what one crawl of one source did, written to the store when its spider
closes (the row `rashomon crawl`, `rashomon sources` and the source-health check read).

Three Scrapy components collect it, the way Scrapy's `CoreStats` collects its figures, and
meet in the crawl's stats:
- `FetchMiddleware` (downloader, below the retry and redirect middlewares, so it sees each
  request's final answer): an article that did not arrive is a failure with its URL; a feed
  or listing that did not arrive is an error; and whether any feed or listing answered.
- `ParseFailureMiddleware` (spider): a `ParseError` raised by a callback loses its page (and
  marks the page, so its validators are not kept); one yielded loses an entry of a feed or
  listing while the rest of the page is read. Either is counted with its URL and its reason.
  Any other exception a callback raises is a parse failure too, with the exception as the
  reason: Scrapy would log it and call the crawl a success.
- `OutcomeExtension` builds the `CrawlOutcome` from those figures and Scrapy's own and records
  it, then tells the parent (a `crawled` progress event), which can analyse and alert what this
  source brought while slower sources of the same crawl go on. It owns the store's crawl
  outcomes repository.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured, ResponseDataLossError
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.spiders import Spider

from rashomon.clock import Clock, utcnow
from rashomon.errors import ParseError
from rashomon.models import CrawlOutcome
from rashomon.store.crawls import CrawlRepository

log = logging.getLogger("crawler")
FAILED_URLS = "rashomon/failed_urls"
FAILURE_REASONS = "rashomon/failure_reasons"  # why each of FAILED_URLS failed, in order
DEFERRED = "rashomon/deferred"  # new items left for the next crawl (`crawler.known`)
DISCOVERY_ERRORS = "rashomon/discovery_errors"
DISCOVERED = "rashomon/discovered"
ITEMS_STORED = "rashomon/items_stored"
STATUS_PREFIX = "downloader/response_status_count/"
PAGE_FAILED = "rashomon_page_failed"  # request meta: the callback raised ParseError
Progress = Callable[[dict[str, Any]], None]


def record_failure(crawler: Crawler, url: str, problem: str) -> None:
    """A page or entry that could not be read: counted with its URL, never stored half-read."""
    stats = crawler.stats
    assert stats is not None
    stats.set_value(FAILED_URLS, [*stats.get_value(FAILED_URLS, []), url])
    stats.set_value(FAILURE_REASONS, [*stats.get_value(FAILURE_REASONS, []), problem])
    log.warning("parse failure: %s: %s", url, problem)


def problem(exception: Exception) -> str:
    """An exception as a reason a person can read; some of Scrapy's carry no message."""
    if isinstance(exception, ResponseDataLossError):
        return "the answer was cut short: fewer bytes arrived than its Content-Length promised"
    return f"{type(exception).__name__}: {exception}" if str(exception) else type(
        exception).__name__


class FetchMiddleware:
    """Notes how each feed, listing and article request ended (after its retries)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        status = response.status
        self._note(request, 200 <= status < 300 or status == 304, f"HTTP {status}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._note(request, False, problem(exception))

    def _note(self, request: Request, ok: bool, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        if request.meta.get("discovery"):
            if ok:
                stats.inc_value(DISCOVERED)
            else:
                errors = stats.get_value(DISCOVERY_ERRORS, [])
                stats.set_value(DISCOVERY_ERRORS, [*errors, f"GET {request.url}: {reason}"])
        elif request.meta.get("article") and not ok:
            record_failure(self.crawler, request.url, reason)


class ParseFailureMiddleware(BaseSpiderMiddleware):
    """Counts the pages and entries the spider could not read: a `ParseError`, or any other
    exception its callback raised."""

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        if isinstance(item, ParseError):
            record_failure(self.crawler, item.url, item.problem)
            return None
        return item

    def process_spider_exception(self, response: Response,
                                 exception: Exception) -> list[Any] | None:
        response.meta[PAGE_FAILED] = True
        if isinstance(exception, ParseError):
            record_failure(self.crawler, exception.url, exception.problem)
        else:
            record_failure(self.crawler, response.url, problem(exception))
        return []


class OutcomeExtension:
    """Records one `CrawlOutcome` per crawl when the spider closes."""

    def __init__(self, crawler: Crawler, crawls: CrawlRepository, run_id: str,
                 clock: Clock, progress: Progress | None = None) -> None:
        self.crawler, self.crawls, self.run_id, self.clock = crawler, crawls, run_id, clock
        self.progress = progress
        self.started_at = clock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutcomeExtension:
        store = crawler.settings.get("RASHOMON_STORE")
        if store is None:
            raise NotConfigured("no store to record crawl outcomes in")
        settings = crawler.settings
        extension = cls(crawler, store.crawls, settings.get("RASHOMON_RUN_ID", ""),
                        settings.get("RASHOMON_CLOCK") or utcnow, settings.get("RASHOMON_PROGRESS"))
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider: Spider) -> None:
        self.started_at = self.clock()

    def closed(self, spider: Spider, reason: str) -> None:
        source = getattr(spider, "source", None)
        if source is not None:
            mode = getattr(spider, "mode", "crawl")
            self.crawls.record(self.outcome(source.id, reason), self.run_id, mode)
            if self.progress is not None:
                self.progress({"event": "crawled", "source": source.id})

    def outcome(self, source_id: str, reason: str) -> CrawlOutcome:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        failed = tuple(stats.get(FAILED_URLS, []))
        return CrawlOutcome(
            source_id=source_id, started_at=self.started_at, finished_at=self.clock(),
            requests=int(stats.get("downloader/request_count", 0)),
            responses={k.removeprefix(STATUS_PREFIX): int(v)
                       for k, v in stats.items() if k.startswith(STATUS_PREFIX)},
            items_stored=int(stats.get(ITEMS_STORED, 0)), parse_failures=len(failed),
            failed_urls=failed, error=_error(reason, stats),
            reasons=tuple(stats.get(FAILURE_REASONS, [])), deferred=int(stats.get(DEFERRED, 0)),
        )


def _error(reason: str, stats: dict[str, Any]) -> str | None:
    """Why the crawl failed as a whole: it was stopped, or no feed or listing answered."""
    if reason != "finished":
        return f"crawl stopped: {reason}"
    if not stats.get(DISCOVERED):
        return "; ".join(stats.get(DISCOVERY_ERRORS, [])) or "no feed or listing answered"
    return None
