"""What every spider shares: one configured source, its requests and how its pages are read.

A spider crawls exactly one source (a row of config/sources.toml). Families differ only in how
they discover documents (feed, listing, data source); article pages are parsed by the same
selector chains from config. A spider only parses: it yields documents, requests and the
records of `crawler.items`, and raises `ParseError` for a page it cannot read (or yields one
for an entry it cannot read). What it learns is recorded by the Scrapy components that
`crawler.settings` lists, and it is given, as arguments, what it needs to know of earlier
crawls: where a stopped backfill resumes, and which configured addresses were failing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler import extract, feeds
from crawler.items import ArchivePage
from crawler.kinds import kind_of
from crawler.links import rebase
from rashomon.errors import ParseError
from rashomon.models import Document
from rashomon.settings import Source


class SourceSpider(scrapy.Spider):
    """Crawls one source. Subclasses implement `discover()` for their site family."""

    family = ""
    can_backfill = False  # whether the family has an archive to walk (`rashomon backfill`)

    def __init__(self, source: Source, mode: str = "crawl", since: date | None = None,
                 max_pages: int = 1, resume: str | None = None,
                 failing: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.mode = mode
        self.since = since
        self.max_pages = max_pages
        self.resume = resume  # where a stopped backfill to the same `since` left off
        self.failing = failing  # configured addresses that failed when last asked
        self.allowed_domains = [urlsplit(source.base_url).hostname or ""]

    async def start(self) -> Any:
        for request in self.discover():
            yield request

    def discover(self) -> Iterator[Request]:
        raise NotImplementedError

    # ------------------------------------------------------------------ requests
    def discovery_request(self, url: str, callback: Callable[..., Any],
                          **cb_kwargs: Any) -> Request:
        """A feed or listing: fetched conditionally, a 304 is a success that costs nothing."""
        meta = {"discovery": True, "handle_httpstatus_list": [304]}
        return Request(url, callback=callback, cb_kwargs=cb_kwargs, meta=meta,
                       errback=self.discovery_failed, dont_filter=True)

    def article_request(self, url: str | None, callback: Callable[..., Any],
                        **cb_kwargs: Any) -> Request | None:
        """An article page (`crawler.known` drops it when the source has it already)."""
        if url is None:
            return None
        return Request(url, callback=callback, cb_kwargs=cb_kwargs, meta={"article": True},
                       errback=self.article_failed)

    def link(self, href: str | None, response: Response) -> str | None:
        return None if href is None else rebase(self.source, href, response.url)

    def listing_items(self, response: TextResponse) -> SelectorList[Selector] | None:
        """The entries of a fresh listing page; None for a 304. A page that matches no entry
        selector raises `ParseError`."""
        if not self.fresh(response):
            return None
        self.require_complete(response)
        items = extract.first_match(response, self.source.selectors["listing_item"])
        if not items:
            raise ParseError(response.url, "no listing items matched")
        return items

    def entry_link(self, item: Selector, response: Response) -> str | None:
        return self.link(extract.first_text(item, self.source.selectors["listing_link"]),
                         response)

    def entry_title(self, item: Selector) -> str:
        return extract.first_text(item, self.source.selectors.get("listing_title", [])) or ""

    def follows(self, title: str) -> bool:
        """Whether a listing entry is worth fetching (config `follow`; empty follows all)."""
        return not self.source.follow or any(re.search(p, title) for p in self.source.follow)

    # ------------------------------------------------------------------ backfill
    def in_range(self, day: date | None) -> bool:
        """Whether a document of `day` belongs to this crawl (a backfill stops at `since`)."""
        return self.since is None or day is None or day >= self.since

    def archive_page(self, page: int, oldest: date | None, following: str | None
                     ) -> ArchivePage:
        """One page of a backfill walked; the walk goes on to `following` while the page's
        documents are not older than `since` (`crawler.archive` saves where it resumes)."""
        goes_on = following is not None and self.in_range(oldest)
        return ArchivePage(self.source.id, self.since, page, oldest,
                           following if goes_on else None)

    # ------------------------------------------------------------------ reading pages
    def fresh(self, response: Response) -> bool:
        """False when a feed or listing answered 304 (nothing changed since last time)."""
        return response.status != 304

    def require_complete(self, response: Response) -> None:
        """An HTML page cut short in transit raises `ParseError`: half an article is never
        stored as if it were the whole, and a cut listing keeps no validators, so it is read
        in full next time."""
        if extract.cut_short(response.text):
            raise ParseError(response.url, "page cut short: it ends before </body> or </html>")

    def read_feed(self, response: Response) -> Any | None:
        """A fresh, well-formed RSS/Atom feed; None for a 304. A broken feed raises
        `ParseError`."""
        if not self.fresh(response):
            return None
        return feeds.parse_feed(response.body, response.url)

    def discovery_failed(self, failure: Failure) -> Iterator[Request]:
        """A feed or listing that did not arrive (`crawler.outcome` records why): try another
        way in."""
        request = failure.request  # type: ignore[attr-defined]
        yield from self.fallback(request.url)

    def fallback(self, url: str) -> Iterator[Request]:
        """Another way in when a feed or listing fails (the Kremlin: feed → listing)."""
        return iter(())

    def article_failed(self, failure: Failure) -> None:
        """An article that did not arrive: `crawler.outcome` counts it with its URL."""

    # ------------------------------------------------------------------ documents
    def document(self, **fields: Any) -> Document:
        return Document(source_id=self.source.id, side=self.source.side,
                        language=self.source.language, **fields)

    def kind(self, title: str, urls: list[str], paragraphs: Sequence[str],
             page: Selector | None = None) -> str:
        """The document kind from the source's configured signals (crawler/kinds.py)."""
        return kind_of(self.source.kinds, title=title, urls=urls, paragraphs=paragraphs,
                       page=page)

    def parse_article(self, response: Response, via: str = "") -> Iterator[Document]:
        """An article page, parsed with the source's selector chains; `via` is the feed or
        listing that linked it (its address can be a kind signal)."""
        self.require_complete(response)
        parser = ArticleParser(self.source, response.text, response.url)
        parsed = parser.parse()
        kind = self.kind(parsed["title"], [response.url, via], parsed["paragraphs"], parser.raw)
        yield self.document(url=response.url, external_id=self.external_id(response.url),
                            kind=kind, **parsed)

    def external_id(self, url: str) -> str | None:
        return None


class ArticleParser:
    """Title, time, lead, paragraphs and tags of one article page, by fallback chains.

    The text (title, lead, body) is read after the source's `remove` selectors dropped what a
    reader does not read as text (tooltips, share blocks, the bottom meta). The metadata
    lives in exactly those blocks on kremlin.ru (the tag list and the publication status sit
    in `.read__bottommeta`), so tags are read from the untouched page, and the date and time
    fall back to it when the cleaned page has none (an announcement's only time is there).
    """

    def __init__(self, source: Source, html: str, url: str) -> None:
        self.source = source
        self.url = url
        self.raw = Selector(text=html)
        page = extract.without(html, source.selectors.get("remove", []))
        self.root = self.article(page)
        self.raw_root = self.article(self.raw)

    def article(self, page: Selector) -> Any:
        chain = self.source.selectors.get("article")
        return extract.first_match(page, chain) if chain else page

    def chain(self, name: str) -> list[str]:
        return self.source.selectors.get(name, [])

    def meta_text(self, name: str) -> str | None:
        """A metadata field: from the cleaned page, else from the untouched one."""
        chain = self.chain(name)
        return extract.first_text(self.root, chain) or extract.first_text(self.raw_root, chain)

    def parse(self) -> dict[str, Any]:
        """The fields of a Document; `ParseError` saying what is missing when one is."""
        if not self.root:
            raise ParseError(self.url, "no article container matched")
        title = extract.first_text(self.root, self.chain("title"))
        paragraphs = self.paragraphs()
        published = self.published()
        missing = [name for name, value in (("title", title), ("body", paragraphs),
                                            ("date", published)) if not value]
        if missing:
            raise ParseError(self.url, f"no {', '.join(missing)} matched")
        return {"title": title, "paragraphs": tuple(paragraphs), "published_at": published,
                "summary": extract.first_text(self.root, self.chain("lead")) or "",
                "tags": tuple(extract.texts(self.raw_root, self.chain("tags")))}

    def paragraphs(self) -> list[str]:
        lead = extract.first_text(self.root, self.chain("lead"))
        body = article_text(extract.texts(self.root, self.chain("body")), self.source)
        return [lead, *body] if lead else body

    def published(self) -> datetime | None:
        """Date (page, else URL) and time (page) on the site's wall clock, as UTC."""
        stamp = self.meta_text("date") or ""
        day = extract.parse_local_date(stamp) or extract.date_in_url(self.url)
        clock_text = self.meta_text("time") or stamp
        clock = extract.parse_clock(clock_text)
        return None if day is None else extract.to_utc(day, clock, self.source.timezone)


def article_text(paragraphs: list[str], source: Source) -> list[str]:
    """The paragraphs that are the article's own text: up to the first `end_before` match (the
    "Related:" story list under old Xinhua articles), without `drop_paragraphs` (photo
    captions: "…(Xinhua/Rouelle Umali)", "…新华社记者 才扬 摄") and `drop_lines` at the end."""
    end = next((n for n, text in enumerate(paragraphs)
                if any(re.search(p, text) for p in source.end_before)), len(paragraphs))
    kept = [text for text in paragraphs[:end]
            if not any(re.search(p, text) for p in source.drop_paragraphs)]
    return drop_trailing(kept, source.drop_lines)


def drop_trailing(paragraphs: list[str], patterns: list[str]) -> list[str]:
    """Drop the editor/correction lines sites append at the end (【纠错】, 责任编辑：…)."""
    kept = list(paragraphs)
    while kept and any(re.search(pattern, kept[-1]) for pattern in patterns):
        kept.pop()
    return kept
