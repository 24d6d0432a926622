"""The spiders on real pages that third parties saved (tests/fixtures/real; its README says
where each page comes from and how `expected.toml` was written).

Every page is served byte for byte by a real HTTP server on 127.0.0.1 at its real path below
a prefix named after a test source; each test source is an ordinary user-file source of a
known family (`extends` a packaged one) whose `base_url` points at its prefix. One crawl child
reads them all with the real spiders, then each test compares what was stored, or what was
requested, with what a reader sees in the page. Texts are compared whitespace-normalised as the
README says (every run of Unicode whitespace is one space, ends trimmed).

What the spiders do not read, and so cannot be checked here, is said where it applies:
- the page `<title>` of listings and feeds (no spider stores it);
- the time printed next to a listing entry (articles carry their own time, read from the page);
- the Kremlin's listing page 1 and most articles linked from the real listings were not
  captured: the article pages are reached through an index written in the real listing
  template (`written_index`), and the real listings' entries are checked by the requests the
  spider makes for them (404 here, as the articles are not in the captures).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from parsel import Selector

from rashomon.demo.server import Reply, SampleSite
from rashomon.models import Document
from rashomon.store import Store
from tests.sites import run_crawl, site_settings

pytestmark = pytest.mark.slow

REAL = Path(__file__).parent / "fixtures" / "real"
EXPECTED: list[dict[str, Any]] = tomllib.loads(
    (REAL / "expected.toml").read_text(encoding="utf-8"))["pages"]
HTML = {"Content-Type": "text/html; charset=utf-8"}
ATOM = {"Content-Type": "application/atom+xml"}
PACKAGED = {("kremlin", "en"): "kremlin_en", ("mfa", "en"): "mfa_en", ("mfa", "zh"): "mfa_zh",
            ("xinhua", "en"): "xinhua_en", ("xinhua", "zh"): "xinhua_zh"}
DELETED_ARTICLE = "/web/wjdt_674879/fyrbt_674889/t1000001.shtml"  # answers 302 → error.htm


def norm(text: str) -> str:
    """The README's whitespace normalisation."""
    return re.sub(r"\s+", " ", text).strip()


def pages(kind: str, family: str | None = None, language: str | None = None
          ) -> list[dict[str, Any]]:
    return [page for page in EXPECTED if page["type"] == kind
            and family in (None, page["family"]) and language in (None, page["language"])]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---------------------------------------------------------------- the test sources
@dataclass(frozen=True)
class RealSource:
    """One test source: the packaged source it extends, its TOML keys, the pages it serves."""

    id: str
    extends: str
    keys: str
    files: tuple[tuple[str, bytes, dict[str, str]], ...]  # (path, body, headers)


def fixture(page: dict[str, Any]) -> bytes:
    return (REAL / page["file"]).read_bytes()


KREMLIN_ITEM = ('<div class="hentry h-entry hentry_event"><h3 class="hentry__title">'
                '<a href="{href}" rel="bookmark"><span class="entry-title p-name">{title}</span>'
                '</a></h3></div>')
XINHUA_ITEM = '<div class="item"><div class="tit"><a href="{href}">{title}</a></div></div>'
INDEXES = {  # packaged source: (listing path, listing wrapper, item), as on the real listings
    "kremlin_en": ("/events/president/news", '<div class="events">{items}</div>',
                   KREMLIN_ITEM),  # kremlin/en/listing-page-2.html
    "mfa_en": ("/mfa_eng/xwfw_665399/s2510_665401/2511_665403/default.shtml",
               '<div class="newsLst_mod"><ul>{items}</ul></div>',  # listing-2511_665403-*
               '<li><a href="{href}">{title}</a></li>'),
    "mfa_zh": ("/web/wjdt_674879/fyrbt_674889/default.shtml",
               '<div class="rebox_news"><ul>{items}</ul></div>',  # listing-fyrbt_674889-*
               '<li><a href="{href}">{title}</a>(2020-01-01)</li>'),
    # No real Xinhua listing was captured: the packaged sources' listing selectors.
    "xinhua_en": ("/list/latestnews.htm", '<div id="list">{items}</div>', XINHUA_ITEM),
    "xinhua_zh": ("/politics/index.htm", '<div id="list">{items}</div>', XINHUA_ITEM),
}


def written_index(packaged: str, links: list[tuple[str, str]]) -> bytes:
    """A listing in the family's real listing template linking `links` (href, title): the
    captures hold no listing page that links these articles (see the module docstring)."""
    _, wrap, item = INDEXES[packaged]
    items = "".join(item.format(href=escape(href), title=escape(title)) for href, title in links)
    return f"<!DOCTYPE html><html><body>{wrap.format(items=items)}</body></html>".encode()


def paths(family: str, listing: str) -> str:
    """The TOML `paths` of a test source that starts from `listing` (no feed)."""
    if family == "xinhua":
        return f'paths = {{ listings = ["{listing}"], datasources = [] }}\n'
    return f'paths = {{ feed = [], listing = "{listing}" }}\n'


def article_sources() -> list[RealSource]:
    """One source per family and language: a written index, then every captured article."""
    found = []
    for (family, language), packaged in PACKAGED.items():
        articles = pages("article", family, language)
        links = [(path_of(page["url"]), page["title"]) for page in articles]
        files = [(path_of(page["url"]), fixture(page), HTML) for page in articles]
        if packaged == "mfa_zh":
            links.append((DELETED_ARTICLE, "删除的文章"))
            error = pages("deleted")[0]
            files.append((path_of(error["url"]), fixture(error), HTML))
        listing = INDEXES[packaged][0]
        files.append((listing, written_index(packaged, links), HTML))
        keys = paths(family, listing) + "follow = []\n"
        found.append(RealSource(f"real_{packaged}_pages", packaged, keys, tuple(files)))
    return found


def listing_sources() -> list[RealSource]:
    """Two sources per real listing: one reads every entry, one follows only the first and
    the last entry by their exact titles (so the titles the spider reads are checked too)."""
    found = []
    for number, page in enumerate(pages("listing")):
        packaged = PACKAGED[(page["family"], page["language"])]
        path = path_of(page["url"])
        keys = paths(page["family"], path) + listing_selectors(page)
        files = ((path, fixture(page), HTML),)
        titles = [page["first_entry"]["title"], page["last_entry"]["title"]]
        follow = ", ".join(toml_string("^" + re.escape(title) + "$") for title in titles)
        found.append(RealSource(f"real_listing_{number}", packaged, keys + "follow = []\n",
                                files))
        found.append(RealSource(f"real_listing_{number}_follow", packaged,
                                keys + f"follow = [{follow}]\n", files))
    return found


def listing_selectors(page: dict[str, Any]) -> str:
    """Xinhua's search results are not a listing the packaged sources read; a source can be
    configured to read them (a config edit, as for any new listing of a known family)."""
    if "search.news.cn" not in page["url"]:
        return ""
    return ('selectors = { listing_item = ["div#middle-c"], '
            'listing_link = ["span.style1a a::attr(href)"], listing_title = ["span.style1a a"] }\n')


def feed_sources() -> list[RealSource]:
    found = []
    for number, page in enumerate(pages("feed")):
        path = path_of(page["url"])
        keys = f'paths = {{ feed = ["{path}"] }}\n'
        found.append(RealSource(f"real_feed_{number}", "kremlin_en", keys,
                                ((path, fixture(page), ATOM),)))
    return found


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


SOURCES = [*article_sources(), *listing_sources(), *feed_sources()]


# ---------------------------------------------------------------- one crawl of them all
class RealCrawl:
    """The site, the settings, one crawl of every test source, and what it left behind."""

    def __init__(self, tmp_path: Path) -> None:
        self.site = SampleSite([]).start()
        extra = ""
        for source in SOURCES:
            for path, body, headers in source.files:
                self.site.put(f"/{source.id}{path}", body, headers)
            extra += (f'[sources.{source.id}]\nextends = "{source.extends}"\n'
                      f'base_url = "{self.site.base_url(source.id)}"\n{source.keys}\n')
        deleted = self.site.base_url("real_mfa_zh_pages") + "/error.htm"
        self.site.script(f"/real_mfa_zh_pages{DELETED_ARTICLE}",
                         [Reply(302, {"Location": deleted, **HTML})])
        self.settings, _ = site_settings(self.site, tmp_path, sources=[], press=[], extra=extra)
        self.store = Store.open(self.settings.store.url)
        outcomes = run_crawl(self.settings, self.store, [s.id for s in SOURCES])
        self.outcomes = {outcome.source_id: outcome for outcome in outcomes}

    def documents(self, source_id: str) -> dict[str, Document]:
        """The stored documents of a source by their path below the source's prefix."""
        prefix = self.site.base_url(source_id)
        return {doc.url.removeprefix(prefix): doc
                for doc in self.store.documents.latest(source_id=source_id)}

    def requested(self, source_id: str) -> list[str]:
        """The article paths a source requested (its own listing and robots.txt excluded)."""
        prefix = f"/{source_id}"
        own = {path for source in SOURCES if source.id == source_id
               for path, _, _ in source.files}
        return [request.path.removeprefix(prefix) for request in self.site.requests
                if request.path.startswith(prefix + "/")
                and request.path.removeprefix(prefix) not in {p.split("?")[0] for p in own}]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealCrawl]:
    state = RealCrawl(tmp_path_factory.mktemp("real"))
    yield state
    state.store.close()
    state.site.stop()


def source_of(page: dict[str, Any], suffix: str = "pages") -> str:
    return f"real_{PACKAGED[(page['family'], page['language'])]}_{suffix}"


def local(stamp: datetime, zone: str, like: str) -> str:
    """`stamp` on the site's wall clock, printed with the precision of the expected value."""
    shown = stamp.astimezone(ZoneInfo(zone))
    formats = {10: "%Y-%m-%d", 16: "%Y-%m-%d %H:%M", 19: "%Y-%m-%d %H:%M:%S"}
    return shown.strftime(formats[len(like)])


def utc(local_time: str, zone: str) -> datetime:
    """The instant of a wall-clock time printed on a page of a site in `zone`."""
    formats = {10: "%Y-%m-%d", 16: "%Y-%m-%d %H:%M", 19: "%Y-%m-%d %H:%M:%S"}
    naive = datetime.strptime(local_time, formats[len(local_time)])
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


# ---------------------------------------------------------------- articles
ARTICLES = pages("article")


def article(crawled: RealCrawl, page: dict[str, Any]) -> Document:
    documents = crawled.documents(source_of(page))
    path = path_of(page["url"])
    assert path in documents, (page["file"], crawled.outcomes[source_of(page)].failed_urls)
    return documents[path]


@pytest.mark.parametrize("page", ARTICLES, ids=[p["file"] for p in ARTICLES])
def test_article_title_and_time(crawled: RealCrawl, page: dict[str, Any]) -> None:
    doc = article(crawled, page)
    assert norm(doc.title) == page["title"]
    assert local(doc.published_at, page["timezone"], page["local_time"]) == page["local_time"]
    assert doc.published_at == utc(page["local_time"], page["timezone"])


@pytest.mark.parametrize("page", ARTICLES, ids=[p["file"] for p in ARTICLES])
def test_article_paragraphs_are_complete_and_clean(crawled: RealCrawl,
                                                   page: dict[str, Any]) -> None:
    """The stored text is the lead (Kremlin), then every body paragraph, nothing else."""
    doc = article(crawled, page)
    lead = norm(page.get("lead", ""))
    body = list(doc.paragraphs[1:] if lead else doc.paragraphs)
    if lead:
        assert norm(doc.paragraphs[0]) == lead
    assert norm(doc.summary) == lead
    assert len(body) == page["paragraphs"]
    assert norm(body[0]) == page["first_paragraph"]
    assert norm(body[-1]) == page["last_paragraph"]
    assert all(p == norm(p) and p and "<" not in p.replace("<…>", "") for p in doc.paragraphs)


@pytest.mark.parametrize("page", ARTICLES, ids=[p["file"] for p in ARTICLES])
def test_article_tags_kind_and_external_id(crawled: RealCrawl, page: dict[str, Any]) -> None:
    doc = article(crawled, page)
    assert [norm(tag) for tag in doc.tags] == page["tags"]
    assert doc.kind == page["kind"]
    assert doc.external_id == page["external_id"]


def test_every_captured_article_parses(crawled: RealCrawl) -> None:
    for source_id in {source_of(page) for page in ARTICLES}:
        outcome = crawled.outcomes[source_id]
        assert outcome.ok, (source_id, outcome.error, outcome.failed_urls)


def test_the_ministrys_not_found_page_is_no_article(crawled: RealCrawl) -> None:
    """error.htm answers 200 with the site's menus; like the 'system' page it is skipped and
    remembered, never stored and never a parse failure."""
    source_id = "real_mfa_zh_pages"
    assert not any("error" in path for path in crawled.documents(source_id))
    assert crawled.outcomes[source_id].parse_failures == 0
    deleted = crawled.site.base_url(source_id) + DELETED_ARTICLE
    assert deleted in crawled.store.documents.known_urls(source_id)


# ---------------------------------------------------------------- feeds
FEEDS = pages("feed")


@pytest.mark.parametrize("number", range(len(FEEDS)), ids=[p["file"] for p in FEEDS])
def test_feed_entries_with_their_moscow_times(crawled: RealCrawl, number: int) -> None:
    """The feed prints Moscow wall-clock time with a false +04:00: the time is read in the
    source's zone, so the entries agree with their pages."""
    page, source_id = FEEDS[number], f"real_feed_{number}"
    documents = crawled.documents(source_id)
    assert crawled.outcomes[source_id].ok
    assert len(documents) == page["entries"]
    for entry in (page["first_entry"], page["last_entry"]):
        doc = documents[path_of(entry["url"])]
        assert norm(doc.title) == entry["title"]
        assert local(doc.published_at, page["timezone"], entry["local_time"]) == \
            entry["local_time"]
        assert doc.published_at == utc(entry["local_time"], page["timezone"])
    printed = page["first_entry_published_raw"]
    first = documents[path_of(page["first_entry"]["url"])]
    assert printed.endswith("+04:00") and first.published_at != datetime.fromisoformat(printed)


@pytest.mark.parametrize("number", range(len(FEEDS)), ids=[p["file"] for p in FEEDS])
def test_feed_summaries_are_clean_text(crawled: RealCrawl, number: int) -> None:
    """The feed's summaries are HTML (`<div class="c-summary"><p>…</p></div> <img …/>`): the
    stored summary is the text a reader sees, as for a page's lead; a summary that is only a
    photo (the Army-2020 greetings) is no text at all."""
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(fixture(FEEDS[number]))
    worded = sum("<p>" in (entry.findtext(f"{atom}summary") or "")
                 for entry in feed.iter(f"{atom}entry"))
    summaries = [doc.summary for doc in crawled.documents(f"real_feed_{number}").values()]
    assert len(summaries) == FEEDS[number]["entries"] and 0 < worded < len(summaries)
    assert all(summary == norm(summary) and "<" not in summary for summary in summaries)
    assert sum(bool(summary) for summary in summaries) == worded


def test_a_feed_entry_and_its_page_agree(crawled: RealCrawl) -> None:
    """63953 is both feed-2020-08-27-b's first entry and a captured page: same time, same
    text, and the feed's summary is clean text like the page's lead."""
    page = next(p for p in ARTICLES if p["file"].endswith("news-63953.html"))
    number = next(n for n, f in enumerate(FEEDS) if f["first_entry"]["url"] == page["url"])
    feed = crawled.documents(f"real_feed_{number}")
    from_feed = feed[path_of(page["url"])]
    from_page = article(crawled, page)
    assert from_feed.published_at == from_page.published_at
    assert [norm(p) for p in from_feed.paragraphs] == [norm(p) for p in from_page.paragraphs]
    assert norm(from_feed.summary) == norm(page["lead"]) == norm(from_page.summary)
    assert from_feed.title == from_page.title and from_feed.external_id == "63953"
    assert from_feed.kind == from_page.kind == page["kind"]


# ---------------------------------------------------------------- listings
LISTINGS = pages("listing")


@pytest.mark.parametrize("number", range(len(LISTINGS)), ids=[p["file"] for p in LISTINGS])
def test_listing_entries(crawled: RealCrawl, number: int) -> None:
    """Every entry is requested (the articles are not in the captures, so they answer 404)."""
    page = LISTINGS[number]
    requested = crawled.requested(f"real_listing_{number}")
    assert len(requested) == len(set(requested)) == page["entries"]
    first, last = (path_of(page[key]["url"]) for key in ("first_entry", "last_entry"))
    assert {first, last} <= set(requested)


@pytest.mark.parametrize("number", range(len(LISTINGS)), ids=[p["file"] for p in LISTINGS])
def test_listing_entry_titles(crawled: RealCrawl, number: int) -> None:
    """`follow` set to the exact first and last titles fetches those entries, and only the
    entries that bear one of these titles (listing-page-2 has two calls with Macron, 63907
    and 63882, under the same title: the page's text shows it twice)."""
    page = LISTINGS[number]
    requested = crawled.requested(f"real_listing_{number}_follow")
    first, last = (path_of(page[key]["url"]) for key in ("first_entry", "last_entry"))
    shown = norm("".join(Selector(text=fixture(page).decode("utf-8")).css("body ::text")
                         .getall()))
    titles = {page["first_entry"]["title"], page["last_entry"]["title"]}
    assert {first, last} <= set(requested)
    assert len(requested) == len(set(requested)) == sum(shown.count(t) for t in titles)

