"""Bad input never crashes a crawl: it is a counted failure with its URL, and the rest goes on.

Also: Retry-After is honoured, a hung crawl is killed at its hard timeout, a backfill pages
back through the archive and resumes from its saved position.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from rashomon.demo.server import Reply
from rashomon.store import Store
from tests.sites import broken_source, extending, run_crawl, site_settings, start_site

pytestmark = pytest.mark.slow

def test_broken_kremlin_feed_falls_back_to_listing_and_counts_failures(tmp_path: Path) -> None:
    with start_site() as site:
        extra = extending("broken_kremlin", "kremlin_en", site.origin)
        settings, _ = site_settings(site, tmp_path, sources=[], press=[], extra=extra)
        store = Store.open(settings.store.url)
        [outcome] = run_crawl(settings, store, ["broken_kremlin"])
        paths = [r.path for r in site.requests]
    assert "/broken_kremlin/events/president/news" in paths  # the listing fallback ran
    assert outcome.parse_failures == 2  # the truncated feed and the maintenance page
    assert any(url.endswith("/news/feed") for url in outcome.failed_urls)
    assert any(url.endswith("/news/99001") for url in outcome.failed_urls)
    assert list(store.documents.latest()) == []
    assert not outcome.ok and outcome.error is None  # it ran; it failed to parse


@pytest.mark.parametrize("source_id", [
    "broken_press_truncated", "broken_press_html", "broken_press_encoding"])
def test_broken_press_feed_is_a_counted_failure(tmp_path: Path, source_id: str) -> None:
    with start_site() as site:
        extra = broken_source(source_id, "press", site.origin, '{ feed = "/feed.xml" }')
        settings, _ = site_settings(site, tmp_path, sources=[], press=["press_demo"], extra=extra)
        store = Store.open(settings.store.url)
        broken, healthy = run_crawl(settings, store, [source_id, "press_demo"])
    assert broken.parse_failures == 1 and broken.items_stored == 0
    assert broken.failed_urls[0].endswith("/feed.xml")
    assert healthy.ok and healthy.items_stored > 0  # one bad feed does not stop the others
    assert not any(d.source_id == source_id for d in store.documents.latest())


def test_mfa_page_matching_no_template_is_a_counted_failure(tmp_path: Path) -> None:
    with start_site() as site:
        extra = extending("broken_mfa", "mfa_en", site.origin)
        settings, _ = site_settings(site, tmp_path, sources=[], press=[], extra=extra)
        store = Store.open(settings.store.url)
        [outcome] = run_crawl(settings, store, ["broken_mfa"])
    assert outcome.parse_failures == 1
    assert outcome.failed_urls[0].endswith("t20220617_1.html")


def test_unreachable_source_is_an_error_not_a_crash(tmp_path: Path) -> None:
    with start_site() as site:
        settings, _ = site_settings(site, tmp_path, sources=["mfa_en"], press=[])
        site.script("/mfa_en/eng/xw/zyxw/index.html", [Reply(404)])
        store = Store.open(settings.store.url)
        [outcome] = run_crawl(settings, store, ["mfa_en"])
    assert outcome.error is not None and "HTTP 404" in outcome.error


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    with start_site() as site:
        settings, _ = site_settings(site, tmp_path, sources=[], press=["press_demo"])
        site.script("/press_demo/rss.xml", [Reply(429, {"Retry-After": "2"})])
        store = Store.open(settings.store.url)
        [outcome] = run_crawl(settings, store, ["press_demo"])
        hits = site.requests_to("/press_demo/rss.xml")
    assert [hit.status for hit in hits] == [429, 200]
    assert hits[1].time - hits[0].time >= 2.0
    assert outcome.ok and outcome.items_stored > 0


def test_a_hung_crawl_is_killed_at_its_hard_timeout(tmp_path: Path) -> None:
    with start_site() as site:
        settings, _ = site_settings(site, tmp_path, sources=[], press=["press_demo"])
        site.script("/press_demo/rss.xml", [Reply(429, {"Retry-After": "60"})])
        store = Store.open(settings.store.url)
        started = time.monotonic()
        [outcome] = run_crawl(settings, store, ["press_demo"], timeout=5)
    assert time.monotonic() - started < 15
    assert outcome.error is not None and "timed out after 5 s" in outcome.error
    assert store.crawls.outcomes(source_id="press_demo")[0].error == outcome.error


def test_backfill_pages_back_and_resumes(tmp_path: Path) -> None:
    with start_site() as site:
        settings, _ = site_settings(site, tmp_path, sources=["kremlin_en"], press=[])
        store = Store.open(settings.store.url)
        events: list[dict[str, object]] = []
        [outcome] = run_crawl(settings, store, ["kremlin_en"], mode="backfill",
                              since=date(2019, 1, 1), on_event=events.append)
        pages = [e["page"] for e in events if e.get("event") == "progress"]
        assert outcome.ok and pages == [1, 2]
        assert "62183" in {d.external_id for d in store.documents.latest()}  # only on feed page 2
        assert store.cursors.get("kremlin_en", "backfill") is None  # done: nothing to resume

        page_two = site.base_url("kremlin_en") + "/events/president/news/feed/page/2"
        store.cursors.save("kremlin_en", "backfill", page_two, "2019-01-01")
        site.clear_log()
        run_crawl(settings, store, ["kremlin_en"], mode="backfill", since=date(2019, 1, 1))
        first = next(r.path for r in site.requests if "/feed" in r.path)
    assert first.endswith("/feed/page/2")  # resumed where it stopped


def test_backfill_stops_at_since(tmp_path: Path) -> None:
    with start_site() as site:
        settings, _ = site_settings(site, tmp_path, sources=["kremlin_en"], press=[])
        store = Store.open(settings.store.url)
        run_crawl(settings, store, ["kremlin_en"], mode="backfill", since=date(2022, 6, 1))
        paths = [r.path for r in site.requests]
        stored = {d.external_id for d in store.documents.latest()}
    assert not any(path.endswith("/page/2") for path in paths)
    assert "67851" not in stored  # published 2022-02-25, before `since`
    assert "68656" in stored


def test_cli_crawl_prints_a_summary_and_fails_when_a_source_fails(tmp_path: Path) -> None:
    with start_site() as site:
        extra = broken_source("broken_press_html", "press", site.origin, '{ feed = "/feed.xml" }')
        _, config = site_settings(site, tmp_path, sources=[], press=["press_demo"], extra=extra)
        ok = _cli(config, "crawl", "press_demo")
        bad = _cli(config, "crawl", "broken_press_html")
        listing = _cli(config, "sources")
    assert ok.returncode == 0 and "press_demo" in ok.stdout and "ok" in ok.stdout
    assert bad.returncode == 1 and "parse failures" in bad.stdout
    assert "press_demo" in listing.stdout


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rashomon", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})


def test_mfa_backfill_walks_listing_pages_until_since(tmp_path: Path) -> None:
    with start_site() as site:
        walks = {}
        for since in (date(2022, 6, 1), date(2023, 1, 1)):
            folder = tmp_path / str(since)
            folder.mkdir()
            settings, _ = site_settings(site, folder, sources=["mfa_en"], press=[])
            store = Store.open(settings.store.url)
            events: list[dict[str, object]] = []
            run_crawl(settings, store, ["mfa_en"], mode="backfill", since=since,
                      on_event=events.append)
            years = {d.published_at.year for d in store.documents.latest()}
            walks[since.year] = ([(e["page"], e["done"]) for e in events], years)
    assert walks[2022] == ([(1, False), (2, True)], {2022, 2024})  # to the archive's end
    assert walks[2023] == ([(1, True)], {2024})  # page 1 already reaches 2022: stop there


def test_backfill_of_a_family_without_archive_is_refused(tmp_path: Path) -> None:
    with start_site() as site:
        _, config = site_settings(site, tmp_path, sources=["xinhua_en"], press=[])
        result = _cli(config, "backfill", "xinhua_en", "--since", "2020-01-01")
    assert result.returncode == 1
    assert "has no archive to walk" in result.stderr and "kremlin, mfa" in result.stderr


def test_a_crawl_cancelled_by_shutdown_is_not_held_against_the_source(tmp_path: Path) -> None:
    with start_site() as site:
        settings, _ = site_settings(site, tmp_path, sources=[], press=["press_demo"])
        site.script("/press_demo/rss.xml", [Reply(429, {"Retry-After": "60"})])
        store = Store.open(settings.store.url)
        cancel = threading.Event()
        threading.Timer(2.0, cancel.set).start()
        started = time.monotonic()
        [outcome] = run_crawl(settings, store, ["press_demo"], cancel=cancel)
    assert time.monotonic() - started < 10
    assert outcome.error == "crawl cancelled (shutting down)"
    assert store.crawls.outcomes(source_id="press_demo") == []  # no failure on the source's record


def test_a_page_that_failed_to_parse_keeps_no_validators(tmp_path: Path) -> None:
    """Its next crawl reads it whole (not a 304), so a repaired page is seen at once."""
    with start_site() as site:
        extra = extending("broken_kremlin", "kremlin_en", site.origin)
        settings, _ = site_settings(site, tmp_path, sources=[], press=[], extra=extra)
        store = Store.open(settings.store.url)
        run_crawl(settings, store, ["broken_kremlin"])
        stored = store.validators.get()
    source = settings.sources["broken_kremlin"]
    feed, listing = source.url(source.path("feed")), source.url(source.path("listing"))
    assert feed not in stored  # the truncated feed raised ParseError
    assert listing in stored  # the fallback listing was read in full


def test_the_backfill_bar_ends_at_100_percent(tmp_path: Path) -> None:
    """The walk reached the archive's end: the bar says so, whatever the dates covered."""
    with start_site() as site:
        _, config = site_settings(site, tmp_path, sources=["kremlin_en"], press=[])
        walked = _cli(config, "backfill", "kremlin_en", "--since", "2019-01-01")
    bars = [line for line in walked.stdout.splitlines() if "backfill to 2019-01-01" in line]
    assert walked.returncode == 0, walked.stderr
    assert bars and "100%" in bars[-1], walked.stdout
