"""The crawl child process, seen from the parent: start it, feed it its job, relay its events,
wait for it to its deadline, kill it.

No process outlives the one that started it. The child stays in its parent's session and
process group, so a signal to the group (a terminal's Ctrl-C, systemd stopping the unit)
reaches both; and the parent keeps the child's stdin open for as long as the child runs, so
when the parent dies, however it dies (SIGKILL included), the child reads end-of-file there
and exits at once (`crawler.runner`, which on Linux also asks the kernel for SIGKILL on its
parent's death). The child starts no processes of its own: killing it ends the crawl.
"""

from __future__ import annotations

import contextlib
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import IO, Any

from crawler.job import STORE_FAULT, CrawlJob
from rashomon.errors import CrawlError, StoreError
from rashomon.logs import json_objects

OnEvent = Callable[[dict[str, Any]], None]
POLL = 0.5  # seconds between looks at the deadline and at `cancel`
_EXITED = {"event": "exited"}  # put on the event queue when the child's stdout closes


def run_child(job: CrawlJob, timeout: float, on_event: OnEvent | None,
              cancel: threading.Event | None, on_tick: Callable[[], None] | None = None
              ) -> str | None:
    """Run the child to its end or its deadline; a problem message, or None if it exited 0.

    `on_event` gets each event the child prints, and `on_tick` is called after each event and
    at least every `POLL` seconds, both in the calling thread, while the child runs.
    """
    with tempfile.TemporaryFile() as stderr:
        child = _spawn(stderr)
        events: queue.Queue[dict[str, Any]] = queue.Queue()
        reader = threading.Thread(target=_relay, args=(child.stdout, events), daemon=True,
                                  name="crawl-child-events")
        reader.start()
        try:
            _send(child, job)
            code = _wait(child, events, timeout, on_event, cancel, on_tick)
        finally:
            if child.poll() is None:
                _kill(child)
            reader.join(timeout=5)
            _close(child)
        if code is None:
            if cancel is not None and cancel.is_set():
                return "crawl cancelled (shutting down)"
            return f"crawl timed out after {timeout:g} s and was killed"
        return None if code == 0 else _exit_problem(code, stderr)


def _wait(child: subprocess.Popen[bytes], events: queue.Queue[dict[str, Any]], timeout: float,
          on_event: OnEvent | None, cancel: threading.Event | None,
          on_tick: Callable[[], None] | None) -> int | None:
    """Pass on the child's events until it exits; its exit code, or None at the deadline or
    when `cancel` is set."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        if cancel is not None and cancel.is_set():
            return None
        try:
            event = events.get(timeout=min(left, POLL))
        except queue.Empty:
            event = None
        if event is _EXITED:
            return _exit_code(child, deadline)
        if event is not None and on_event is not None:
            on_event(event)
        if on_tick is not None:
            on_tick()
    return None


def _exit_code(child: subprocess.Popen[bytes], deadline: float) -> int | None:
    """The exit code once the child closed its stdout (it is exiting), or None at the deadline."""
    try:
        return child.wait(timeout=max(deadline - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        return None


def _spawn(stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    """The child, in this process's own session and group (never a session of its own)."""
    try:
        return subprocess.Popen([sys.executable, "-m", "crawler.runner"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=stderr)
    except OSError as exc:
        raise CrawlError(f"cannot start the crawl process: {exc}") from None


def _send(child: subprocess.Popen[bytes], job: CrawlJob) -> None:
    """The job as one line; stdin stays open, so that its end tells the child we are gone."""
    assert child.stdin is not None
    try:
        child.stdin.write(job.model_dump_json().encode("utf-8") + b"\n")
        child.stdin.flush()
    except BrokenPipeError:
        pass  # the child died at once; its exit code and stderr tell why


def _relay(stream: IO[bytes] | None, events: queue.Queue[dict[str, Any]]) -> None:
    """Queue the child's events (JSON lines on stdout), then `_EXITED` when it closes stdout."""
    assert stream is not None
    with contextlib.suppress(ValueError, OSError):  # the pipe closed under us: the child is gone
        for event in json_objects(stream):
            events.put(event)
    events.put(_EXITED)


def _close(child: subprocess.Popen[bytes]) -> None:
    for stream in (child.stdin, child.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _kill(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        child.kill()
    child.wait()


def _exit_problem(code: int, stderr: IO[bytes]) -> str:
    """What the child's exit means; a store it could not write is the parent's `StoreError`
    too (the store is the same), said in the child's own line."""
    stderr.seek(0)
    lines = [line for line in stderr.read().decode("utf-8", "replace").splitlines()
             if line.strip()]
    last = lines[-1].strip() if lines else "no error output"
    if code == STORE_FAULT:
        raise StoreError(last)
    return f"crawl process exited with code {code}: {last}"
