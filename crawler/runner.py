"""The crawl child process: `python -m crawler.runner` reads one `CrawlJob` as a JSON line on
stdin.

Scrapy's reactor cannot restart within a process, and long-lived crawling processes grow; so
every crawl runs here, in a fresh process the parent (`rashomon.crawl`) kills after a hard
timeout. This is the child's composition root: it opens the store once, hands it to the
Scrapy components in their settings with one host gate for all its spiders and the answers
the parent prefetched, and gives each spider its source and what the store says about it
(where a stopped backfill resumes, which addresses were failing). Progress events go to stdout
as JSON lines (`crawled` when a source's outcome is in the store); outcomes go to the store.
A store that cannot be written (`StoreError`: a full disk, a corrupt file) closes every spider at
once, and the child exits with `STORE_FAULT`, that one line last on stderr.

It never outlives its parent: the parent holds the other end of stdin open while the child
runs, so end-of-file there means the parent is gone, and the child exits at once, storing
nothing more; on Linux the kernel is also asked to kill it when its parent dies
(`PR_SET_PDEATHSIG`), which holds even if the interpreter is stuck.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import threading
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro

from crawler.archive import resume_position
from crawler.job import STORE_FAULT, CrawlJob
from crawler.middlewares import HostGate
from crawler.settings import scrapy_settings
from crawler.spiders import FAMILIES
from crawler.starts import failing_addresses
from rashomon.errors import StoreError
from rashomon.settings import CrawlConfig, Source
from rashomon.store import Store


def emit(event: dict[str, Any]) -> None:
    """One progress event for the parent, as a JSON line."""
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def spider_arguments(source: Source, store: Store, crawl: CrawlConfig, mode: str = "crawl",
                     since: date | None = None) -> dict[str, Any]:
    """What a spider parses with: its source, the crawl's mode, and the store's memory of it."""
    resume = resume_position(store.cursors, source.id, since) if mode == "backfill" else None
    return {"source": source, "mode": mode, "since": since,
            "max_pages": crawl.max_listing_pages, "resume": resume,
            "failing": failing_addresses(store.entry_points, source)}


def run(job: CrawlJob) -> None:
    store = Store.open(job.store_url)
    crawl = job.crawl
    gate = HostGate(crawl.download_delay, job.last_requests, patience=crawl.timeout * 2)
    settings = scrapy_settings(crawl, store, run_id=job.run_id, progress=emit,
                               log_level=job.log_level, prefetched=job.prefetched, gate=gate)
    process = CrawlerProcess(settings)
    store.faults.listeners.append(lambda error: call_later(0, _close_all, process, str(error)))
    for source in job.sources:
        process.crawl(FAMILIES[source.family],
                      **spider_arguments(source, store, job.crawl, job.mode, job.since))
    process.start()
    store.close()
    if store.faults.first is not None:
        raise store.faults.first


def _close_all(process: CrawlerProcess, reason: str) -> None:
    """The store cannot be written (a full disk, a corrupt file): close every spider, storing
    nothing more, rather than fetch pages whose documents would be lost; `reason` is the
    store's one line, which each crawl's outcome gives as its error."""
    for crawler in list(process.crawlers):
        if crawler.engine is not None and crawler.engine.spider is not None:
            deferred_from_coro(crawler.engine.close_spider_async(reason=reason))


PR_SET_PDEATHSIG = 1  # prctl(2)
ORPHANED = 70  # the exit code when the parent is gone (EX_SOFTWARE: nobody reads it anyway)
STDIN = 0


def read_job(fd: int = STDIN) -> CrawlJob:
    """The job: one JSON line on stdin, read from the file descriptor itself (no Python buffer
    that the watch below would hold locked while the interpreter shuts down)."""
    data = b""
    while not data.endswith(b"\n") and (chunk := os.read(fd, 1 << 16)):
        data += chunk
    return CrawlJob.model_validate_json(data)


def watch_parent(fd: int = STDIN) -> None:
    """Exit when the parent dies: at once by the kernel's signal (Linux), and at the latest
    when stdin, which only the parent holds open, reaches its end."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    threading.Thread(target=_exit_at_end, args=(fd,), daemon=True, name="parent-watch").start()


def _exit_at_end(fd: int) -> None:
    while os.read(fd, 1 << 16):  # returns b"" only at end-of-file: the parent closed it, or died
        pass
    os._exit(ORPHANED)


def main() -> None:
    job = read_job()
    watch_parent()
    try:
        run(job)
    except StoreError as exc:
        sys.stderr.write(f"{exc}\n")  # the last line of stderr: the parent raises it in turn
        sys.exit(STORE_FAULT)


if __name__ == "__main__":
    main()
