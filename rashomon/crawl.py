"""Run crawls in a child process with a hard timeout (the parent side of `crawler.runner`).

The child does the crawling and writes documents and one outcome row per source; the parent
waits at most `crawl.crawl_timeout` seconds, kills the child's whole process group after that,
and records a failed outcome for every source the child did not report. So a hung crawl
never stops a schedule, and memory never accumulates in the daemon.
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
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import IO, Any

from rashomon.errors import CrawlError
from rashomon.models import CrawlOutcome
from rashomon.settings import Settings
from rashomon.store import Store

OnEvent = Callable[[dict[str, Any]], None]


def run_crawl(settings: Settings, store: Store, source_ids: list[str], *, mode: str = "crawl",
              since: date | None = None, on_event: OnEvent | None = None,
              timeout: float | None = None, log_level: str = "WARNING",
              cancel: threading.Event | None = None) -> list[CrawlOutcome]:
    """Crawl `source_ids` once in a child process; one outcome per source, in that order.

    `cancel` (set on shutdown) ends the child early; its unfinished sources are reported
    as cancelled but not recorded: a shutdown is not the source's failure.
    """
    for source_id in source_ids:
        settings.source(source_id)  # unknown ids fail here, with the list of known ones
    run_id = uuid.uuid4().hex
    job = {"settings": settings.model_dump(mode="json"), "sources": source_ids,
           "run_id": run_id, "mode": mode, "since": since.isoformat() if since else None,
           "log_level": log_level}
    started = datetime.now(UTC)
    problem = _run_child(job, timeout or settings.crawl.crawl_timeout, on_event, cancel)
    record = cancel is None or not cancel.is_set()
    return _outcomes(store, source_ids, run_id, started, problem, mode, record)


def _run_child(job: dict[str, Any], timeout: float, on_event: OnEvent | None,
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


def _send(child: subprocess.Popen[bytes], job: dict[str, Any]) -> None:
    assert child.stdin is not None
    try:
        child.stdin.write(json.dumps(job).encode("utf-8"))
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


def _outcomes(store: Store, source_ids: list[str], run_id: str, started: datetime,
              problem: str | None, mode: str, record: bool = True) -> list[CrawlOutcome]:
    """What the child recorded, plus a failed outcome for each source it did not report
    (written to the store when `record`)."""
    recorded = {outcome.source_id: outcome for outcome in store.crawls(run_id=run_id)}
    for source_id in source_ids:
        if source_id not in recorded:
            missing = CrawlOutcome(source_id=source_id, started_at=started,
                                   finished_at=datetime.now(UTC),
                                   error=problem or "the crawl process reported nothing")
            if record:
                store.record_crawl(missing, run_id, mode)
            recorded[source_id] = missing
    return [recorded[source_id] for source_id in source_ids]
