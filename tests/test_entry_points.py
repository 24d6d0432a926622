"""A configured address that fails is seen, though another address of its source answers.

The crawl runs for real (child process, Scrapy, the sample site on 127.0.0.1); the sample
site answers 404 on the Kremlin's transcripts feed, on its fallback listing and on one of
Xinhua's two listings. Every crawl still succeeds, and each failing address shows in the
summary of `rashomon crawl`, in `rashomon sources` and, after `failures_before_alert` crawls,
in a source-health alert.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from rashomon.app import Rashomon
from rashomon.demo.server import Reply
from rashomon.settings import load_settings
from rashomon.store import Store
from tests.sites import site_settings, start_site

pytestmark = pytest.mark.slow

FAILING = ("/kremlin_en/events/president/transcripts/feed",  # a second feed
           "/kremlin_en/events/president/news",  # the fallback listing (read as a feed fails)
           "/xinhua_en/list/latestnews.htm")  # one of two listings


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rashomon", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"})


def test_failing_addresses_are_shown_and_alerted(tmp_path: Path) -> None:
    with start_site() as site:
        origin = site.origin
        _, config = site_settings(site, tmp_path, sources=["kremlin_en", "xinhua_en"], press=[])
        for path in FAILING:
            site.script(path, [Reply(404)] * 3)
        crawls = [cli(config, "crawl") for _ in range(3)]
        listed = cli(config, "sources")
        settings = load_settings(config, env={})
        store = Store.open(settings.store.url)
        states = {state.url.removeprefix(origin): state for state in store.entry_points.states()}
        with Rashomon(settings, store=store, stream=io.StringIO()).alerts as alerts:
            raised = alerts.check_health(["kremlin_en", "xinhua_en"])
            headlines = [message.headline for message in alerts.outbox.messages()]
        cli(config, "crawl")  # the addresses answer again (the failing fallback is asked again)
        with Rashomon(settings, store=store, stream=io.StringIO()).alerts as alerts:
            recovered = alerts.check_health(["kremlin_en", "xinhua_en"])
    assert [run.returncode for run in crawls] == [0, 0, 0]  # every crawl of both sources is ok
    for path in FAILING:
        assert (states[path].failures, states[path].last_status) == (3, "HTTP 404")
        line = f"{origin}{path}: HTTP 404 since "
        assert line in crawls[0].stdout and line in listed.stdout
        assert "(3×)" in listed.stdout and "(1×)" in crawls[0].stdout
    news = states["/kremlin_en/events/president/news/feed"]
    assert (news.last_status, news.failures) == ("HTTP 304", 0)  # unchanged since crawl 1
    assert not states["/xinhua_en/list/china-politics.htm"].failing
    assert raised == 2 and sorted(headlines) == [
        "Source Kremlin (English) is failing: 2 configured addresses keep failing",
        f"Source Xinhua (English) is failing: a configured address keeps failing: "
        f"{origin}/xinhua_en/list/latestnews.htm (HTTP 404)"]
    assert recovered == 2
