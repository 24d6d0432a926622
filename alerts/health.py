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
Each change of state raises one `source_health` alert; the state is persisted in
`source_health`, with a compare-and-set, so restarts and parallel checks never repeat one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from alerts.config import HealthConfig
from alerts.fingerprint import fingerprint
from alerts.message import Alert, HealthNote, HealthStatus
from alerts.outbox import Guard, health_table
from alerts.text import utc_iso, utc_text
from rashomon.models import CrawlOutcome, EntryPoint
from rashomon.settings import Source
from rashomon.store import Store
from rashomon.store.schema import documents


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
class HealthState:
    failing: bool = False
    silent: bool = False


@dataclass(frozen=True)
class Transition:
    """A change of a source's health: the alert to send and the guard that records it."""

    alert: Alert
    guard: Guard


class HealthChecker:
    """Turns the store's crawl outcomes and documents into health transitions."""

    def __init__(self, store: Store, sources: Mapping[str, Source], config: HealthConfig,
                 clock: Callable[[], datetime]) -> None:
        self.store, self.sources, self.config, self.clock = store, sources, config, clock

    def transitions(self, source_ids: list[str]) -> list[Transition]:
        found: list[Transition | None] = []
        for source_id in source_ids:
            source, state = self.sources[source_id], self.state(source_id)
            found += [self._failing(source, state), self._silence(source, state)]
        return [item for item in found if item is not None]

    # ------------------------------------------------------------------ failing / recovered
    def _failing(self, source: Source, state: HealthState) -> Transition | None:
        crawls = self.store.crawls(source_id=source.id, limit=self.config.failures_before_alert)
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
        return [address for address in self.store.entry_points(source.id)
                if address.url in configured
                and address.failures >= self.config.failures_before_alert]

    # ------------------------------------------------------------------ silent / recovered
    def _silence(self, source: Source, state: HealthState) -> Transition | None:
        if source.silence_hours <= 0:
            return None
        newest, reference = self._newest_document(source.id), self._first_crawl(source.id)
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

    def _newest_document(self, source_id: str) -> datetime | None:
        query = select(func.max(documents.c.published_at)).where(
            documents.c.source_id == source_id)
        with self.store.engine.connect() as conn:
            return conn.execute(query).scalar()

    def _first_crawl(self, source_id: str) -> datetime | None:
        crawls = self.store.crawls(source_id=source_id)
        return crawls[-1].started_at if crawls else None

    # ------------------------------------------------------------------ state
    def state(self, source_id: str) -> HealthState:
        query = select(health_table.c.failing, health_table.c.silent).where(
            health_table.c.source_id == source_id)
        with self.store.engine.connect() as conn:
            row = conn.execute(query).first()
        return HealthState() if row is None else HealthState(bool(row[0]), bool(row[1]))

    def _transition(self, note: HealthNote, flag: str, value: bool) -> Transition:
        alert = health_alert(note, self.clock())
        return Transition(alert, _flip(note.source_id, flag, value, note.since, self.clock()))


def _flip(source_id: str, flag: str, value: bool, since: datetime, now: datetime) -> Guard:
    """A guard that sets `flag` to `value` only if it still has the other value."""
    values: dict[str, Any] = {flag: value, f"{flag}_since": since if value else None,
                              "updated_at": now}

    def guard(conn: Connection) -> bool:
        _ensure_row(conn, source_id, now)
        update = health_table.update().where(
            health_table.c.source_id == source_id, health_table.c[flag] == (not value))
        return conn.execute(update.values(values)).rowcount == 1

    return guard


def _ensure_row(conn: Connection, source_id: str, now: datetime) -> None:
    exists = select(health_table.c.source_id).where(health_table.c.source_id == source_id)
    if conn.execute(exists).first() is None:
        try:
            with conn.begin_nested():
                conn.execute(health_table.insert().values(
                    source_id=source_id, failing=False, silent=False, updated_at=now))
        except IntegrityError:
            pass  # another process created it a moment ago: the UPDATE decides


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
