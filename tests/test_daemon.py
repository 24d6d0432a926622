"""The daemon: its schedule, one daemon per store, no listening port, clean shutdown, and a
hung crawl that is killed while the schedule goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from rashomon.app import Rashomon
from rashomon.daemon import first_check
from rashomon.demo.receiver import Receiver
from rashomon.demo.server import Reply, SampleSite
from rashomon.store import Store
from tests.sites import ENV, site_settings, webhook

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_schedule_runs_a_first_cycle_then_each_source_on_its_interval(
        site: SampleSite, tmp_path: Path) -> None:
    settings, _ = site_settings(site, tmp_path, sources=["kremlin_en", "mfa_en"], press=[])
    with Rashomon(settings) as rashomon:
        daemon = rashomon.daemon()
        daemon.schedule(NOW)
        daemon.scheduler.start(paused=True)  # adds the jobs with their defaults, runs nothing
        jobs = {job.id: job for job in daemon.scheduler.get_jobs()}
        daemon.scheduler.shutdown(wait=False)
    assert set(jobs) == {"startup", "crawl:kremlin_en", "crawl:mfa_en", "deliver"}  # the lock
    # is renewed on a thread of its own, never in this pool (tests/test_lock_renewal.py)
    assert isinstance(jobs["startup"].trigger, DateTrigger)
    assert jobs["startup"].args == (["kremlin_en", "mfa_en"],)
    kremlin = jobs["crawl:kremlin_en"]
    assert isinstance(kremlin.trigger, IntervalTrigger)
    assert kremlin.trigger.interval == timedelta(minutes=10)
    assert kremlin.trigger.jitter is None  # exactly every interval: latency ≤ interval + work
    assert kremlin.next_run_time == NOW + timedelta(minutes=10)
    mfa = jobs["crawl:mfa_en"]
    assert mfa.next_run_time == NOW + timedelta(minutes=15, seconds=-5)  # staggered, sooner
    assert jobs["startup"].next_run_time == NOW
    assert jobs["crawl:mfa_en"].trigger.interval == timedelta(minutes=15)
    assert kremlin.coalesce and kremlin.max_instances == 1 and kremlin.misfire_grace_time >= 600


@pytest.mark.parametrize(("minutes", "count"), [(1, 13), (15, 13), (15, 400), (60, 1)])
def test_every_first_check_comes_within_one_interval_and_the_sources_stay_spread(
        minutes: int, count: int) -> None:
    """A readout published just after the start-up cycle must wait no more than one interval
    for its source's check (it once waited interval + 5 s × the source's place in the list)."""
    firsts = [first_check(NOW, minutes, number, count) for number in range(count)]
    assert all(NOW + timedelta(minutes=minutes) / 2 <= first <= NOW + timedelta(minutes=minutes)
               for first in firsts)
    assert len(set(firsts)) == count


@pytest.mark.slow
def test_daemon_alerts_refuses_a_second_instance_listens_nowhere_and_stops_cleanly(
        site: SampleSite, receiver: Receiver, tmp_path: Path) -> None:
    _, config = site_settings(site, tmp_path, extra=webhook(receiver.url))
    command = [sys.executable, "-m", "rashomon", "--config", str(config)]
    daemon = subprocess.Popen([*command, "run"], env=ENV, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        receiver.wait_for(3, timeout=120)
        assert len(receiver.requests) == 3  # the start-up cycle ran and delivered
        assert listening_sockets(daemon.pid) == set()
        for args in (["run"], ["run", "--once"]):
            rival = subprocess.run([*command, *args], env=ENV, capture_output=True, text=True,
                                   timeout=60)
            assert rival.returncode == 1
            assert "another Rashomon process" in rival.stderr
            assert len(rival.stderr.strip().splitlines()) == 1
        started = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=60) == 0
        assert time.monotonic() - started < 30
    finally:
        if daemon.poll() is None:
            daemon.kill()
        _, log = daemon.communicate()
    assert "daemon stopped" in log and "Traceback" not in log
    after = subprocess.run([*command, "run", "--once"], env=ENV, capture_output=True, text=True,
                           timeout=120)
    assert after.returncode == 0, after.stderr  # the lock was released
    assert len(receiver.requests) == 3  # and nothing is sent twice


@pytest.mark.slow
def test_a_hung_crawl_is_killed_and_the_next_cycle_runs(
        site: SampleSite, receiver: Receiver, tmp_path: Path) -> None:
    settings, config = site_settings(site, tmp_path, sources=["mfa_en"], press=[],
                                     extra=webhook(receiver.url))
    config.write_text(config.read_text().replace("crawl_timeout = 120", "crawl_timeout = 4"))
    site.script("/mfa_en/eng/xw/zyxw/index.html", [Reply(503, {"Retry-After": "120"})])
    store = Store.open(settings.store.url)
    command = [sys.executable, "-m", "rashomon", "--config", str(config), "run", "--once"]
    started = time.monotonic()
    hung = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=120)
    assert hung.returncode == 1 and time.monotonic() - started < 60
    assert "timed out after 4 s" in (store.crawls.outcomes(source_id="mfa_en")[0].error or "")
    again = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert store.crawls.outcomes(source_id="mfa_en")[0].ok


def listening_sockets(pid: int) -> set[int]:
    """Inodes of TCP sockets in LISTEN state that process `pid` holds open."""
    owned = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            owned.add(int(target[8:-1]))
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                listening.add(int(fields[9]))
    return owned & listening
