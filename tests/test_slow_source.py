"""A slow source cannot delay another source's alert: while one site's articles hang, the
sources that finished are analysed, alerted and delivered (after `slow_source_wait`), in the
same `run --once`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rashomon.demo.receiver import Receiver
from rashomon.demo.server import SampleSite
from tests.listing_site import ListingSite, source_toml
from tests.sites import ENV, site_settings, webhook

pytestmark = pytest.mark.slow


def test_the_fast_sources_alert_is_sent_while_a_slow_source_hangs(
        site: SampleSite, receiver: Receiver, tmp_path: Path) -> None:
    with ListingSite(links=100, host="127.0.0.2") as slow:  # another host, as on the web
        _, config = site_settings(site, tmp_path, extra=webhook(receiver.url)
                                  + source_toml("big", slow))
        config.write_text(config.read_text().replace(
            "crawl_timeout = 120", "crawl_timeout = 120\nslow_source_wait = 1"))
        slow.gate.clear()  # every article of the slow source hangs until the gate opens
        command = [sys.executable, "-m", "rashomon", "--config", str(config), "run", "--once"]
        run = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        try:
            alerted = len(receiver.wait_for(1, timeout=90))
            hanging = slow.articles_served == 0 and run.poll() is None
            alerted_while_hanging = alerted > 0 and hanging
            slow.gate.set()
            _, log = run.communicate(timeout=120)
        finally:
            slow.gate.set()
            if run.poll() is None:
                run.kill()
                run.wait()
    assert alerted_while_hanging
    assert run.returncode == 0, log
    assert slow.articles_served == 50  # the slow source finished too: its first 50 articles
    assert "deferred=50" in log and "source=big" in log
