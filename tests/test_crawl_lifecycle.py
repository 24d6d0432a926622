"""No process outlives the one that started it: `run --once` or the daemon killed in the middle
of a crawl, by SIGKILL or SIGTERM, to the process or to its whole group, leaves no crawl child
behind, and nothing is stored after it."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rashomon.store import Store
from tests.listing_site import ListingSite, source_toml
from tests.sites import ENV, run_crawl, site_settings

pytestmark = pytest.mark.slow


def wait_for(condition: Callable[[], bool], limit: float = 60.0) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def crawl_children(parent: int) -> list[int]:
    """Pids of the `crawler.runner` processes whose parent is `parent`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent(entry) == parent and _is_crawler(int(entry.name)):
            found.append(int(entry.name))
    return found


def alive_crawler(pid: int) -> bool:
    """Whether `pid` still is a crawl child (a recycled pid is something else)."""
    return _is_crawler(pid) and _state(pid) != "Z"


def _is_crawler(pid: int) -> bool:
    try:
        return b"crawler.runner" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _parent(entry: Path) -> int | None:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"


@pytest.mark.parametrize(("mode", "target", "signum"), [
    ("--once", "process", signal.SIGKILL), ("--once", "process", signal.SIGTERM),
    ("--once", "group", signal.SIGKILL), ("--once", "group", signal.SIGTERM),
    ("daemon", "process", signal.SIGKILL), ("daemon", "group", signal.SIGTERM)])
def test_killing_run_leaves_no_crawl_child(tmp_path: Path, mode: str, target: str,
                                           signum: signal.Signals) -> None:
    with ListingSite(links=400, delay=0.02) as site:
        settings, config = site_settings(site, tmp_path, sources=[], press=[],
                                         extra=source_toml("big", site))
        config.write_text(config.read_text().replace("crawl_timeout = 120",
                                                     "crawl_timeout = 600"))
        store = Store.open(settings.store.url)
        command = [sys.executable, "-m", "rashomon", "--config", str(config), "run"]
        command += ["--once"] if mode == "--once" else []
        parent = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        child = None
        try:
            assert wait_for(lambda: site.articles_served >= 5)  # the crawl is under way
            site.gate.clear()  # the next article hangs until the gate opens again
            [child] = crawl_children(parent.pid)
            if target == "process":
                os.kill(parent.pid, signum)
            else:
                os.killpg(parent.pid, signum)
            code = parent.wait(timeout=60)
            assert wait_for(lambda: not alive_crawler(child), 30), "the crawl child outlived run"
            stored, asked = len(list(store.documents.latest())), site.articles_asked
            site.gate.set()  # the requests that hung are answered: a survivor would go on now
            time.sleep(1.0)
            assert len(list(store.documents.latest())) == stored
            assert site.articles_asked == asked
        finally:
            if parent.poll() is None:
                os.killpg(parent.pid, signal.SIGKILL)
                parent.wait()
            if child is not None and alive_crawler(child):
                os.kill(child, signal.SIGKILL)  # what this test started, by its pid
            store.close()
    assert stored < 400  # it was stopped in the middle
    if signum == signal.SIGTERM and target == "process" and mode == "--once":
        assert code == 128 + signal.SIGTERM  # run --once handles SIGTERM: lock released, exit 143


def test_a_crawl_child_that_did_its_work_exits_cleanly(tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    """Its parent watch (a thread blocked reading stdin) must not keep the interpreter from
    shutting down: it once aborted every child at exit (code -6) after a second's wait."""
    with ListingSite(links=3) as site:
        settings, _ = site_settings(site, tmp_path, sources=[], press=[],
                                    extra=source_toml("big", site))
        store = Store.open(settings.store.url)
        with caplog.at_level(logging.WARNING, logger="rashomon.crawl"):
            [outcome] = run_crawl(settings, store, ["big"])
        store.close()
    assert outcome.ok and outcome.items_stored == 3
    assert [record.getMessage() for record in caplog.records] == []
