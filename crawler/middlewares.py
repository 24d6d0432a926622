"""Downloader middlewares: politeness that Scrapy does not do by itself.

- `ConditionalGetMiddleware` sends the stored ETag/Last-Modified of feeds and listings, so an
  unchanged source costs a 304. (Scrapy's HTTP cache revalidates only what it deems stale and
  serves the rest without asking; see ../shared/DEPS.md. Our own validators are simpler.)
- `RetryAfterMiddleware` waits as long as a 429/503 `Retry-After` asks before retrying; Scrapy's
  RetryMiddleware would retry at once, which is how crawlers get blocked.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from crawler.spiders.base import spider_of
from rashomon.http import retry_after


class ConditionalGetMiddleware:
    """Adds If-None-Match / If-Modified-Since to requests marked `meta["conditional"]`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("conditional"):
            return
        stored = spider_of(self.crawler).store.validators([request.url])
        etag, modified = stored.get(request.url, (None, None))
        if etag:
            request.headers["If-None-Match"] = etag
        if modified:
            request.headers["If-Modified-Since"] = modified
        if etag or modified:
            self.crawler.stats.inc_value("rashomon/conditional_requests")


class RetryAfterMiddleware:
    """On 429 or 503: wait `Retry-After` (or an exponential backoff), then retry the request."""

    codes = (429, 503)

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("RASHOMON_RETRY_AFTER_MAX", 300.0)
        self.max_retries = crawler.settings.getint("RETRY_TIMES", 2)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.codes:
            return response
        attempt = request.meta.get("retry_after_attempt", 0)
        header = response.headers.get("Retry-After")
        asked = retry_after(header.decode("latin-1") if header else None, datetime.now(UTC))
        wait = 2.0 * 2**attempt if asked is None else asked
        if attempt >= self.max_retries or wait > self.max_wait:
            return response
        self.crawler.stats.inc_value("rashomon/retry_after_waits")
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_attempt"] = attempt + 1
        return retry
