"""Run crawls in a child process with a hard timeout (the parent side of `crawler.runner`).

`CrawlRunner` sends the child one `crawler.job.CrawlJob`; the child does the crawling and
writes documents and one outcome row per source; the parent waits at most
`crawl.crawl_timeout` seconds, kills the child after that (`rashomon.crawl.child`), and records
a failed outcome for every source the child did not report. So a hung crawl never stops a
schedule, and memory never accumulates in the daemon. A backfill is a crawl in `backfill`
mode with a long timeout, for the families that have an archive to walk.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from datetime import date, datetime

from crawler.job import CrawlJob, Mode
from rashomon.clock import Clock
from rashomon.crawl.child import OnEvent, run_child
from rashomon.errors import ConfigError, CrawlError
from rashomon.models import CrawlOutcome
from rashomon.settings import CrawlConfig, Source
from rashomon.store.crawls import CrawlRepository

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
        problem = run_child(job, timeout or self.config.crawl_timeout, on_event, cancel)
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
