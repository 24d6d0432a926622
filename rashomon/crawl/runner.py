"""Crawl sources: check in this process what changed, crawl only that in a child process.

`CrawlRunner.run` first asks each source's feeds and listings itself, conditionally
(`rashomon.crawl.check`): a source whose every address answered 304 is recorded as crawled
(nothing changed) without starting anything. The sources that changed go to one child process
(`crawler.runner`, started by `rashomon.crawl.child`) with the answers already got; the child
writes documents and one outcome row per source, and says when each source is done. The
caller hears of the outcomes (`on_outcomes`) as soon as every source is done (before the child
has exited), or, when the crawl takes longer than `crawl.slow_source_wait` seconds, of those in
so far and then of each as it comes, while slower sources go on: what the quick sources brought
need not wait for a slow one. The
parent waits at most `crawl.crawl_timeout` seconds, kills the child after that, and records a
failed outcome for every source the child did not report. So a hung crawl never stops a
schedule, memory never accumulates in the daemon, and an idle interval costs a few conditional
requests. A backfill is a crawl in `backfill` mode with a long timeout, for the
families that have an archive to walk; it is never checked first.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx

from crawler.job import CrawlJob, Mode, Prefetched
from rashomon.clock import Clock
from rashomon.crawl.check import ConditionalCheck, SourceCheck
from rashomon.crawl.child import OnEvent, run_child
from rashomon.crawl.fetch import Answer, PacedClient
from rashomon.crawl.robots import RobotsCheck
from rashomon.errors import CrawlError
from rashomon.logs import log_event
from rashomon.models import CrawlOutcome
from rashomon.settings import CrawlConfig, Source, find_source
from rashomon.store.crawls import CrawlRepository
from rashomon.store.entrypoints import EntryPointRepository
from rashomon.store.robots import RobotsRepository
from rashomon.store.validators import ValidatorRepository

log = logging.getLogger("rashomon.crawl")
BACKFILL_TIMEOUT = 24 * 3600.0  # an archive walk is long; the crawl timeout is for routine runs
OnOutcomes = Callable[[list[CrawlOutcome], bool], None]  # (outcomes, early: the run goes on)


@dataclass(frozen=True)
class CrawlRecords:
    """The store's repositories the runner reads and writes (the child opens its own)."""

    crawls: CrawlRepository
    entry_points: EntryPointRepository
    validators: ValidatorRepository
    robots: RobotsRepository


class CrawlRunner:
    """Crawls sources in a child process; reads and completes their outcomes in the store."""

    def __init__(self, config: CrawlConfig, sources: Mapping[str, Source], store_url: str,
                 records: CrawlRecords, clock: Clock,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.config, self.sources, self.store_url = config, sources, store_url
        self.records, self.crawls, self.clock = records, records.crawls, clock
        self.transport = transport

    @cached_property
    def client(self) -> PacedClient:
        """The paced HTTP client of the checks, made on first use and kept (`close()`)."""
        return PacedClient(self.config, self.transport)

    @cached_property
    def checker(self) -> ConditionalCheck:
        robots = RobotsCheck(self.config, self.records.robots, self.client, self.clock)
        return ConditionalCheck(self.client, robots, self.records.validators,
                                self.records.entry_points, self.clock)

    def run(self, source_ids: list[str], *, mode: Mode = "crawl", since: date | None = None,
            on_event: OnEvent | None = None, on_outcomes: OnOutcomes | None = None,
            timeout: float | None = None, log_level: str = "WARNING",
            cancel: threading.Event | None = None) -> list[CrawlOutcome]:
        """Crawl `source_ids` once; one outcome per source, in that order.

        `on_outcomes` hears of every outcome once, in the calling thread: all at once when the
        last is in, or, past `slow_source_wait` seconds, as they come in; with `early` True
        when this call is not the run's end (the child is still running, or exiting).
        `on_event` gets the child's progress events. `cancel` (set on shutdown)
        ends the child early; its unfinished sources are reported as cancelled but not
        recorded: a shutdown is not the source's failure.
        """
        sources = [self.source(source_id) for source_id in source_ids]
        run = RunOutcomes(uuid.uuid4().hex, mode, self.crawls, on_outcomes,
                          self.config.slow_source_wait, expected=len(sources))
        changed: list[Source] = sources
        answers: list[Answer] = []
        if mode == "crawl":
            changed, answers = self._check(sources, run)
        if changed:
            job = CrawlJob(run_id=run.run_id, store_url=self.store_url, crawl=self.config,
                           sources=changed, mode=mode, since=since, log_level=log_level)
            self._crawl(job, answers, run, timeout or self.config.crawl_timeout, on_event,
                        cancel)
        run.finish()
        return [run.outcomes[source_id] for source_id in source_ids]

    def _check(self, sources: list[Source], run: RunOutcomes
               ) -> tuple[list[Source], list[Answer]]:
        """Record the sources that did not change; the others, and the answers got for them."""
        changed: list[SourceCheck] = []
        for check in self.checker.check(sources):
            if check.unchanged:
                run.add(self._unchanged(check))
            else:
                changed.append(check)
        return ([check.source for check in changed],
                [answer for check in changed for answer in check.answers.values()])

    def _unchanged(self, check: SourceCheck) -> CrawlOutcome:
        """A source whose every start address answered 304: each address answered, and the
        crawl is done."""
        finished = check.finished_at or self.clock()
        for url in check.addresses:
            self.records.entry_points.record(check.source.id, url, "HTTP 304", True, finished)
        count = len(check.addresses)
        return CrawlOutcome(source_id=check.source.id, started_at=check.started_at,
                            finished_at=finished, requests=count, responses={"304": count})

    def _crawl(self, job: CrawlJob, answers: list[Answer], run: RunOutcomes, timeout: float,
               on_event: OnEvent | None, cancel: threading.Event | None) -> None:
        """The child crawls `job`, served the answers already got; then every source of the
        job has an outcome."""
        started = self.clock()

        def event(event: dict[str, Any]) -> None:
            if event.get("event") == "crawled":
                run.reported(str(event.get("source")))
            elif on_event is not None:
                on_event(event)

        with tempfile.TemporaryDirectory(prefix="rashomon-crawl-") as folder:
            prefetched = _prefetched(answers, Path(folder))
            last = dict(self.client.last) if "client" in self.__dict__ else {}
            job = job.model_copy(update={"prefetched": prefetched, "last_requests": last})
            problem = run_child(job, timeout, event, cancel, on_tick=run.tick)
        record = cancel is None or not cancel.is_set()
        if problem is not None and record:
            log_event(log, "crawl process problem", logging.WARNING, problem=problem)
        run.complete(job.sources, started, self.clock(),
                     problem or "the crawl process reported nothing", record)

    def close(self) -> None:
        """Close the checks' HTTP client, if one was made."""
        if "client" in self.__dict__:
            self.client.close()

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
        return find_source(self.sources, source_id)



class RunOutcomes:
    """The outcomes of one run, each passed on once: all together once all `expected` are in,
    or as they come in once the run has lasted `hold` seconds."""

    def __init__(self, run_id: str, mode: Mode, crawls: CrawlRepository,
                 on_outcomes: OnOutcomes | None, hold: float, expected: int) -> None:
        self.run_id, self.mode, self.crawls = run_id, mode, crawls
        self.on_outcomes, self.hold, self.expected = on_outcomes, hold, expected
        self.outcomes: dict[str, CrawlOutcome] = {}
        self._unsent: list[CrawlOutcome] = []
        self._began = time.monotonic()

    def tick(self) -> None:
        """While the child runs: pass on what is in once all is in, or once the run has lasted
        `hold` seconds."""
        all_in = len(self.outcomes) >= self.expected
        if self._unsent and (all_in or time.monotonic() - self._began >= self.hold):
            self._flush(early=True)

    def finish(self) -> None:
        """The run is over: pass on what is left."""
        self._flush(early=False)

    def _flush(self, early: bool) -> None:
        batch, self._unsent = self._unsent, []
        if batch and self.on_outcomes is not None:
            self.on_outcomes(batch, early)

    def add(self, outcome: CrawlOutcome, record: bool = True) -> None:
        """An outcome of this process's own making (written to the store when `record`)."""
        if record:
            self.crawls.record(outcome, self.run_id, self.mode)
        self._known(outcome)

    def reported(self, source_id: str) -> None:
        """The child recorded this source's outcome: read it and pass it on."""
        for outcome in self.crawls.outcomes(run_id=self.run_id, source_id=source_id, limit=1):
            self._known(outcome)

    def complete(self, sources: Iterable[Source], started: datetime, finished: datetime,
                 problem: str, record: bool) -> None:
        """After the child: what it recorded but did not announce, and a failed outcome for
        each source it did not report."""
        for outcome in self.crawls.outcomes(run_id=self.run_id):
            self._known(outcome)
        for source in sources:
            if source.id not in self.outcomes:
                self.add(CrawlOutcome(source_id=source.id, started_at=started,
                                      finished_at=finished, error=problem), record)

    def _known(self, outcome: CrawlOutcome) -> None:
        if outcome.source_id not in self.outcomes:
            self.outcomes[outcome.source_id] = outcome
            self._unsent.append(outcome)


def _prefetched(answers: list[Answer], folder: Path) -> list[Prefetched]:
    """The answers, their bodies written to files in `folder` for the child to read."""
    found = []
    for number, answer in enumerate(answers):
        body = folder / f"{number}.body"
        body.write_bytes(answer.body)
        found.append(Prefetched(url=answer.url, status=answer.status,
                                headers=list(answer.headers), body_file=str(body)))
    return found
