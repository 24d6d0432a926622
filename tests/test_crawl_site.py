"""Crawling the sample site for real: child process, Scrapy, HTTP on 127.0.0.1, SQLite store.

The sample site mirrors the real page structures (../shared/SITES.md); sources reach it only
through configuration (`base_url`), exactly as a user would point a source elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rashomon.demo.server import Headers, Reply
from rashomon.models import CrawlOutcome, Document
from rashomon.store import Store
from tests.sites import run_crawl, site_settings, start_site

pytestmark = pytest.mark.slow


class Crawled:
    """One site, one store, one first crawl of every source, shared by the tests below."""

    def __init__(self, tmp_path: Path) -> None:
        self.site = start_site()
        self.settings, self.config = site_settings(self.site, tmp_path)
        self.store = Store.open(self.settings.store.url)
        self.ids = [source.id for source in self.settings.enabled_sources()]
        self.first = run_crawl(self.settings, self.store, self.ids)
        self.first_log = list(self.site.requests)

    def documents(self, source_id: str) -> list[Document]:
        return list(self.store.documents.latest(source_id=source_id))

    def by_id(self, source_id: str, external_id: str) -> Document:
        return next(d for d in self.documents(source_id) if d.external_id == external_id)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    state = Crawled(tmp_path_factory.mktemp("crawled"))
    yield state
    state.site.stop()


def test_every_source_crawls_cleanly(crawled: Crawled) -> None:
    for outcome in crawled.first:
        assert outcome.ok, (outcome.source_id, outcome.error, outcome.failed_urls)
        assert outcome.items_stored > 0, outcome.source_id
        assert outcome.responses.get("200", 0) > 0


def test_both_sides_and_press_land_in_the_store(crawled: Crawled) -> None:
    sides = {d.side for d in crawled.store.documents.latest()}
    assert sides == {"RU", "CN", "press"}
    assert {d.kind for d in crawled.documents("press_demo")} == {"press"}


def test_kremlin_feed_entry_is_parsed_with_tooltips_removed(crawled: Crawled) -> None:
    doc = crawled.by_id("kremlin_en", "68656")
    assert doc.title.startswith("Telephone conversation with")
    assert doc.published_at == datetime(2022, 6, 15, 11, 40, tzinfo=UTC)  # 14:40 "+04:00"
    assert doc.summary == ("Vladimir Putin had a telephone conversation with President of the "
                           "People's Republic of China Xi Jinping.")  # text, not the feed's HTML
    assert doc.paragraphs[0] == doc.summary  # the lead opens the text, as on the page
    greeting = next(p for p in doc.paragraphs if "warmly congratulated" in p)
    assert greeting == ("Vladimir Putin warmly congratulated Xi Jinping on his birthday and "
                        "wished him good health and every success in his work.")  # no tooltip
    assert doc.url == crawled.site.base_url("kremlin_en") + "/events/president/news/68656"


def test_kremlin_russian_and_english_pages_share_the_event_id(crawled: Crawled) -> None:
    english = {d.external_id for d in crawled.documents("kremlin_en")}
    russian = {d.external_id for d in crawled.documents("kremlin_ru")}
    assert {"68656", "68657", "67851", "73410"} <= english & russian
    assert crawled.by_id("kremlin_ru", "68656").language == "ru"


def test_aide_commentary_is_part_of_the_kremlin_account(crawled: Crawled) -> None:
    assert crawled.by_id("kremlin_en", "68657").kind == "commentary"
    assert crawled.by_id("kremlin_ru", "68657").kind == "commentary"
    assert crawled.by_id("kremlin_en", "68656").kind == "readout"


def test_moscow_and_beijing_dates_of_one_call(crawled: Crawled) -> None:
    moscow = crawled.by_id("kremlin_en", "73410").published_at
    beijing = next(d for d in crawled.documents("xinhua_zh")
                   if d.published_at.date().isoformat() == "2024-02-08")
    assert moscow == datetime(2024, 2, 8, 20, 30, tzinfo=UTC)  # 23:30 in Moscow, Feb 8
    assert beijing.published_at == datetime(2024, 2, 8, 20, 10, tzinfo=UTC)  # 04:10, Feb 9


def test_xinhua_articles_lose_their_editor_lines(crawled: Crawled) -> None:
    english = crawled.documents("xinhua_en")
    chinese = crawled.documents("xinhua_zh")
    assert english and chinese
    assert all(not d.paragraphs[-1].startswith("[Editor") for d in english)
    assert all("纠错" not in d.paragraphs[-1] and "责任编辑" not in d.paragraphs[-1]
               for d in chinese)
    call_a = next(d for d in english if d.published_at.date().isoformat() == "2022-06-15")
    assert call_a.published_at == datetime(2022, 6, 15, 12, 50, tzinfo=UTC)


def test_xinhua_follows_only_matching_titles_and_rebases_real_hosts(crawled: Crawled) -> None:
    requested = [r.path for r in crawled.first_log if r.path.startswith("/xinhua_en/")]
    articles = [path for path in requested if path.endswith("/c.html")]
    assert articles and all(path.startswith("/xinhua_en/20") for path in articles)
    assert len(articles) == len(crawled.documents("xinhua_en"))


def test_mfa_templates_and_the_deleted_page(crawled: Crawled) -> None:
    english = crawled.documents("mfa_en")
    assert len(english) >= 2  # template (a) and template (b)
    assert all(d.paragraphs and d.title for d in english)
    assert not any("system" in d.url or "t20220616_10704000" in d.url for d in english)
    assert crawled.documents("mfa_zh")  # the legacy template


def test_second_crawl_revalidates_and_stores_nothing(crawled: Crawled) -> None:
    crawled.site.clear_log()
    second = run_crawl(crawled.settings, crawled.store, crawled.ids)
    log = crawled.site.requests
    discovery = [r for r in log if r.status == 304]
    assert discovery, "feeds and listings answer 304 when nothing changed"
    assert all(r.headers.get("If-None-Match") for r in discovery)
    assert all(outcome.items_stored == 0 and outcome.ok for outcome in second)
    article_paths = [r.path for r in log if r.path.endswith((".html", ".shtml"))
                     and "/list" not in r.path and "index" not in r.path]
    assert article_paths == [], "stored articles are not fetched again"


def outcome_of(outcomes: list[CrawlOutcome], source_id: str) -> CrawlOutcome:
    return next(o for o in outcomes if o.source_id == source_id)


def test_edited_readout_is_kept_as_a_new_version(tmp_path: Path) -> None:
    with start_site() as site:
        settings, _ = site_settings(site, tmp_path, sources=["kremlin_en"], press=[])
        store = Store.open(settings.store.url)
        run_crawl(settings, store, ["kremlin_en"])
        feed = "/kremlin_en/events/president/news/feed"
        body = site.answer("GET", feed, Headers()).body.decode("utf-8")
        assert "all-time high" in body
        site.put(feed, body.replace("all-time high", "highest level ever"),
                 {"Content-Type": "application/atom+xml"})
        run_crawl(settings, store, ["kremlin_en"])
        url = site.base_url("kremlin_en") + "/events/president/news/68656"
        versions = store.documents.versions(url)
    assert [v.version for v in versions] == [1, 2]


def test_kremlin_article_pages_when_the_feed_is_down(tmp_path: Path) -> None:
    """The listing fallback parses article pages: a date-only `datetime` attribute plus the
    time text gives the right UTC time; tooltips, share blocks and bottom meta are dropped
    from the text, but the tags are read from the bottom meta, where kremlin.ru has them."""
    with start_site() as site:
        settings, _ = site_settings(site, tmp_path, sources=["kremlin_en"], press=[])
        feed = "/kremlin_en/events/president/news/feed"
        site.script(feed, [Reply(500)] * (1 + settings.crawl.max_retries))
        store = Store.open(settings.store.url)
        [outcome] = run_crawl(settings, store, ["kremlin_en"])
        paths = [r.path for r in site.requests]
    assert "/kremlin_en/events/president/news" in paths  # the listing
    assert "/kremlin_en/events/president/news/68656" in paths  # the article page itself
    assert outcome.parse_failures == 0 and outcome.error is None
    doc = next(d for d in store.documents.latest() if d.external_id == "68656")
    assert doc.published_at == datetime(2022, 6, 15, 11, 40, tzinfo=UTC)  # 14:40 Moscow
    assert doc.title == "Telephone conversation with President of China Xi Jinping"
    assert doc.summary and doc.paragraphs[0] == doc.summary  # the lead opens the text
    assert doc.paragraphs[1] == ("Vladimir Putin warmly congratulated Xi Jinping on his birthday "
                                 "and wished him good health and every success in his work.")
    assert doc.tags == ("Foreign policy",)  # the Topics column, inside the bottom meta
    assert not any("See also" in p or "Publication" in p or "Share" in p for p in doc.paragraphs)


def test_a_deleted_mfa_page_is_not_fetched_again(tmp_path: Path) -> None:
    with start_site() as site:
        settings, _ = site_settings(site, tmp_path, sources=["mfa_en"], press=[])
        store = Store.open(settings.store.url)
        run_crawl(settings, store, ["mfa_en"])
        deleted = "/mfa_en/eng/xw/zyxw/202206/t20220616_10704000.html"
        assert [r.status for r in site.requests_to(deleted)] == [302]
        listing = "/mfa_en/eng/xw/zyxw/index.html"
        changed = site.answer("GET", listing, Headers()).body + b"\n<!-- updated -->\n"
        site.put(listing, changed)  # the listing changes: its links are read again
        site.clear_log()
        [outcome] = run_crawl(settings, store, ["mfa_en"])
        assert [r.status for r in site.requests_to(listing)] == [200]
        assert site.requests_to(deleted) == []
    assert outcome.ok and outcome.items_stored == 0
