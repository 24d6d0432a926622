"""The daemon and the cron cycle: collect → analyse → alert → deliver, on a schedule.

`Cycle.run()` is one full pass for some sources; `run --once` (cron) is one cycle of every
enabled source. `Daemon` runs a first full cycle at start-up, then each source on its own
interval (APScheduler 3, staggered, coalescing, with a generous misfire grace time), and a
delivery pass every half minute for retries. Every crawl runs in a child process with a hard
timeout, so a hung crawl is killed and recorded and the schedule goes on. The store lock keeps
one daemon (or cron run) per store, renewed on a thread of its own (`LockKeeper`), never
behind a job; a daemon or a cron run that loses it stops with a `LockError` (exit 1, so that
systemd's Restart=on-failure starts it again). SIGTERM/SIGINT stop it cleanly. With
`[report] dir` set, each analysis pass that changed a call rewrites the report there before
alerts are delivered, so the link an alert carries leads to a page that exists.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from alerts.delivery import DeliveryReport
from alerts.service import AlertService
from rashomon.analysis.service import CallService
from rashomon.clock import Clock
from rashomon.crawl import CrawlRunner
from rashomon.errors import LockError, StoreError
from rashomon.logs import log_event
from rashomon.models import CallAnalysis, CrawlOutcome
from rashomon.report import ReportFolder
from rashomon.settings import Source
from rashomon.store.cursors import CursorRepository
from rashomon.store.lock import LockKeeper, StoreLock

log = logging.getLogger("rashomon.daemon")
DELIVERY_EVERY = 30.0  # seconds between delivery passes (retries that came due)
STAGGER = 5.0  # seconds between the sources' first scheduled checks: they stay spread
ALERTED = ("alerts", "calls_alerted_until")  # cursor: calls changed before it are alerted


@dataclass
class CycleReport:
    """What one cycle did; `ok` is False when a source or a channel failed."""

    outcomes: list[CrawlOutcome]
    analyses: list[CallAnalysis] = field(default_factory=list)
    queued: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)

    @property
    def ok(self) -> bool:
        return all(outcome.ok for outcome in self.outcomes) and self.delivery.ok


class Cycle:
    """The steps of a cycle over one store. Analysis and delivery are serialised by a lock, so
    crawl jobs finishing together never analyse or send the same thing twice."""

    def __init__(self, crawler: CrawlRunner, calls: CallService, alerts: AlertService,
                 cursors: CursorRepository, *, sources: list[str], max_call_age_days: float,
                 clock: Clock, cancel: threading.Event | None = None,
                 report: ReportFolder | None = None) -> None:
        self.crawler, self.calls, self.alerts, self.cursors = crawler, calls, alerts, cursors
        self.sources, self.max_call_age_days, self.clock = sources, max_call_age_days, clock
        self.report = report
        self.cancel = cancel or threading.Event()
        self._lock = threading.Lock()

    def collect(self, source_ids: list[str], report: CycleReport) -> list[CrawlOutcome]:
        """Crawl the sources, logging each outcome as it comes in. What they stored is
        analysed, alerted and delivered (into `report`) as soon as every source is done, before
        the crawl process has exited; and when the crawl outlasts `[crawl] slow_source_wait`,
        what the finished sources stored goes ahead while the slower ones go on: one large
        listing holds up no other source's alert for longer than that. Should such an early
        pass fail, it is logged, and the cycle's own pass after the crawl, which repeats the
        same steps, meets the error again."""
        def crawled(outcomes: list[CrawlOutcome], early: bool) -> None:
            for outcome in outcomes:
                _log_crawl(outcome)
            if not (early and any(outcome.items_stored for outcome in outcomes)):
                return
            try:
                with self._lock:
                    self._alert(report, self.clock())
            except Exception as exc:
                log_event(log, "early alert pass failed", logging.ERROR,
                          error=f"{type(exc).__name__}: {exc}")

        return self.crawler.run(source_ids, cancel=self.cancel, on_outcomes=crawled)

    def analyse(self, now: datetime) -> list[CallAnalysis]:
        """The analyses of the calls changed since the last alert pass, recent enough to alert.

        Changes are found by the calls' own change times against a mark kept in the store,
        not by what `CallService.update` returned: `rashomon calls` may have matched the new
        documents in between, and its changes must still be alerted.
        """
        return self._recent_analyses(self._changed(now), now)

    def _changed(self, now: datetime) -> list[str]:
        self.calls.update(now)
        return self.calls.changed(self._alerted_until())

    def _recent_analyses(self, changed: list[str], now: datetime) -> list[CallAnalysis]:
        analyses = [self.calls.analyse(call_id, now) for call_id in changed]
        return [analysis for analysis in analyses if self._recent(analysis, now)]

    def _alerted_until(self) -> datetime | None:
        saved = self.cursors.get(*ALERTED)
        return datetime.fromisoformat(saved.value) if saved else None

    def _recent(self, analysis: CallAnalysis, now: datetime) -> bool:
        days = self.max_call_age_days
        return not days or analysis.call.occurred_at >= now - timedelta(days=days)

    def run(self, source_ids: list[str] | None = None, wait: float = 0.0) -> CycleReport:
        """Crawl the sources (default: every enabled one), then analyse, queue alerts and
        health alerts, and deliver."""
        ids = self.sources if source_ids is None else source_ids
        report = CycleReport([])
        report.outcomes = self.collect(ids, report)
        with self._lock:
            self._alert(report, self.clock(), wait, health=ids)
        log_event(log, "cycle", sources=len(ids), calls_changed=len(report.analyses),
                  queued=report.queued, delivery=str(report.delivery))
        return report

    def _alert(self, report: CycleReport, now: datetime, wait: float = 0.0,
               health: list[str] | None = None) -> None:
        """Analyse what changed, rewrite the report folder, queue the alerts (and the health
        alerts of `health`), and deliver, adding to `report`."""
        changed = self._changed(now)
        analyses = self._recent_analyses(changed, now)
        if changed or (self.report is not None and self.report.missing):
            self.publish(now)
        report.analyses += analyses
        report.queued += self.alerts.enqueue(analyses)
        self.cursors.save(*ALERTED, now.isoformat())
        if health is not None:
            report.queued += self.alerts.check_health(health)
        report.delivery = _merged(report.delivery, self.alerts.deliver_due(wait))

    def deliver(self) -> DeliveryReport:
        with self._lock:
            return self.alerts.deliver_due()

    def publish(self, now: datetime) -> None:
        """Rewrite the report folder from every call; pages of calls gone are removed. A folder
        that cannot be written is logged, and the cycle goes on: the alerts matter more."""
        if self.report is None:
            return
        try:
            done = self.report.publish(self.calls.all(now))
        except OSError as exc:
            log_event(log, "report not written", logging.ERROR, folder=str(self.report.out),
                      error=f"{type(exc).__name__}: {exc}")
            return
        log_event(log, "report", folder=str(self.report.out), pages=done.pages,
                  removed=len(done.removed))


def _merged(earlier: DeliveryReport, later: DeliveryReport) -> DeliveryReport:
    """The delivery of two passes of one cycle: an alert left to retry in the first counts
    only if the second did not try it again; what is left for the next pass is what the
    later one left."""
    again = {attempt.id for attempt in [*later.sent, *later.retrying, *later.failed]}
    return DeliveryReport(sent=[*earlier.sent, *later.sent],
                          retrying=[*(a for a in earlier.retrying if a.id not in again),
                                    *later.retrying],
                          failed=[*earlier.failed, *later.failed], left=later.left)


def _log_crawl(outcome: CrawlOutcome) -> None:
    """One line per source: what it did, why it failed (each failed page with its reason), and
    how many new items it left for the next crawl."""
    level = logging.INFO if outcome.ok else logging.WARNING
    failures = "; ".join(outcome.failures[:3]) + ("; …" if len(outcome.failures) > 3 else "")
    log_event(log, "crawl", level, source=outcome.source_id, requests=outcome.requests,
              stored=outcome.items_stored, parse_failures=outcome.parse_failures,
              deferred=outcome.deferred,
              seconds=round((outcome.finished_at - outcome.started_at).total_seconds(), 1),
              result="ok" if outcome.ok else (outcome.error or f"parse failures: {failures}"))


def run_once(cycle: Cycle, lock: StoreLock, wait: float) -> CycleReport:
    """One full cycle of every enabled source under the store lock (the cron mode), the lock
    renewed all along; losing it cancels the cycle and is a `LockError`."""
    lock.acquire()
    keeper = LockKeeper(lock, on_lost=cycle.cancel.set, on_error=_renewal_failed).start()
    try:
        with _exit_on_sigterm(cycle.cancel):
            report = cycle.run(wait=wait)
    finally:
        keeper.stop()
        lock.release()
    if keeper.lost.is_set():
        raise _lost(lock)
    return report


def _lost(lock: StoreLock) -> LockError:
    """The error of a process whose lease was taken after it could not renew it in time."""
    holder = lock.holder() or "another process"
    return LockError(f"lost the store lock to {holder} (not renewed within "
                     f"{lock.lease.total_seconds():g} s); stopped")


def _renewal_failed(error: StoreError) -> None:
    log_event(log, "store lock not renewed", logging.WARNING, error=str(error))


@contextmanager
def _exit_on_sigterm(cancel: threading.Event) -> Iterator[None]:
    """SIGTERM ends a cron run the way Ctrl-C does: the running step is abandoned, the crawl
    child killed, the store lock released, and the exit code is 128 + 15."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, _frame: object) -> None:
        cancel.set()
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Daemon:
    """The scheduled daemon. `run()` blocks until SIGTERM/SIGINT (or `stop()`).

    A worker thread per source, and two for the start-up cycle and delivery: the jobs mostly
    wait (on a site, a crawl child, a receiver), and a source whose crawl runs long must not
    hold up another source's check; analysis and delivery are serialised by the cycle."""

    def __init__(self, cycle: Cycle, lock: StoreLock, sources: list[Source]) -> None:
        self.cycle, self.lock, self.sources = cycle, lock, sources
        self.stopping = threading.Event()
        self.keeper = LockKeeper(lock, on_lost=self._lock_lost, on_error=_renewal_failed)
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(len(sources) + 2)}, timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 900})
        self.scheduler.add_listener(self._job_problem, EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    def run(self) -> None:
        """Until stopped; a `LockError` when the store lock was lost meanwhile."""
        self.lock.acquire()
        self.keeper.start()
        try:
            self._install_signal_handlers()
            self.schedule(self.cycle.clock())
            self.scheduler.start()
            log_event(log, "daemon started", jobs=len(self.scheduler.get_jobs()))
            while not self.stopping.wait(1.0):
                pass
        finally:
            self._shutdown()
        if self.keeper.lost.is_set():
            raise _lost(self.lock)

    def schedule(self, now: datetime) -> None:
        """The start-up cycle now; each source on its interval; delivery."""
        ids = [source.id for source in self.sources]
        self.scheduler.add_job(self.cycle.run, "date", run_date=now, args=[ids],
                               id="startup", name="first full cycle")
        for number, source in enumerate(self.sources):
            first = first_check(now, source.interval_minutes, number, len(self.sources))
            self.scheduler.add_job(self.cycle.run, _interval(source), args=[[source.id]],
                                   id=f"crawl:{source.id}", name=f"crawl {source.id}",
                                   next_run_time=first)
        self.scheduler.add_job(self.cycle.deliver, "interval", seconds=DELIVERY_EVERY,
                               id="deliver", name="deliver due alerts")

    def stop(self, *_: Any) -> None:
        """Stop scheduling, end running crawls, let the running step finish."""
        self.cycle.cancel.set()
        self.stopping.set()

    def _lock_lost(self) -> None:
        log_event(log, "store lock lost; stopping", logging.ERROR,
                  holder=self.lock.holder() or "nobody")
        self.stop()

    def _shutdown(self) -> None:
        """Jobs end (the running step finishes), renewals stop, then the lock is released."""
        self.cycle.cancel.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.keeper.stop()
        self.lock.release()
        log_event(log, "daemon stopped")

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)

    def _job_problem(self, event: JobExecutionEvent) -> None:
        """A failed or missed job is logged and the schedule goes on."""
        if event.code == EVENT_JOB_MISSED:
            log_event(log, "job missed", logging.WARNING, job=event.job_id)
            return
        log_event(log, "job failed", logging.ERROR, job=event.job_id,
                  error=f"{type(event.exception).__name__}: {event.exception}")


def first_check(now: datetime, interval_minutes: int, number: int, count: int) -> datetime:
    """When the `number`-th of `count` sources is first checked after the start-up cycle:
    one interval later, minus a stagger that keeps the sources spread (`STAGGER` seconds
    apart, less when many share a short interval). Never later than one interval, so that a
    readout published just after the start-up cycle waits no longer than one published later."""
    interval = interval_minutes * 60.0
    stagger = min(STAGGER, interval / (2 * max(count, 1)))
    return now + timedelta(seconds=interval - number * stagger)


def _interval(source: Source) -> IntervalTrigger:
    """Exactly every interval, no jitter: a readout waits at most the interval plus the work
    to be alerted; the stagger of the first runs keeps the sources spread."""
    return IntervalTrigger(seconds=source.interval_minutes * 60, timezone=UTC)
