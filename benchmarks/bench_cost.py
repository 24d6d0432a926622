"""What Rashomon costs when nothing happens: CPU per idle hour, bytes per idle crawl.

Thirteen sources on the sample site (served on 127.0.0.1 by this process): the six official
ones, the demo press feed, and the six packaged press sources pointed at the demo feed. The
site root serves a robots.txt of a news site's size (`ROBOTS`, 2.4 KB). Every figure is for
the process tree of Rashomon only (the daemon or `run --once`, and any crawl child it
started), never for the site.

- Bytes: a first crawl of an empty store ("cold") and the crawl after it, when nothing changed
  ("idle"), through a TCP proxy that counts every byte both ways.
- Daemon, one idle hour with every source on a 15-minute interval: two daemons run side by
  side for `WINDOW` seconds once their start-up cycles are over. One has every source on a
  one-minute interval (checks), the other on 60 minutes (none in the window: only the delivery
  pass, the lock renewal and the scheduler). Their difference over the checks logged gives
  the CPU of one source's check; an hour is 52 checks (13 sources × 4) plus an hour of the
  second daemon.
- cron, one idle hour at `*/15`: four idle `run --once`, each measured as a whole process tree
  (median of `RUNS`).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from benchmarks.support import log_events, median
from rashomon.app import Rashomon
from rashomon.demo.sample import DEFAULT_PRESS, OFFICIAL_SOURCES
from rashomon.demo.server import SampleSite
from rashomon.settings import load_settings

WINDOW = 180.0  # seconds of idle daemon measured
RUNS = 3
STARTUP_LIMIT = 120.0
HOUR_CHECKS = 13 * 4  # 13 sources on 15-minute intervals
TICK = os.sysconf("SC_CLK_TCK")
ROBOTS = "User-agent: *\n" + "".join(
    f"Disallow: /{section}/{kind}/\n" for section in
    ("search", "print", "api", "static", "admin", "export", "login", "tmp", "archive-search",
     "mobile", "share", "rss-test", "preview", "cache", "widgets", "counters", "forms",
     "calendar-export", "stream", "video-embed")
    for kind in ("json", "xml", "amp", "text", "pdf")) + "\nSitemap: /sitemap.xml\n"


def config_text(origin: str, store_url: str, interval: int) -> str:
    """Thirteen sources on the sample site, each on `interval` minutes."""
    lines = ["[crawl]", "download_delay = 0", "timeout = 10", "crawl_timeout = 120", "",
             "[store]", f'url = "{store_url}"', "",
             "[alerts]", "max_call_age_days = 0", ""]
    for source_id in OFFICIAL_SOURCES:
        lines += [f"[sources.{source_id}]", f'base_url = "{origin}/{source_id}"',
                  "silence_hours = 0", f"interval_minutes = {interval}", ""]
    for source_id in ("press_demo", *DEFAULT_PRESS):
        if source_id == "press_demo":
            lines += [f"[sources.{source_id}]", 'side = "press"', 'language = "en"',
                      'family = "press"']
        else:
            lines += [f"[sources.{source_id}]"]
        lines += [f'base_url = "{origin}/press_demo"', 'paths = { feed = "/rss.xml" }',
                  "silence_hours = 0", f"interval_minutes = {interval}", "enabled = true", ""]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- bytes


class CountingProxy:
    """A TCP proxy on 127.0.0.1 in front of `upstream`, counting the bytes it passes each way:
    `sent` (requests, to the site) and `received` (answers, from it)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream, self.sent, self.received = upstream, 0, 0
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            for source, sink, way in ((client, server, "sent"), (server, client, "received")):
                threading.Thread(target=self._pump, args=(source, sink, way),
                                 daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, way: str) -> None:
        try:
            while data := source.recv(65536):
                with self._lock:
                    setattr(self, way, getattr(self, way) + len(data))
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._server.close()


def crawl_bytes(site: SampleSite, folder: Path) -> list[tuple[int, int]]:
    """(received, sent) bytes of a cold crawl and of the idle crawl after it (13 sources)."""
    proxy = CountingProxy((site.host, site.port))
    config = folder / "bytes.toml"
    config.write_text(config_text(proxy.origin, f"sqlite:///{folder / 'bytes.db'}", 15))
    settings = load_settings(config, env={})
    ids = [source.id for source in settings.enabled_sources()]
    counted = []
    with Rashomon(settings) as rashomon:
        for _ in range(2):
            before = (proxy.received, proxy.sent)
            rashomon.crawler.run(ids)
            time.sleep(0.2)  # the last bytes through the proxy
            counted.append((proxy.received - before[0], proxy.sent - before[1]))
    proxy.close()
    return counted


# ---------------------------------------------------------------- CPU


def cpu_seconds(pid: int) -> float:
    """CPU of a running process and of its children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICK


@contextmanager
def daemon(config: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "rashomon", "--config", str(config), "run",
               "--log-format", "json"]
    with open(log, "wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr,
                                   cwd=config.parent)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def started(log: Path, process: subprocess.Popen[bytes]) -> bool:
    end = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < end and process.poll() is None:
        if any(entry.get("event") == "cycle" for entry in log_events(log)):
            return True
        time.sleep(0.5)
    return False


def idle_daemons(site: SampleSite, folder: Path) -> tuple[float, int, float]:
    """(CPU of the one-minute daemon, its checks, CPU of the 60-minute daemon) over WINDOW."""
    paths = {}
    for interval in (1, 60):
        config = folder / f"daemon-{interval}.toml"
        config.write_text(config_text(site.origin, f"sqlite:///{folder / f'd{interval}.db'}",
                                      interval))
        paths[interval] = (config, folder / f"daemon-{interval}.log")
    with daemon(*paths[1]) as checking, daemon(*paths[60]) as quiet:
        if not (started(paths[1][1], checking) and started(paths[60][1], quiet)):
            raise RuntimeError("a daemon's start-up cycle did not finish")
        time.sleep(5)
        begin = time.time()
        cpu = [cpu_seconds(checking.pid), cpu_seconds(quiet.pid)]
        time.sleep(WINDOW)
        cpu = [cpu_seconds(checking.pid) - cpu[0], cpu_seconds(quiet.pid) - cpu[1]]
        end = time.time()
    checks = sum(1 for entry in log_events(paths[1][1]) if entry.get("event") == "crawl"
                 and begin <= _epoch(str(entry.get("ts", ""))) <= end)
    return cpu[0], checks, cpu[1]


def _epoch(stamp: str) -> float:
    try:
        return datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return 0.0


def run_once_cpu(site: SampleSite, folder: Path) -> list[float]:
    """CPU of idle `run --once` processes (with any child), after a first, cold one."""
    config = folder / "cron.toml"
    config.write_text(config_text(site.origin, f"sqlite:///{folder / 'cron.db'}", 15))
    command = [sys.executable, "-m", "rashomon", "--config", str(config), "run", "--once"]
    subprocess.run(command, capture_output=True, check=False, cwd=folder, timeout=300)
    seconds = []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, capture_output=True, check=False, cwd=folder, timeout=300)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return seconds


def main() -> None:
    with SampleSite() as site, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        site.put("/robots.txt", ROBOTS)
        (cold_in, cold_out), (idle_in, idle_out) = crawl_bytes(site, folder)
        cold, idle = cold_in + cold_out, idle_in + idle_out
        print(f"cost: bytes of a crawl of 13 sources, downloaded: cold {cold_in:,}, idle "
              f"{idle_in:,} = {idle_in / cold_in:.1%} of cold; both ways: cold {cold:,}, idle "
              f"{idle:,} = {idle / cold:.1%} (robots.txt {len(ROBOTS):,} bytes)", flush=True)
        once = run_once_cpu(site, folder)
        print(f"cost: one idle `run --once` of 13 sources: {median(once):.2f} s CPU "
              f"(median of {RUNS}: {', '.join(f'{s:.2f}' for s in once)}); an idle hour "
              f"from cron at */15: {4 * median(once):.1f} s CPU", flush=True)
        checking, checks, quiet = idle_daemons(site, folder)
    per_check = max(checking - quiet, 0.0) / max(checks, 1)
    hour = HOUR_CHECKS * per_check + quiet * 3600 / WINDOW
    print(f"cost: daemon over {WINDOW:g} s idle: {checking:.2f} s CPU for {checks} source "
          f"checks, {quiet:.2f} s with none (delivery, lock, scheduler) → {per_check * 1000:.0f} "
          f"ms per check; an idle hour of 13 sources at 15 minutes: {HOUR_CHECKS} checks + an "
          f"hour of the rest = {hour:.1f} s CPU", flush=True)


if __name__ == "__main__":
    main()
