"""Record the answer of every configured address (a feed, a listing, a data source).

A source can answer while one of its addresses fails: a 404 on the transcripts feed, on the
fallback listing or on one Xinhua listing leaves the crawl "ok". So each configured address
(`Source.entry_points()`) keeps its own state in the store — last status, consecutive
failures, since when it fails — which `rashomon sources` and `rashomon crawl` show and the
source-health check alerts on; `crawler.starts.failing_addresses` tells a spider which of them
failed when last asked (the Kremlin reads its failing fallback listing again on every crawl).

A downloader middleware sees the final answer of a request: it sits below the retry and
redirect middlewares (a lower number), so retried and redirected requests are recorded once,
by the address the spider asked for. It owns the store's entry points repository; the
spiders only parse.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from rashomon.clock import Clock, utcnow
from rashomon.settings import Source
from rashomon.store.entrypoints import EntryPointRepository


class EntryPointMiddleware:
    """Writes each configured address's answer (status or network error) to the store."""

    def __init__(self, crawler: Crawler, entry_points: EntryPointRepository,
                 clock: Clock) -> None:
        self.crawler, self.entry_points, self.clock = crawler, entry_points, clock
        self.addresses: dict[str, str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EntryPointMiddleware:
        store = crawler.settings.get("RASHOMON_STORE")
        if store is None:
            raise NotConfigured("no store to record configured addresses in")
        return cls(crawler, store.entry_points, crawler.settings.get("RASHOMON_CLOCK") or utcnow)

    def process_response(self, request: Request, response: Response) -> Response:
        status = response.status
        self.record(request, f"HTTP {status}", 200 <= status < 300 or status == 304)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.record(request, type(exception).__name__, False)

    def record(self, request: Request, status: str, ok: bool) -> None:
        source = getattr(self.crawler.spider, "source", None)
        address = None if source is None else self.configured(source).get(self.asked_for(request))
        if source is not None and address is not None:
            self.entry_points.record(source.id, address, status, ok, self.clock())

    def configured(self, source: Source) -> dict[str, str]:
        """The source's configured addresses, keyed as Scrapy writes request URLs."""
        if self.addresses is None:
            self.addresses = {safe_url_string(url): url for url in source.entry_points()}
        return self.addresses

    @staticmethod
    def asked_for(request: Request) -> str:
        """The address the spider requested, before any redirect."""
        return str(request.meta.get("redirect_urls", [request.url])[0])
