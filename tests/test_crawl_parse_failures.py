"""An empty feed is not a healthy crawl, a page cut short is not a document, and every parse
failure keeps its reason: in the crawl outcome, in the log line, in `rashomon crawl` and in
`rashomon sources`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.outcome import ParseFailureMiddleware
from rashomon.demo.server import SITE_ROOT, Reply, SampleSite
from rashomon.store import Store
from tests.sites import ENV, run_crawl, site_settings

pytestmark = pytest.mark.slow

FEED = "/press_demo/rss.xml"
ARTICLE = "/xinhua_en/20220615/c2d7a1f04e3b4f1c9a6e8b2d5f7c0a93/c.html"
PAGE = (SITE_ROOT / ARTICLE.lstrip("/")).read_bytes()
HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_an_empty_feed_is_a_parse_failure_with_its_reason(site: SampleSite,
                                                           tmp_path: Path) -> None:
    settings, _ = site_settings(site, tmp_path, sources=[], press=["press_demo"])
    store = Store.open(settings.store.url)
    site.script(FEED, [Reply(200, {"Content-Type": "application/rss+xml"}, b"")])
    [outcome] = run_crawl(settings, store, ["press_demo"])
    assert not outcome.ok and outcome.parse_failures == 1
    assert outcome.failures == (f"{site.url(FEED)}: empty feed: the answer had no body",)
    assert store.crawls.outcomes(source_id="press_demo")[0].failures == outcome.failures


def test_an_article_cut_short_is_a_parse_failure_and_not_stored(site: SampleSite,
                                                                tmp_path: Path) -> None:
    settings, _ = site_settings(site, tmp_path, sources=["xinhua_en"], press=[])
    store = Store.open(settings.store.url)
    cut = PAGE[:PAGE.index(b"Chinese President Xi Jinping held") + len(b"Chinese President X")]
    site.script(ARTICLE, [Reply(200, HTML, cut)])
    [outcome] = run_crawl(settings, store, ["xinhua_en"])
    assert outcome.failures == (
        f"{site.url(ARTICLE)}: page cut short: it ends before </body> or </html>",)
    stored = {doc.url for doc in store.documents.latest()}
    assert site.url(ARTICLE) not in stored and stored  # the other articles are stored


def test_an_article_shorter_than_its_content_length_is_a_parse_failure(
        site: SampleSite, tmp_path: Path) -> None:
    settings, _ = site_settings(site, tmp_path, sources=["xinhua_en"], press=[])
    store = Store.open(settings.store.url)
    promised = {**HTML, "Content-Length": str(len(PAGE)), "Connection": "close"}
    site.script(ARTICLE, [Reply(200, promised, PAGE[: len(PAGE) // 2])] * 3)  # and its retries
    [outcome] = run_crawl(settings, store, ["xinhua_en"])
    [failure] = outcome.failures
    assert failure == (f"{site.url(ARTICLE)}: the answer was cut short: fewer bytes arrived "
                       "than its Content-Length promised")
    assert site.url(ARTICLE) not in {doc.url for doc in store.documents.latest()}


def test_any_exception_in_a_callback_is_a_counted_failure_with_its_reason() -> None:
    """Scrapy would log it and call the crawl fine (the empty feed's AttributeError did so)."""
    crawler = get_crawler()
    crawler.stats.open_spider()  # type: ignore[union-attr]
    middleware = ParseFailureMiddleware(crawler)
    response = HtmlResponse("http://x/feed", body=b"", request=Request("http://x/feed"))
    assert middleware.process_spider_exception(response, AttributeError("no 'version'")) == []
    assert crawler.stats.get_value("rashomon/failed_urls") == ["http://x/feed"]  # type: ignore[union-attr]
    assert crawler.stats.get_value("rashomon/failure_reasons") == [  # type: ignore[union-attr]
        "AttributeError: no 'version'"]


def test_the_reason_reaches_the_log_the_crawl_summary_and_the_sources_table(
        site: SampleSite, tmp_path: Path) -> None:
    _, config = site_settings(site, tmp_path, sources=[], press=["press_demo"])
    empty = Reply(200, {"Content-Type": "application/rss+xml"}, b"")
    site.script(FEED, [empty, empty])
    once = _cli(config, "run", "--once", "--log-format", "json")
    crawl = _cli(config, "crawl", "press_demo")
    listing = _cli(config, "sources")
    [line] = [json.loads(text) for text in once.stderr.splitlines()
              if text.startswith("{") and json.loads(text).get("event") == "crawl"]
    assert once.returncode == 1 and line["level"] == "warning"
    assert line["result"] == f"parse failures: {site.url(FEED)}: empty feed: the answer had no body"
    assert crawl.returncode == 1 and "empty feed: the answer had no body" in crawl.stdout
    assert "empty feed: the answer had no body" in listing.stdout


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command, in a terminal wide enough that no table wraps a reason."""
    return subprocess.run([sys.executable, "-m", "rashomon", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=120, cwd=config.parent,
                          env={**ENV, "COLUMNS": "1000"})
