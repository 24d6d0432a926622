"""kremlin.ru (Russian) and en.kremlin.ru (English).

Discovery: the Atom feeds (entries carry the whole article HTML), with the listing
`/events/president/news` (and `/page/N`) as the fallback when a feed fails, or as the way in
when no feed is configured. A fallback that failed is read on every crawl until it answers
again, so that its recorded state (crawler.entrypoints) never stays stale. A backfill pages
back through the news feed's `link rel="next"`, yielding an archive page after every page so
a stopped backfill resumes where it stopped (crawler.archive). The numeric event id joins the
RU and EN pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parsel import Selector
from scrapy.http import Request, Response, TextResponse

from crawler import extract, feeds
from crawler.spiders.base import SourceSpider, article_text
from rashomon.errors import ParseError
from rashomon.models import Document

EVENT_ID = re.compile(r"/(\d+)/?$")


class KremlinSpider(SourceSpider):
    family = "kremlin"
    can_backfill = True
    listing_tried = False  # the feed → listing fallback runs once per crawl

    def discover(self) -> Iterator[Request]:
        if self.mode == "backfill":
            start = self.resume or self.source.url(self.source.path_list("feed")[0])
            yield self.discovery_request(start, self.parse_feed, page=1)
            return
        feed_paths = self.source.path_list("feed")
        for path in feed_paths:
            yield self.discovery_request(self.source.url(path), self.parse_feed)
        if not feed_paths or self.listing_url() in self.failing:
            yield from self.read_listing()  # no feed, or a failing fallback to check again

    # ------------------------------------------------------------------ feed
    def parse_feed(self, response: Response, page: int = 0) -> Iterator[Any]:
        try:
            parsed = self.read_feed(response)
        except ParseError:
            yield from self.fallback(response.url)  # a broken feed: the listing instead
            raise
        if parsed is None:
            return
        documents = [self.entry_document(entry, response) for entry in parsed.entries]
        yield from self.keep(documents)
        if page:
            yield from self.next_backfill_page(parsed, documents, response, page)

    def keep(self, documents: list[Document | Request | ParseError | None]) -> Iterator[Any]:
        for item in documents:
            if isinstance(item, Document) and not self.in_range(item.published_at.date()):
                continue
            if item is not None:
                yield item

    def entry_document(self, entry: Any, response: Response
                       ) -> Document | Request | ParseError | None:
        """A document from the entry's own HTML, a request for the article page, or the
        `ParseError` of an entry without a usable link."""
        url = self.link(entry.get("link") or entry.get("id"), response)
        if url is None:
            return ParseError(response.url, f"entry without a usable link: {entry.get('id')!r}")
        removals = self.source.selectors.get("remove", [])
        html = feeds.entry_html(entry)
        paragraphs = article_text(feeds.html_paragraphs(html, removals), self.source)
        published = feeds.entry_published(entry, self.feed_zone())
        if not (paragraphs and published and entry.get("title")):
            return self.article_request(url, self.parse_article, via=response.url)
        title = extract.clean(entry.title)
        summary = entry.get("summary", "") if entry.get("content") else ""
        return self.document(
            url=url, external_id=self.external_id(url), title=title,
            kind=self.kind(title, [url, response.url], paragraphs, Selector(text=html)),
            published_at=published, paragraphs=tuple(paragraphs),
            summary=feeds.html_text(summary, removals),
            tags=tuple(tag.get("term", "") for tag in entry.get("tags", []) if tag.get("term")),
        )

    def feed_zone(self) -> str | None:
        """The zone the feed's wall-clock times are read in when its offset is not trusted."""
        return None if self.source.trust_feed_offset else self.source.timezone

    def next_backfill_page(self, parsed: Any, documents: list[Any], response: Response,
                           page: int) -> Iterator[Any]:
        """Page back through `link rel="next"` until the entries are older than `since`."""
        oldest = min((d.published_at.date() for d in documents if isinstance(d, Document)),
                     default=None)
        walked = self.archive_page(page, oldest, self.link(feeds.next_page(parsed), response))
        yield walked
        if walked.following is not None:
            yield self.discovery_request(walked.following, self.parse_feed, page=page + 1)

    # ------------------------------------------------------------------ listing (fallback)
    def fallback(self, url: str) -> Iterator[Request]:
        """A failed feed: read the listing pages instead."""
        if self.mode != "backfill":
            yield from self.read_listing()

    def read_listing(self) -> Iterator[Request]:
        """The listing's first page, once per crawl."""
        if self.listing_tried:
            return
        self.listing_tried = True
        yield self.discovery_request(self.listing_url(), self.parse_listing, page=1)

    def listing_url(self) -> str:
        return self.source.url(self.source.path("listing"))

    def parse_listing(self, response: TextResponse, page: int) -> Iterator[Request]:
        items = self.listing_items(response)
        if items is None:
            return
        for item in items:
            if not self.follows(self.entry_title(item)):
                continue
            request = self.article_request(self.entry_link(item, response), self.parse_article,
                                           via=response.url)
            if request is not None:
                yield request
        if page < self.max_pages:
            next_path = self.source.path("listing_page").format(n=page + 1)
            yield self.discovery_request(self.source.url(next_path), self.parse_listing,
                                         page=page + 1)

    def external_id(self, url: str) -> str | None:
        match = EVENT_ID.search(url)
        return match[1] if match else None
