"""Downloader middlewares: politeness that Scrapy does not do by itself.

`RetryAfterMiddleware` waits as long as a 429/503 `Retry-After` asks before retrying; Scrapy's
RetryMiddleware would retry at once, which is how crawlers get blocked. (The conditional GET
of feeds and listings is `crawler.conditional`.) An HTTP-date `Retry-After` is read against
the `RASHOMON_CLOCK` setting (default: the real clock).
"""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from rashomon.clock import utcnow
from rashomon.http import retry_after


class RetryAfterMiddleware:
    """On 429 or 503: wait `Retry-After` (or an exponential backoff), then retry the request."""

    codes = (429, 503)

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("RASHOMON_RETRY_AFTER_MAX", 300.0)
        self.max_retries = crawler.settings.getint("RETRY_TIMES", 2)
        self.clock = crawler.settings.get("RASHOMON_CLOCK") or utcnow

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.codes:
            return response
        attempt = request.meta.get("retry_after_attempt", 0)
        header = response.headers.get("Retry-After")
        asked = retry_after(header.decode("latin-1") if header else None, self.clock())
        wait = 2.0 * 2**attempt if asked is None else asked
        if attempt >= self.max_retries or wait > self.max_wait:
            return response
        self.crawler.stats.inc_value("rashomon/retry_after_waits")
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_attempt"] = attempt + 1
        return retry
