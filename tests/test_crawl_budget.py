"""One large listing or feed cannot hold a crawl: a crawl takes at most `[crawl] max_new_items`
new items per source, newest first, says how many it left, and the next crawl takes the next
ones (the page keeps no validators, so it is read in full again)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from rashomon.demo.server import Reply
from rashomon.settings import load_settings
from rashomon.store import Store
from tests.listing_site import ListingSite, article_path, source_toml
from tests.sites import run_crawl, site_settings

pytestmark = pytest.mark.slow


def with_budget(config: Path, items: int) -> None:
    config.write_text(config.read_text().replace(
        "crawl_timeout = 120", f"crawl_timeout = 120\nmax_new_items = {items}"))


def test_a_listing_of_5000_new_links_is_taken_a_budget_at_a_time(tmp_path: Path) -> None:
    with ListingSite(links=5000) as site:
        settings, config = site_settings(site, tmp_path, sources=[], press=[],
                                         extra=source_toml("big", site))
        with_budget(config, 20)
        settings = load_settings(config, env={})
        store = Store.open(settings.store.url)
        [first] = run_crawl(settings, store, ["big"])
        [second] = run_crawl(settings, store, ["big"])
        asked = site.articles_asked
        listing = [r.status for r in site.requests_to("/big/list/big.htm")]
        newest = {site.base_url("big") + article_path(n) for n in range(40)}
    assert first.ok and first.items_stored == 20 and first.deferred == 4980
    assert second.ok and second.items_stored == 20 and second.deferred == 4960
    assert asked == 40  # no article is fetched beyond the budget
    assert listing == [200, 200]  # the listing kept no validators: read in full again
    urls = {doc.url for doc in store.documents.latest()}
    assert urls == newest  # the first 40 links of the listing


def test_a_feed_of_2000_entries_is_not_stored_whole(tmp_path: Path) -> None:
    with ListingSite() as site:
        settings, _ = site_settings(site, tmp_path, sources=[], press=["press_demo"])
        site.script("/press_demo/rss.xml", [Reply(200, {"Content-Type": "application/rss+xml"},
                                                  long_feed(site.base_url("press_demo"), 2000))])
        store = Store.open(settings.store.url)
        [outcome] = run_crawl(settings, store, ["press_demo"])
        feed = site.url("/press_demo/rss.xml")
    assert outcome.ok and outcome.items_stored == 50 and outcome.deferred == 1950  # the default
    assert len(list(store.documents.latest())) == 50
    assert store.validators.get([feed]) == {}  # read in full next time


def long_feed(base: str, entries: int) -> bytes:
    start = datetime(2024, 1, 2, tzinfo=UTC)
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}/story/{n}</link>"
        f"<pubDate>{format_datetime(start - timedelta(minutes=n))}</pubDate>"
        f"<description>Text of story {n}.</description></item>" for n in range(entries))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Long</title>'
            f"<link>{base}</link><description>d</description>{items}</channel></rss>").encode()
