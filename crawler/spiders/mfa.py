"""China's Foreign Ministry: www.mfa.gov.cn (= www.fmprc.gov.cn), English and Chinese.

Discovery reads the listing `index.html`, `index_1.html`, … (the page count is in the
`countPage = N` script variable). Article templates differ by year; the selector chains in
config try each in turn. Deleted articles answer 200 with a "system" page: those are detected
by URL and skipped, never stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsel import Selector, SelectorList
from scrapy.http import Request, Response, TextResponse

from crawler.spiders.base import SourceSpider
from rashomon.models import Document

COUNT_PAGE = re.compile(r"countPage\s*=\s*(\d+)")
ARTICLE_ID = re.compile(r"/t(\d{8}_\d+)\.s?html?$")


class MfaSpider(SourceSpider):
    family = "mfa"

    def discover(self) -> Iterator[Request]:
        yield self.discovery_request(self.source.url(self.source.path("listing")),
                                     self.parse_listing, page=0)

    def parse_listing(self, response: TextResponse, page: int) -> Iterator[Request]:
        items = self.listing_items(response)
        if items is None:
            return
        yield from self.articles(items, response)
        self.remember(response)
        yield from self.next_listing(response, page)

    def articles(self, items: SelectorList[Selector], response: Response) -> Iterator[Request]:
        for item in items:
            if not self.follows(self.entry_title(item)):
                continue
            request = self.article_request(self.entry_link(item, response), self.parse_article)
            if request is not None:
                yield request

    def next_listing(self, response: Response, page: int) -> Iterator[Request]:
        """index_1, index_2, … up to the page budget and the site's own page count."""
        match = COUNT_PAGE.search(response.text)
        pages = int(match[1]) if match else 1
        if page + 1 < min(pages, self.page_budget()):
            path = self.source.path("listing_page").format(n=page + 1)
            yield self.discovery_request(self.source.url(path), self.parse_listing, page=page + 1)

    def page_budget(self) -> int:
        return 10_000 if self.mode == "backfill" else self.max_pages

    def parse_article(self, response: Response, **hints: object) -> Iterator[Document]:
        if self.deleted(response):
            self.crawler.stats.inc_value("rashomon/deleted_pages")
            self.logger.info("deleted page (system page) skipped: %s", response.url)
            return
        yield from super().parse_article(response, **hints)

    def deleted(self, response: Response) -> bool:
        """The ministry answers a deleted article with a 200 'system' page."""
        markers = self.source.path_list("deleted")
        return any(marker in response.url for marker in markers)

    def external_id(self, url: str) -> str | None:
        match = ARTICLE_ID.search(url)
        return match[1] if match else None
