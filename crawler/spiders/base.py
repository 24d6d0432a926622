"""What every spider shares: one configured source, its requests, its failures, its outcome.

A spider crawls exactly one source (a row of config/sources.toml). Families differ only in how
they discover documents (feed, listing, data source); article pages are parsed by the same
selector chains from config. Failures are counted with their URL and written, with the
response counts, as the crawl's outcome row when the spider closes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector, SelectorList
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler import extract, feeds
from crawler.kinds import kind_of
from crawler.links import rebase
from rashomon.errors import ParseError
from rashomon.models import CrawlOutcome, Document
from rashomon.settings import Source
from rashomon.store import Store

Emit = Callable[[dict[str, Any]], None]
BACKFILL_CURSOR = "backfill"
STATUS_PREFIX = "downloader/response_status_count/"


class SourceSpider(scrapy.Spider):
    """Crawls one source. Subclasses implement `discover()` for their site family."""

    family = ""
    can_backfill = False  # whether the family has an archive to walk (`rashomon backfill`)

    def __init__(self, source: Source, store: Store, run_id: str, mode: str = "crawl",
                 since: date | None = None, max_pages: int = 1, emit: Emit | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.store = store
        self.run_id = run_id
        self.mode = mode
        self.since = since
        self.max_pages = max_pages
        self.emit = emit or (lambda event: None)
        self.allowed_domains = [urlsplit(source.base_url).hostname or ""]
        self.known = store.known_urls(source.id)
        self.failed_urls: list[str] = []
        self.errors: list[str] = []
        self.discovered = False
        self.started_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.record_outcome, signal=signals.spider_closed)
        return spider

    async def start(self) -> Any:
        for request in self.discover():
            yield request

    def discover(self) -> Iterator[Request]:
        raise NotImplementedError

    # ------------------------------------------------------------------ requests
    def discovery_request(self, url: str, callback: Callable[..., Any],
                          **cb_kwargs: Any) -> Request:
        """A feed or listing: fetched conditionally, a 304 is a success that costs nothing."""
        meta = {"conditional": True, "handle_httpstatus_list": [304]}
        return Request(url, callback=callback, cb_kwargs=cb_kwargs, meta=meta,
                       errback=self.discovery_failed, dont_filter=True)

    def article_request(self, url: str | None, callback: Callable[..., Any],
                        **cb_kwargs: Any) -> Request | None:
        """An article page, unless it is already stored (articles are not fetched twice)."""
        if url is None or url in self.known:
            return None
        self.known.add(url)
        return Request(url, callback=callback, cb_kwargs=cb_kwargs, errback=self.article_failed)

    def link(self, href: str | None, response: Response) -> str | None:
        return None if href is None else rebase(self.source, href, response.url)

    def listing_items(self, response: TextResponse) -> SelectorList[Selector] | None:
        """The entries of a fresh listing page; None for a 304 or for a page that matches no
        entry selector (a counted parse failure)."""
        if not self.fresh(response):
            return None
        items = extract.first_match(response, self.source.selectors["listing_item"])
        if not items:
            self.fail(response.url, "no listing items matched")
            return None
        return items

    def entry_link(self, item: Selector, response: Response) -> str | None:
        return self.link(extract.first_text(item, self.source.selectors["listing_link"]),
                         response)

    def entry_title(self, item: Selector) -> str:
        return extract.first_text(item, self.source.selectors.get("listing_title", [])) or ""

    def follows(self, title: str) -> bool:
        """Whether a listing entry is worth fetching (config `follow`; empty follows all)."""
        return not self.source.follow or any(re.search(p, title) for p in self.source.follow)

    def failing(self, address: str) -> bool:
        """Whether a configured address failed when it was last asked (crawler.entrypoints)."""
        return any(state.url == address and state.failing
                   for state in self.store.entry_points(self.source.id))

    # ------------------------------------------------------------------ backfill
    def resume_from(self) -> str | None:
        """Where a stopped backfill to the same `since` left off, if anywhere."""
        saved = self.store.cursor(self.source.id, BACKFILL_CURSOR)
        return saved[0] if saved and saved[1] == str(self.since) else None

    def in_range(self, day: date | None) -> bool:
        """Whether a document of `day` belongs to this crawl (a backfill stops at `since`)."""
        return self.since is None or day is None or day >= self.since

    def backfill_step(self, page: int, oldest: date | None, following: str | None) -> bool:
        """Record one archive page; True when the walk goes on to `following`.

        The position is saved after every page, so a stopped backfill resumes from it.
        """
        goes_on = following is not None and self.in_range(oldest)
        if goes_on:
            self.store.save_cursor(self.source.id, BACKFILL_CURSOR, str(following),
                                   str(self.since))
        else:
            self.store.clear_cursor(self.source.id, BACKFILL_CURSOR)
        self.emit({"event": "progress", "source": self.source.id, "page": page,
                   "oldest": oldest.isoformat() if oldest else None, "done": not goes_on})
        return goes_on

    # ------------------------------------------------------------------ bookkeeping
    def fresh(self, response: Response) -> bool:
        """Note a discovery response; False when it is a 304 (nothing changed since last time)."""
        self.discovered = True
        return response.status != 304

    def read_feed(self, response: Response) -> Any | None:
        """A fresh, well-formed RSS/Atom feed; None for a 304, or for a broken feed (counted
        as a parse failure)."""
        if not self.fresh(response):
            return None
        try:
            return feeds.parse_feed(response.body, response.url)
        except ParseError as exc:
            self.fail(response.url, exc.problem)
            return None

    def remember(self, response: Response) -> None:
        """Keep the validators of a page we parsed, for the next conditional GET."""
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if etag or modified:
            self.store.save_validators(response.url, _text(etag), _text(modified))

    def fail(self, url: str, problem: str) -> None:
        """A page that matched no selector: counted with its URL, never stored half-parsed."""
        self.failed_urls.append(url)
        self.logger.warning("parse failure: %s: %s", url, problem)

    def discovery_failed(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        self.errors.append(f"GET {request.url}: {_reason(failure)}")
        yield from self.fallback(request.url)

    def fallback(self, url: str) -> Iterator[Request]:
        """Another way in when a feed or listing fails (the Kremlin: feed → listing)."""
        return iter(())

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self.fail(request.url, _reason(failure))

    def record_outcome(self, spider: scrapy.Spider, reason: str) -> None:
        self.store.record_crawl(self.outcome(reason), self.run_id, self.mode)

    def outcome(self, reason: str) -> CrawlOutcome:
        stats = self.crawler.stats.get_stats()
        return CrawlOutcome(
            source_id=self.source.id,
            started_at=self.started_at,
            finished_at=datetime.now(UTC),
            requests=int(stats.get("downloader/request_count", 0)),
            responses={k.removeprefix(STATUS_PREFIX): int(v)
                       for k, v in stats.items() if k.startswith(STATUS_PREFIX)},
            items_stored=int(stats.get("rashomon/items_stored", 0)),
            parse_failures=len(self.failed_urls),
            failed_urls=tuple(self.failed_urls),
            error=self.error(reason),
        )

    def error(self, reason: str) -> str | None:
        if reason not in ("finished",):
            return f"crawl stopped: {reason}"
        if not self.discovered:
            return "; ".join(self.errors) or "no feed or listing answered"
        return None

    # ------------------------------------------------------------------ documents
    def document(self, **fields: Any) -> Document:
        return Document(source_id=self.source.id, side=self.source.side,
                        language=self.source.language, fetched_at=datetime.now(UTC), **fields)

    def kind(self, title: str, urls: list[str], paragraphs: Sequence[str],
             page: Selector | None = None) -> str:
        """The document kind from the source's configured signals (crawler/kinds.py)."""
        return kind_of(self.source.kinds, title=title, urls=urls, paragraphs=paragraphs,
                       page=page)

    def parse_article(self, response: Response, via: str = "") -> Iterator[Document]:
        """An article page, parsed with the source's selector chains; `via` is the feed or
        listing that linked it (its address can be a kind signal)."""
        parser = ArticleParser(self.source, response.text, response.url)
        parsed = parser.parse()
        if isinstance(parsed, str):
            self.fail(response.url, parsed)
            return
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

    def parse(self) -> dict[str, Any] | str:
        """The fields of a Document, or a message saying what is missing."""
        if not self.root:
            return "no article container matched"
        title = extract.first_text(self.root, self.chain("title"))
        paragraphs = self.paragraphs()
        published = self.published()
        missing = [name for name, value in (("title", title), ("body", paragraphs),
                                            ("date", published)) if not value]
        if missing:
            return f"no {', '.join(missing)} matched"
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


def spider_of(crawler: Crawler) -> SourceSpider:
    """The running spider of a crawler; middlewares and pipelines use its store and counters."""
    spider = crawler.spider
    if not isinstance(spider, SourceSpider):
        raise TypeError(f"not a Rashomon source spider: {spider!r}")
    return spider


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


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


def _reason(failure: Failure) -> str:
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
