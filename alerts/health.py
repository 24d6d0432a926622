"""Health of the sources, from the crawl outcomes in the store: one alert per change, not per crawl.

A crawl is **bad** when any of these holds (`problem`):
- it stopped with an error (`CrawlOutcome.error`);
- a page or feed failed to parse (`parse_failures > 0`);
- it yielded nothing: not one response with status 2xx or 304 was received (no request
  made, every request failed or answered 4xx/5xx). A crawl that got answers but found
  nothing *new* (`items_stored == 0`) is normal and good.

A source is **failing** when its last N crawls (`[alerts.health] failures_before_alert`, 3)
were all bad, or when one of its configured addresses (a feed, a listing, a data source) failed
in the last N crawls that asked it, though the crawls themselves were good (another address
answered); it **recovers** with its next good crawl once every configured address answers
again (the states are recorded by `crawler.entrypoints`). A source with `silence_hours > 0`
is **silent** when its newest document was published longer ago than that (or, with no
document at all, since its first crawl); it recovers when a newer document appears.
Each change of state raises one `source_health` alert; the state is kept by the store's
source health repository, with a compare-and-set written together with the alert, so restarts
and parallel checks never repeat one. This module decides; the store keeps the state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.fingerprint import fingerprint
from alerts.message import Alert, HealthNote, HealthStatus
from alerts.text import utc_iso
from rashomon.models import CrawlOutcome, EntryPoint
from rashomon.settings import Source
from rashomon.settings.alerts import HealthConfig
from rashomon.store.crawls import CrawlRepository
from rashomon.store.documents import DocumentRepository
from rashomon.store.entrypoints import EntryPointRepository
from rashomon.store.health import Flag, HealthState, SourceHealthRepository
from rashomon.store.outbox import Change
from rashomon.text import utc_text


def problem(outcome: CrawlOutcome) -> str | None:
    """Why a crawl counts as bad, or None when it is good (see the module docstring)."""
    if outcome.error:
        return f"error: {outcome.error}"
    if outcome.parse_failures:
        return f"{outcome.parse_failures} page(s) failed to parse"
    if not answered(outcome):
        return f"no usable response ({outcome.requests} requests, {dict(outcome.responses)})"
    return None


def answered(outcome: CrawlOutcome) -> bool:
    """Whether any response was a 2xx or a 304 (an unchanged page is still an answer)."""
    codes = [int(code) for code, count in outcome.responses.items()
             if str(code).isdigit() and count > 0]
    return any(200 <= code < 300 or code == 304 for code in codes)


@dataclass(frozen=True)
class Transition:
    """A change of a source's health: the alert to send and the change that records it."""

    alert: Alert
    change: Change


@dataclass(frozen=True)
class HealthRecords:
    """The stored state health is judged from, and where its own state is kept."""

    crawls: CrawlRepository
    entry_points: EntryPointRepository
    documents: DocumentRepository
    health: SourceHealthRepository


class HealthChecker:
    """Turns the stored crawl outcomes, addresses and documents into health transitions."""

    def __init__(self, records: HealthRecords, sources: Mapping[str, Source],
                 config: HealthConfig, clock: Callable[[], datetime]) -> None:
        self.records, self.sources, self.config, self.clock = records, sources, config, clock

    def transitions(self, source_ids: list[str]) -> list[Transition]:
        found: list[Transition | None] = []
        for source_id in source_ids:
            source, state = self.sources[source_id], self.records.health.state(source_id)
            found += [self._failing(source, state), self._silence(source, state)]
        return [item for item in found if item is not None]

    # ------------------------------------------------------------------ failing / recovered
    def _failing(self, source: Source, state: HealthState) -> Transition | None:
        crawls = self.records.crawls.outcomes(source_id=source.id,
                                              limit=self.config.failures_before_alert)
        problems = [problem(outcome) for outcome in crawls]
        broken = self._broken_addresses(source)
        if not state.failing:
            note = self._failing_note(source, crawls, problems, broken)
            return None if note is None else self._transition(note, "failing", True)
        if crawls and problems[0] is None and not broken:
            note = _note(source, "recovered", "a crawl succeeded again", crawls[0].finished_at)
            return self._transition(note, "failing", False)
        return None

    def _failing_note(self, source: Source, crawls: list[CrawlOutcome],
                      problems: list[str | None], broken: list[EntryPoint]) -> HealthNote | None:
        """Why the source is failing: its last N crawls were bad, or an address kept failing."""
        if len(crawls) == self.config.failures_before_alert and all(problems):
            return _failing_note(source, crawls, problems)
        return _addresses_note(source, broken) if broken else None

    def _broken_addresses(self, source: Source) -> list[EntryPoint]:
        """Configured addresses that failed in each of the last N crawls that asked them."""
        configured = set(source.entry_points())
        return [address for address in self.records.entry_points.states(source.id)
                if address.url in configured
                and address.failures >= self.config.failures_before_alert]

    # ------------------------------------------------------------------ silent / recovered
    def _silence(self, source: Source, state: HealthState) -> Transition | None:
        if source.silence_hours <= 0:
            return None
        newest, reference = self.records.documents.newest_published(source.id), self._first_crawl(
            source.id)
        since = newest or reference
        if since is None:
            return None
        silent = self.clock() - since > timedelta(hours=source.silence_hours)
        if silent and not state.silent:
            note = _silent_note(source, since, newest is not None)
            return self._transition(note, "silent", True)
        if state.silent and not silent and newest is not None:
            note = _note(source, "recovered", f"a new document, published {utc_text(newest)}",
                         newest)
            return self._transition(note, "silent", False)
        return None

    def _first_crawl(self, source_id: str) -> datetime | None:
        first = self.records.crawls.oldest(source_id)
        return None if first is None else first.started_at

    def _transition(self, note: HealthNote, flag: Flag, value: bool) -> Transition:
        now = self.clock()
        change = self.records.health.flip(note.source_id, flag, value, note.since, now)
        return Transition(health_alert(note, now), change)


def _note(source: Source, status: HealthStatus, reason: str, since: datetime,
          details: tuple[str, ...] = ()) -> HealthNote:
    return HealthNote(source.id, source.name or source.id, source.side, status, reason, since,
                      details)


def _failing_note(source: Source, crawls: list[CrawlOutcome],
                  problems: list[str | None]) -> HealthNote:
    details = tuple(f"{utc_text(c.finished_at)}: {p}" for c, p in zip(crawls, problems,
                                                                        strict=True))
    details += tuple(f"failed URL: {url}" for url in crawls[0].failed_urls[:3])
    reason = f"the last {len(crawls)} crawls were bad"
    return _note(source, "failing", reason, crawls[-1].finished_at, details)


def _addresses_note(source: Source, broken: list[EntryPoint]) -> HealthNote:
    """A source that answers, but one or more of its configured addresses keep failing."""
    details = tuple(f"{a.url}: {a.last_status} since {utc_text(_since(a))} "
                    f"({a.failures} crawls in a row)" for a in broken)
    if len(broken) == 1:
        reason = f"a configured address keeps failing: {broken[0].url} ({broken[0].last_status})"
    else:
        reason = f"{len(broken)} configured addresses keep failing"
    return _note(source, "failing", reason, min(map(_since, broken)), details)


def _since(address: EntryPoint) -> datetime:
    return address.failing_since or address.checked_at


def _silent_note(source: Source, since: datetime, has_documents: bool) -> HealthNote:
    what = "no new document" if has_documents else "no document at all"
    reason = f"{what} for more than {source.silence_hours:g} h"
    return _note(source, "silent", reason, since)


def health_alert(note: HealthNote, now: datetime) -> Alert:
    """The `source_health` alert for a change; its fingerprint names the source, state, start."""
    content = {"source": note.source_id, "status": note.status, "reason": note.reason,
               "since": utc_iso(note.since)}
    return Alert(type="source_health", subject=f"source:{note.source_id}",
                 headline=_headline(note), fingerprint=fingerprint("source_health", content),
                 created_at=now, health=note)


def _headline(note: HealthNote) -> str:
    name = note.source_name
    if note.status == "recovered":
        return f"Source {name} recovered: {note.reason}"
    return f"Source {name} is {note.status}: {note.reason}"
