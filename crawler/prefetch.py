"""The answers the parent already got, served to the spiders as if they were downloaded now.

Before it starts a crawl child, the parent asks each source's feeds and listings itself,
conditionally (`rashomon.crawl.check`): a source whose every address answered 304 needs no
crawl at all. For the others, it hands its answers over (`CrawlJob.prefetched`), and
`PrefetchMiddleware` returns each one for the first request of its URL, so a changed feed is
not fetched twice. The response passes through every other downloader middleware as a
downloaded one would: its status and address are recorded, a 3xx is followed, a 429 or 5xx
retried (over the network).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import safe_url_string

from crawler.job import Prefetched

DROPPED = ("content-encoding", "content-length", "transfer-encoding")  # the body is decoded


class PrefetchMiddleware:
    """Serves each prefetched answer once, for a feed or listing request of its URL."""

    def __init__(self, answers: Iterable[Prefetched]) -> None:
        self.answers = {safe_url_string(answer.url): answer for answer in answers}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrefetchMiddleware:
        answers = crawler.settings.get("RASHOMON_PREFETCHED")
        if not answers:
            raise NotConfigured  # nothing prefetched (no message: Scrapy would warn)
        return cls(answers)

    def process_request(self, request: Request) -> Response | None:
        if not request.meta.get("discovery"):
            return None
        answer = self.answers.pop(request.url, None)
        return None if answer is None else response(answer, request)


def response(answer: Prefetched, request: Request) -> Response:
    """The Scrapy response of a prefetched answer, of the class its headers and body call for."""
    headers = Headers([(name, value) for name, value in answer.headers
                       if name.lower() not in DROPPED])
    body = Path(answer.body_file).read_bytes()
    kind = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return kind(url=request.url, status=answer.status, headers=headers, body=body,
                request=request, flags=["prefetched"])
