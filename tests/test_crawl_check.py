"""The conditional check in the parent: an idle crawl asks each feed and listing once with its
validators and starts no crawl child; a changed one is fetched once (the child is handed the
answer); robots.txt is kept with its validators for its time to live and obeyed; and one
request at a time per host, `download_delay` apart, across the check and every spider."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

import rashomon.crawl.runner
from crawler.spiders import FAMILIES
from crawler.starts import start_addresses
from rashomon.app import Rashomon
from rashomon.crawl.fetch import PacedClient, TooSlow
from rashomon.demo.server import SampleSite
from rashomon.models import CrawlOutcome
from rashomon.settings import Settings, load_settings
from rashomon.store import Store
from tests.faulty_servers import FaultyServer, drip
from tests.sites import site_settings

pytestmark = pytest.mark.slow
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
FEED = "/press_demo/rss.xml"


def crawl(settings: Settings, store: Store, ids: list[str],
          now: datetime | None = None) -> list[CrawlOutcome]:
    """One crawl as the composition root builds it, with the clock at `now` when given."""
    clock = (lambda: now) if now is not None else None
    with Rashomon(settings, store=store, **({"clock": clock} if clock else {})) as rashomon:
        return rashomon.crawler.run(ids)


def test_an_idle_crawl_starts_no_crawl_child(site: SampleSite, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _ = site_settings(site, tmp_path)
    store = Store.open(settings.store.url)
    ids = [source.id for source in settings.enabled_sources()]
    crawl(settings, store, ids)
    site.clear_log()

    def no_child(*_: Any) -> None:
        raise AssertionError("a crawl child was started for an unchanged site")

    monkeypatch.setattr(rashomon.crawl.runner, "run_child", no_child)
    outcomes = crawl(settings, store, ids)
    asked = [(request.path, request.status) for request in site.requests]
    assert all(outcome.ok and outcome.items_stored == 0 for outcome in outcomes)
    assert {status for _, status in asked} == {304}  # conditional requests only
    assert len(asked) == len(set(asked)) == sum(outcome.requests for outcome in outcomes)
    assert all(outcome.responses == {"304": outcome.requests} for outcome in outcomes)
    states = [state for source in ids for state in store.entry_points.states(source)]
    assert states and all(state.last_status == "HTTP 304" for state in states)


def test_a_changed_feed_is_fetched_once(site: SampleSite, tmp_path: Path) -> None:
    settings, _ = site_settings(site, tmp_path, sources=[], press=["press_demo"])
    store = Store.open(settings.store.url)
    crawl(settings, store, ["press_demo"])
    feed = (site.roots[0] / FEED.lstrip("/")).read_text("utf-8")
    site.put(FEED, feed.replace("</channel>", NEW_ITEM + "</channel>"))
    site.clear_log()
    [outcome] = crawl(settings, store, ["press_demo"])
    assert [request.status for request in site.requests_to(FEED)] == [200]  # not fetched twice
    assert outcome.ok and outcome.items_stored == 1
    assert "https://news.example.org/new-piece" in {d.url for d in store.documents.latest()}


NEW_ITEM = ("<item><title>A new piece on Putin and Xi</title>"
            "<link>https://news.example.org/new-piece</link>"
            "<pubDate>Fri, 17 Jun 2022 12:00:00 GMT</pubDate>"
            "<description>Vladimir Putin and Xi Jinping spoke.</description></item>")


def test_robots_txt_is_kept_for_its_time_to_live_then_asked_conditionally(
        site: SampleSite, tmp_path: Path) -> None:
    settings, _ = site_settings(site, tmp_path, sources=[], press=["press_demo"])
    store = Store.open(settings.store.url)
    site.put("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    for hours in (0, 1, 23, 25, 26):
        crawl(settings, store, ["press_demo"], T0 + timedelta(hours=hours))
    robots = site.requests_to("/robots.txt")
    assert [request.status for request in robots] == [200, 304]  # at 0 h, and after 24 h
    assert "if-none-match" in robots[1].headers


def test_robots_txt_is_obeyed(site: SampleSite, tmp_path: Path) -> None:
    settings, _ = site_settings(site, tmp_path, sources=[], press=["press_demo"])
    store = Store.open(settings.store.url)
    site.put("/robots.txt", "User-agent: *\nDisallow: /press_demo/\n")
    [outcome] = crawl(settings, store, ["press_demo"])
    assert site.requests_to(FEED) == []
    assert not outcome.ok and "robots.txt" in (outcome.error or "")


def test_one_request_at_a_time_per_host_with_the_delay_across_spiders(
        site: SampleSite, tmp_path: Path) -> None:
    """Four sources on one host (127.0.0.1): the check, then four spiders in one child."""
    settings, config = site_settings(site, tmp_path, sources=["kremlin_en", "xinhua_en",
                                                              "mfa_en"])
    config.write_text(config.read_text().replace("download_delay = 0", "download_delay = 0.3"))
    settings = load_settings(config, env={})
    store = Store.open(settings.store.url)
    outcomes = crawl(settings, store, ["kremlin_en", "xinhua_en", "mfa_en", "press_demo"])
    arrivals = [request.time for request in site.requests]
    gaps = [later - earlier for earlier, later in pairwise(arrivals)]
    assert all(outcome.ok for outcome in outcomes) and len(arrivals) > 10
    assert min(gaps) >= 0.3


@pytest.mark.parametrize("failing", [False, True], ids=["feeds-answer", "listing-failing"])
def test_the_check_asks_what_each_spider_asks_first(failing: bool) -> None:
    """`crawler.starts` is what every family's spider requests first, for every packaged
    source (the Kremlin's fallback listing only while it is failing)."""
    for source in load_settings(env={}).sources.values():
        failed = frozenset(source.entry_points()) if failing else frozenset()
        spider = FAMILIES[source.family](source=source, failing=failed)
        assert [request.url for request in spider.discover()] == start_addresses(source, failed)


def test_a_site_that_drips_its_feed_is_cut_off_at_the_timeout(tmp_path: Path) -> None:
    """httpx's timeout bounds each read, not the exchange: a feed dripped a byte every 0.2 s
    (its 1.4 KB would take over 4 minutes) is cut off by the check at `timeout`, and the
    child's Scrapy at its own download timeout; the source fails with the reason."""
    feed = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n" + b"<rss>" * 280
    with FaultyServer(drip(feed, 0.2)) as server:
        config = tmp_path / "drip.toml"
        config.write_text(
            "[crawl]\ndownload_delay = 0\ntimeout = 2\nobey_robots = false\ncrawl_timeout = 60\n"
            f"[store]\nurl = \"sqlite:///{tmp_path / 'drip.db'}\"\n"
            "[sources.dripping]\nside = \"press\"\nlanguage = \"en\"\nfamily = \"press\"\n"
            f"base_url = \"{server.url}\"\npaths = {{ feed = \"/rss.xml\" }}\n", encoding="utf-8")
        settings = load_settings(config, env={})
        store = Store.open(settings.store.url)
        started = time.monotonic()
        [outcome] = crawl(settings, store, ["dripping"])
        took = time.monotonic() - started
    assert not outcome.ok
    assert took < 60  # the check and the child each gave up after about 2 s, not minutes
    assert outcome.error and "took longer than 2.0 seconds" in outcome.error
    client = PacedClient(settings.crawl)
    with FaultyServer(drip(feed, 0.2)) as server, pytest.raises(TooSlow, match="within 2 s"):
        client.get(f"{server.url}/rss.xml")
    client.close()
