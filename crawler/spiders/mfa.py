"""China's Foreign Ministry: www.mfa.gov.cn (= www.fmprc.gov.cn), English and Chinese.

Discovery reads the listing `index.html`, `index_1.html`, … (the page count is in the
`countPage = N` script variable). Article templates differ by year; the selector chains in
config try each in turn. Deleted articles answer 200 with a "system" page (or the not-found
page `error.htm`): those are detected by URL (`paths.deleted`) and yielded as skipped pages,
never as documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response, TextResponse

from crawler import extract
from crawler.items import SkippedPage
from crawler.spiders.base import SourceSpider

COUNT_PAGE = re.compile(r"countPage\s*=\s*(\d+)")
# The `t` number: t20220615_10703868.html today, t1638467.shtml on the old site.
ARTICLE_ID = re.compile(r"/(t\d{8}_\d+|t\d+)\.s?html?$")


class MfaSpider(SourceSpider):
    family = "mfa"
    can_backfill = True

    def discover(self) -> Iterator[Request]:
        page = int(self.resume or 0) if self.mode == "backfill" else 0
        yield self.discovery_request(self.page_url(page), self.parse_listing, page=page)

    def page_url(self, page: int) -> str:
        """index.html, then index_1.html, index_2.html, …"""
        if page == 0:
            return self.source.url(self.source.path("listing"))
        return self.source.url(self.source.path("listing_page").format(n=page))

    def parse_listing(self, response: TextResponse, page: int) -> Iterator[Request]:
        items = self.listing_items(response)
        if items is None:
            return
        entries = [(self.entry_link(item, response), self.entry_title(item)) for item in items]
        yield from self.articles(entries, response.url)
        yield from self.next_listing(response, page, [url for url, _ in entries])

    def articles(self, entries: list[tuple[str | None, str]], via: str) -> Iterator[Request]:
        for url, title in entries:
            if not (self.follows(title) and self.in_range(extract.date_in_url(url or ""))):
                continue
            request = self.article_request(url, self.parse_article, via=via)
            if request is not None:
                yield request

    def next_listing(self, response: Response, page: int,
                     urls: list[str | None]) -> Iterator[Any]:
        """index_1, index_2, … up to the site's own page count and the page budget; a
        backfill goes on until the articles (dated by URL) are older than `since`."""
        match = COUNT_PAGE.search(response.text)
        more = page + 1 < min(int(match[1]) if match else 1, self.page_budget())
        if self.mode == "backfill":
            dates = [day for day in map(extract.date_in_url, filter(None, urls)) if day]
            walked = self.archive_page(page + 1, min(dates, default=None),
                                       str(page + 1) if more else None)
            yield walked
            more = walked.following is not None
        if more:
            yield self.discovery_request(self.page_url(page + 1), self.parse_listing,
                                         page=page + 1)

    def page_budget(self) -> int:
        return 10_000 if self.mode == "backfill" else self.max_pages

    def parse_article(self, response: Response, via: str = "") -> Iterator[Any]:
        if self.deleted(response):
            yield SkippedPage(self.source.id, _requested_url(response), "deleted")
            return
        yield from super().parse_article(response, via)

    def deleted(self, response: Response) -> bool:
        """The ministry answers a deleted article with a 200 'system' or not-found page."""
        markers = self.source.path_list("deleted")
        return any(marker in response.url for marker in markers)

    def external_id(self, url: str) -> str | None:
        match = ARTICLE_ID.search(url)
        return match[1] if match else None


def _requested_url(response: Response) -> str:
    """The article URL the listing linked to, before the redirect to the system page."""
    chain = response.request.meta.get("redirect_urls", []) if response.request else []
    return str(chain[0]) if chain else response.url
