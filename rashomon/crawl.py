"""Run crawls in a child process with a hard timeout (the parent side of `crawler.runner`).

`CrawlRunner` sends the child one `crawler.job.CrawlJob`; the child does the crawling and
writes documents and one outcome row per source; the parent waits at most
`crawl.crawl_timeout` seconds, kills the child's whole process group after that, and records a
failed outcome for every source the child did not report. So a hung crawl never stops a
schedule, and memory never accumulates in the daemon. A backfill is a crawl in `backfill`
mode with a long timeout, for the families that have an archive to walk.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import IO, Any

from crawler.job import CrawlJob, Mode
from rashomon.clock import Clock
from rashomon.errors import ConfigError, CrawlError
from rashomon.models import CrawlOutcome
from rashomon.settings import CrawlConfig, Source
from rashomon.store.crawls import CrawlRepository

OnEvent = Callable[[dict[str, Any]], None]
BACKFILL_TIMEOUT = 24 * 3600.0  # an archive walk is long; the crawl timeout is for routine runs


class CrawlRunner:
    """Crawls sources in a child process; reads and completes their outcomes in the store."""

    def __init__(self, config: CrawlConfig, sources: Mapping[str, Source], store_url: str,
                 crawls: CrawlRepository, clock: Clock) -> None:
        self.config, self.sources, self.store_url = config, sources, store_url
        self.crawls, self.clock = crawls, clock

    def run(self, source_ids: list[str], *, mode: Mode = "crawl", since: date | None = None,
            on_event: OnEvent | None = None, timeout: float | None = None,
            log_level: str = "WARNING", cancel: threading.Event | None = None
            ) -> list[CrawlOutcome]:
        """Crawl `source_ids` once in a child process; one outcome per source, in that order.

        `cancel` (set on shutdown) ends the child early; its unfinished sources are reported
        as cancelled but not recorded: a shutdown is not the source's failure.
        """
        job = CrawlJob(run_id=uuid.uuid4().hex, store_url=self.store_url, crawl=self.config,
                       sources=[self.source(source_id) for source_id in source_ids], mode=mode,
                       since=since, log_level=log_level)
        started = self.clock()
        problem = _run_child(job, timeout or self.config.crawl_timeout, on_event, cancel)
        record = cancel is None or not cancel.is_set()
        return self._outcomes(job, started, problem, record)

    def backfill(self, source_id: str, since: date, on_event: OnEvent) -> CrawlOutcome:
        """Walk a source's archive back to `since` (the Kremlin's feed pages, the MFA's
        listings), resuming where a stopped walk to the same `since` left off."""
        self.check_backfill(source_id)
        [outcome] = self.run([source_id], mode="backfill", since=since, on_event=on_event,
                             timeout=BACKFILL_TIMEOUT)
        return outcome

    def check_backfill(self, source_id: str) -> None:
        """A backfill needs an archive to walk; a family without one is a `CrawlError`
        naming those that have one."""
        from crawler.spiders import FAMILIES  # Scrapy is imported only when a backfill runs

        source = self.source(source_id)
        if not FAMILIES[source.family].can_backfill:
            walkable = sorted(name for name, spider in FAMILIES.items() if spider.can_backfill)
            raise CrawlError(f"source {source.id!r} (family {source.family!r}) has no archive "
                             f"to walk; backfill works for the families: {', '.join(walkable)}")

    def source(self, source_id: str) -> Source:
        """A configured source; an unknown id is a `ConfigError` listing the known ones."""
        try:
            return self.sources[source_id]
        except KeyError:
            known = ", ".join(sorted(self.sources))
            raise ConfigError(f"unknown source {source_id!r} (known: {known})") from None

    def _outcomes(self, job: CrawlJob, started: datetime, problem: str | None,
                  record: bool) -> list[CrawlOutcome]:
        """What the child recorded, plus a failed outcome for each source it did not report
        (written to the store when `record`)."""
        recorded = {o.source_id: o for o in self.crawls.outcomes(run_id=job.run_id)}
        for source in job.sources:
            if source.id not in recorded:
                missing = CrawlOutcome(source_id=source.id, started_at=started,
                                       finished_at=self.clock(),
                                       error=problem or "the crawl process reported nothing")
                if record:
                    self.crawls.record(missing, job.run_id, job.mode)
                recorded[source.id] = missing
        return [recorded[source.id] for source in job.sources]


def _run_child(job: CrawlJob, timeout: float, on_event: OnEvent | None,
               cancel: threading.Event | None) -> str | None:
    """Run the child to its end or its deadline; a problem message, or None if it exited 0."""
    with tempfile.TemporaryFile() as stderr:
        child = _spawn(stderr)
        reader = threading.Thread(target=_relay, args=(child.stdout, on_event), daemon=True)
        reader.start()
        _send(child, job)
        try:
            code = _wait(child, timeout, cancel)
        finally:
            if child.poll() is None:
                _kill(child)  # before closing its pipes: a blocked reader holds them
            reader.join(timeout=5)
            _close(child)
        if code is None:
            if cancel is not None and cancel.is_set():
                return "crawl cancelled (shutting down)"
            return f"crawl timed out after {timeout:g} s and was killed"
        return None if code == 0 else _exit_problem(code, stderr)


def _wait(child: subprocess.Popen[bytes], timeout: float,
          cancel: threading.Event | None) -> int | None:
    """The child's exit code, or None at the deadline or when `cancel` is set."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        if cancel is not None and cancel.is_set():
            return None
        try:
            return child.wait(timeout=min(left, 0.5))
        except subprocess.TimeoutExpired:
            continue
    return None


def _spawn(stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler.runner"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=stderr, start_new_session=True)
    except OSError as exc:
        raise CrawlError(f"cannot start the crawl process: {exc}") from None


def _send(child: subprocess.Popen[bytes], job: CrawlJob) -> None:
    assert child.stdin is not None
    try:
        child.stdin.write(job.model_dump_json().encode("utf-8"))
        child.stdin.close()
    except BrokenPipeError:
        pass  # the child died at once; its exit code and stderr tell why


def _relay(stream: IO[bytes] | None, on_event: OnEvent | None) -> None:
    """Pass the child's progress events (JSON lines on stdout) to `on_event`."""
    assert stream is not None
    for line in stream:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if on_event is not None:
            on_event(event)


def _close(child: subprocess.Popen[bytes]) -> None:
    for stream in (child.stdin, child.stdout):
        if stream is not None:
            stream.close()


def _kill(child: subprocess.Popen[bytes]) -> None:
    """End the child and anything it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def _exit_problem(code: int, stderr: IO[bytes]) -> str:
    stderr.seek(0)
    lines = [line for line in stderr.read().decode("utf-8", "replace").splitlines()
             if line.strip()]
    last = lines[-1].strip() if lines else "no error output"
    return f"crawl process exited with code {code}: {last}"
