"""The daemon's memory after many cycles against the sample site.

The daemon's parts are built exactly as `rashomon run` builds them (settings from a user file
with the secret in the environment, the composition root `Rashomon`, its cycle and the store
lock), with one signed webhook channel instead of stdout. The sample site and the webhook
receiver run in another process, so their request logs do not count. Every cycle asks all
sources' feeds and listings in this process, conditionally, and crawls those that changed in a
child process (so the crawls' memory is not the daemon's), then analyses and delivers here.
After the first cycle nothing changes on the site: later cycles are the steady state of a
daemon (conditional GETs answered 304 in this process, no child, analysis of nothing new,
nothing to send).

The measurement runs in a fresh Python process, so that what other benchmarks left in memory
(`python -m benchmarks` runs them all in one process) and their child processes count neither
in the daemon's RSS nor in the crawl children's peak.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.support import (
    SECRET,
    SECRET_ENV,
    RemoteServers,
    children_peak_rss_mib,
    daemon_config,
    median,
    rss_mib,
)
from rashomon.app import Rashomon
from rashomon.settings import load_settings

CYCLES = 100
CHECKPOINTS = (1, 10, 50, 100)
TIME_LIMIT = 270.0  # seconds of cycles at most; fewer cycles are reported as such
REPOSITORY = Path(__file__).resolve().parent.parent


def main() -> None:
    """Measure in a new process (see the module docstring)."""
    try:
        subprocess.run([sys.executable, "-m", "benchmarks.bench_memory", "--measure"],
                       cwd=REPOSITORY, check=True, timeout=TIME_LIMIT + 180)
    except subprocess.SubprocessError as exc:
        print(f"memory: the measuring process failed: {exc}", flush=True)


def measure() -> None:
    os.environ[SECRET_ENV] = SECRET  # as a user would export it for `rashomon run`
    with RemoteServers() as servers, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "memory.toml"
        database = folder / "memory.db"
        config.write_text(daemon_config(servers.origin, f"sqlite:///{database}",
                                        servers.receiver_url), encoding="utf-8")
        settings = load_settings(config)
        ids = [source.id for source in settings.enabled_sources()]
        readings: dict[int, tuple[float, int]] = {0: (rss_mib(), len(gc.get_objects()))}
        seconds: list[float] = []
        failed = 0
        with Rashomon(settings) as rashomon:
            cycle, lock = rashomon.cycle, rashomon.lock()
            lock.acquire()
            try:
                start = time.monotonic()
                for number in range(1, CYCLES + 1):
                    began = time.monotonic()
                    report = cycle.run(ids)
                    seconds.append(time.monotonic() - began)
                    failed += not report.ok
                    if number in CHECKPOINTS:
                        readings[number] = (rss_mib(), len(gc.get_objects()))
                    if time.monotonic() - start > TIME_LIMIT:
                        readings[number] = (rss_mib(), len(gc.get_objects()))
                        break
            finally:
                lock.release()
        crawl_peak = children_peak_rss_mib()
        delivered = servers.received()
        size = database.stat().st_size / 1024 / 1024
    done = len(seconds)
    for number, (rss, objects) in sorted(readings.items()):
        label = "at start" if number == 0 else f"after cycle {number:3}"
        print(f"memory: daemon RSS {label}: {rss:6.1f} MiB ({objects:,} Python objects)",
              flush=True)
    last = max(readings)
    middle = max((n for n in readings if n <= last - 50), default=None)
    if middle is not None and middle >= 1:
        growth = (readings[last][0] - readings[middle][0]) / (last - middle) * 1024
        objects = (readings[last][1] - readings[middle][1]) / (last - middle)
        print(f"memory: growth over cycles {middle}–{last}: {growth:+.1f} KiB/cycle "
              f"({objects:+.0f} Python objects/cycle)", flush=True)
    print(f"memory: crawl children's peak RSS: {crawl_peak:.1f} MiB (a child only when a source "
          f"changed: the first cycle, {len(ids)} sources)", flush=True)
    steady = median(seconds[1:] or seconds)
    print(f"memory: {done} cycles of {len(ids)} sources in {sum(seconds):.0f} s (first "
          f"{seconds[0]:.1f} s, then median {steady:.1f} s); "
          f"{failed} cycle(s) not ok; {delivered} webhooks received in all; "
          f"store {size:.1f} MiB", flush=True)
    if done < CYCLES:
        print(f"memory: stopped after {done} cycles: the {TIME_LIMIT:g} s limit", flush=True)


if __name__ == "__main__":
    if "--measure" in sys.argv[1:]:
        measure()
    else:
        main()
