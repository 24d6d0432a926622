"""Record the answer of every configured address (a feed, a listing, a data source).

A source can answer while one of its addresses fails: a 404 on the transcripts feed, on the
fallback listing or on one Xinhua listing leaves the crawl "ok". So each configured address
(`Source.entry_points()`) keeps its own state in the store — last status, consecutive
failures, since when it fails — which `rashomon sources` and `rashomon crawl` show and the
source-health check alerts on.

A downloader middleware sees the final answer of a request: it sits below the retry and
redirect middlewares (a lower number), so retried and redirected requests are recorded once,
by the address the spider asked for. It owns its own store handle (the spiders only parse).
"""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from crawler.spiders.base import spider_of
from rashomon.clock import utcnow
from rashomon.store import Store


class EntryPointMiddleware:
    """Writes each configured address's answer (status or network error) to the store."""

    def __init__(self, crawler: Crawler, store: Store) -> None:
        self.crawler = crawler
        self.store = store
        self.addresses: dict[str, str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EntryPointMiddleware:
        url = crawler.settings.get("RASHOMON_STORE_URL")
        if not url:
            raise NotConfigured("RASHOMON_STORE_URL is not set")
        middleware = cls(crawler, Store.open(url))
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def close(self) -> None:
        self.store.close()

    def process_response(self, request: Request, response: Response) -> Response:
        status = response.status
        self.record(request, f"HTTP {status}", 200 <= status < 300 or status == 304)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.record(request, type(exception).__name__, False)

    def record(self, request: Request, status: str, ok: bool) -> None:
        address = self.entry_points().get(self.asked_for(request))
        if address is not None:
            source_id = spider_of(self.crawler).source.id
            self.store.record_entry_point(source_id, address, status, ok, utcnow())

    def entry_points(self) -> dict[str, str]:
        """The source's configured addresses, keyed as Scrapy writes request URLs."""
        if self.addresses is None:
            source = spider_of(self.crawler).source
            self.addresses = {safe_url_string(url): url for url in source.entry_points()}
        return self.addresses

    @staticmethod
    def asked_for(request: Request) -> str:
        """The address the spider requested, before any redirect."""
        return str(request.meta.get("redirect_urls", [request.url])[0])
