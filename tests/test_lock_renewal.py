"""The store lock under faults (issue 11, item 1), with real processes: a daemon whose every job
waits behind a delivery to a receiver that never answers keeps its lock, renewed on a thread of
its own; so does a cron run longer than its lease; and a daemon whose lock is taken away stops
with exit status 1 (which systemd's Restart=on-failure restarts), not 0.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from rashomon.clock import utcnow
from rashomon.demo.server import SampleSite
from rashomon.errors import LockError
from rashomon.settings import Settings
from rashomon.store import Store
from tests.faulty_servers import FaultyServer, hang
from tests.sites import ENV, site_settings, webhook

pytestmark = pytest.mark.slow
SOURCES = ["kremlin_en", "xinhua_en"]


def configured(site: SampleSite, tmp_path: Path, hook: str, *, lock: float, timeout: float,
               interval: int = 15) -> tuple[Settings, Path]:
    """Two sources of the sample site (their calls diverge), alerts to `hook`, the given lease,
    attempt time and crawl interval."""
    settings, path = site_settings(site, tmp_path, sources=SOURCES, press=[],
                                   extra=webhook(hook))
    text = path.read_text(encoding="utf-8")
    text = text.replace("[store]\n", f"[store]\nlock_seconds = {lock}\n", 1)
    text = text.replace("[alerts]\n", f"[alerts]\ntimeout = {timeout}\nconnect_timeout = 2.0\n"
                                      f"lease_seconds = {timeout + 10}\n", 1)
    for source in SOURCES:
        text = text.replace(f"[sources.{source}]\n",
                            f"[sources.{source}]\ninterval_minutes = {interval}\n", 1)
    path.write_text(text, encoding="utf-8")
    return settings, path


def rashomon(config: Path, *args: str, log: Path | None = None) -> subprocess.Popen[str]:
    """A rashomon process; its stderr to `log` (a file: nobody reads it meanwhile) or a pipe."""
    command = [sys.executable, "-m", "rashomon", "--config", str(config), *args]
    if log is None:
        return subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
    with log.open("w", encoding="utf-8") as stderr:
        return subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=stderr,
                                text=True)


def rival_refused(store: Store) -> bool:
    """Whether another process would be refused the lock now (a real attempt to take it)."""
    rival = store.lock(owner="rival in the test", lease=60)
    try:
        rival.acquire()
    except LockError:
        return True
    rival.release()
    return False


def held_by(store: Store, pid: int) -> bool:
    holder = store.lock(owner="reader").holder()
    return holder is not None and holder.startswith(f"pid {pid} on ")


def wait_until(condition: object, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.1)


def test_a_daemon_stuck_delivering_to_a_receiver_that_never_answers_keeps_its_lock(
        site: SampleSite, tmp_path: Path) -> None:
    """A 3 s lease, an attempt of up to 70 s: the start-up cycle delivers into the hung
    receiver, the delivery job (after 30 s) and the sources' crawl jobs (after 55 and 60 s)
    queue behind it, so every worker of the job pool waits. The lease is renewed regardless, and for
    80 s (over 25 leases) no other process can take the lock."""
    with FaultyServer(hang) as receiver:
        settings, config = configured(site, tmp_path, receiver.url, lock=3.0, timeout=70.0,
                                      interval=1)
        daemon = rashomon(config, "run", log=tmp_path / "daemon.log")
        store = Store.open(settings.store.url)
        try:
            wait_until(lambda: held_by(store, daemon.pid), timeout=60)
            started = time.monotonic()
            while time.monotonic() - started < 80:
                assert daemon.poll() is None, (tmp_path / "daemon.log").read_text()
                took = round(time.monotonic() - started)
                assert rival_refused(store), f"another process took the lock after {took} s"
                time.sleep(1.0)
            assert receiver.requests  # the daemon was indeed stuck delivering
            cron = subprocess.run([sys.executable, "-m", "rashomon", "--config", str(config),
                                   "run", "--once"], env=ENV, capture_output=True, text=True,
                                  timeout=60)
            assert cron.returncode == 1 and "another Rashomon process" in cron.stderr
            assert len(cron.stderr.strip().splitlines()) == 1
        finally:
            daemon.kill()
            daemon.wait()
            store.close()


def test_a_cron_run_longer_than_its_lease_keeps_its_lock(site: SampleSite,
                                                         tmp_path: Path) -> None:
    """A 2 s lease, and a delivery attempt of 8 s into a receiver that never answers: while
    it lasts (three leases and more), no other process can take the lock."""
    with FaultyServer(hang) as receiver:
        settings, config = configured(site, tmp_path, receiver.url, lock=2.0, timeout=8.0)
        cron = rashomon(config, "run", "--once", log=tmp_path / "cron.log")
        store = Store.open(settings.store.url)
        try:
            wait_until(lambda: held_by(store, cron.pid), timeout=60)
            wait_until(lambda: bool(receiver.requests), timeout=60)
            while time.monotonic() - receiver.arrivals[0] < 6.5:  # the attempt goes on
                assert cron.poll() is None, (tmp_path / "cron.log").read_text()
                assert rival_refused(store), (tmp_path / "cron.log").read_text()
                time.sleep(0.5)
        finally:
            if cron.poll() is None:
                cron.kill()
            cron.wait()
            store.close()


def test_a_daemon_whose_lock_is_taken_away_stops_with_a_failure(site: SampleSite,
                                                                tmp_path: Path) -> None:
    with FaultyServer(hang) as receiver:
        settings, config = configured(site, tmp_path, receiver.url, lock=3.0, timeout=5.0)
        daemon = rashomon(config, "run")
        store = Store.open(settings.store.url)
        try:
            wait_until(lambda: held_by(store, daemon.pid), timeout=60)
            thief = store.lock(owner="the thief", lease=600)
            thief.acquire(utcnow() + timedelta(seconds=10))  # as if the lease had run out
            _, log = daemon.communicate(timeout=120)
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
            store.close()
    assert daemon.returncode == 1, log
    last = log.strip().splitlines()[-1]
    assert last.startswith("rashomon: error: lost the store lock to the thief"), log
    assert "store lock lost; stopping" in log and "Traceback" not in log
