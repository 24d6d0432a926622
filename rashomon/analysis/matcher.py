"""Pairing the sides' accounts: every call document joins an existing call or creates one.

Candidates are blocked by leader pair and time (an indexed range query on the stored calls),
never compared all against all. A document joins, in order of preference:
1. the call of another page of the same event (the Kremlin's RU/EN pages share an event id);
2. the nearest call of the same leader pair within `match_window_hours`, of a compatible type,
   that has no readout yet from the same source (a second readout means a second call).
Otherwise it creates a call with a stable, readable id: `2022-06-15-putin-xi-phone` (the UTC
date of the first document seen, or its own date when it gave no time: it never changes
afterwards). A call's time is its earliest account's; an account with a time replaces the date
of accounts without one.
Re-entrant: a URL already linked is only refreshed (a new version), never linked twice.

When a document moves a call earlier in time (a late page joined by event id, processed before
the original), a call of the same pair that now fits is absorbed into it: its documents move
over and its id is retired (`Assignment.absorbed`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from rashomon.analysis.recognise import Recognition
from rashomon.models import Document
from rashomon.store.calls import CallRow, CallSession, Link

SPECIFIC = {"talks": "video"}  # a "talks" call shown to be a video call by a later document


@dataclass(frozen=True)
class Assignment:
    """Where one document went."""

    call_id: str
    created: bool = False
    changed: bool = False
    absorbed: tuple[str, ...] = ()


def compatible(a: str | None, b: str | None) -> bool:
    """Same type, unknown, or a video call the Kremlin titled "talks"."""
    return a is None or b is None or a == b or {a, b} == {"video", "talks"}


def id_base(rec: Recognition, day: str) -> str:
    """`<UTC date>-<leader>-<leader>-<type>`: `2022-06-15-putin-xi-phone`."""
    return "-".join((day, *(p.replace("_", "-") for p in rec.participants), rec.type or "call"))


def id_candidates(base: str, most: int = 99) -> list[str]:
    """`base` and its numbered variants, the ids `unique_id` may choose from."""
    return [base, *(f"{base}-{number}" for number in range(2, most + 1))]


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… when the same pair had the same type of call that day."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


class Matcher:
    """Assigns recognised documents to calls within a window of `window_hours`."""

    def __init__(self, window_hours: float) -> None:
        self.window = timedelta(hours=window_hours)

    def assign(
        self, calls: CallSession, doc: Document, rec: Recognition, now: datetime
    ) -> Assignment:
        link = calls.link(doc.url)
        if link is not None:
            return self._refresh(calls, link, doc, now)
        target = self._existing(calls, doc, rec)
        if target is None:
            return self._create(calls, doc, rec, now)
        return self._join(calls, target, doc, rec, now)

    def _refresh(
        self, calls: CallSession, link: Link, doc: Document, now: datetime
    ) -> Assignment:
        if doc.id is None or link.document_id >= doc.id:
            return Assignment(link.call_id)
        calls.relink(doc.url, doc.id)
        call = calls.get(link.call_id)
        if call is not None:
            calls.save(call, now)
        return Assignment(link.call_id, changed=True)

    def _existing(self, calls: CallSession, doc: Document, rec: Recognition) -> CallRow | None:
        if doc.external_id:
            call_id = calls.by_external_id(doc.side, doc.external_id)
            if call_id is not None:
                return calls.get(call_id)
        block = calls.candidates(rec.pair, rec.occurred_at - self.window,
                                 rec.occurred_at + self.window)
        fitting = [call for call in block if self._fits(calls, call, doc, rec)]
        return min(fitting, key=lambda call: abs(call.occurred_at - rec.occurred_at), default=None)

    def _fits(self, calls: CallSession, call: CallRow, doc: Document, rec: Recognition) -> bool:
        if not compatible(call.type, rec.type):
            return False
        return doc.kind != "readout" or doc.source_id not in _readout_sources(calls, call.id)

    def _create(
        self, calls: CallSession, doc: Document, rec: Recognition, now: datetime
    ) -> Assignment:
        base = id_base(rec, rec.day.isoformat())
        call_id = unique_id(base, calls.existing_ids(id_candidates(base)))
        call = CallRow(call_id, rec.type, rec.participants, rec.occurred_at, rec.initiator,
                       (doc.side,), date_only=rec.date_only)
        calls.create(call, now)
        calls.attach(call_id, doc)
        return Assignment(call_id, created=True, changed=True)

    def _join(
        self, calls: CallSession, call: CallRow, doc: Document, rec: Recognition, now: datetime
    ) -> Assignment:
        calls.attach(call.id, doc)
        joined = merged(call, doc, rec)
        absorbed = self._absorb(calls, joined) if joined.occurred_at < call.occurred_at else []
        for other in absorbed:
            joined = absorbed_into(joined, other)
        calls.save(joined, now)
        return Assignment(call.id, changed=True, absorbed=tuple(other.id for other in absorbed))

    def _absorb(self, calls: CallSession, call: CallRow) -> list[CallRow]:
        """Other calls of the pair that now fit `call`: their documents move into it."""
        block = calls.candidates(call.pair, call.occurred_at - self.window,
                                 call.occurred_at + self.window)
        mine = _readout_sources(calls, call.id)
        fitting = [other for other in block if other.id != call.id
                   and compatible(other.type, call.type)
                   and not mine & _readout_sources(calls, other.id)]
        for other in fitting[:1]:
            calls.move_links(other.id, call.id)
            calls.delete(other.id)
        return fitting[:1]


def _readout_sources(calls: CallSession, call_id: str) -> set[str]:
    return {link.source_id for link in calls.links(call_id) if link.kind == "readout"}


def absorbed_into(call: CallRow, other: CallRow) -> CallRow:
    """`call` after taking over the documents of `other`."""
    sides = tuple(sorted({*call.sides, *other.sides}))
    occurred_at, date_only = earliest(call.occurred_at, call.date_only,
                                      other.occurred_at, other.date_only)
    return replace(call, occurred_at=occurred_at, date_only=date_only,
                   initiator=call.initiator or other.initiator, sides=sides,
                   one_sided=call.one_sided and len(sides) < 2)


def earliest(a: datetime, a_date_only: bool, b: datetime, b_date_only: bool
             ) -> tuple[datetime, bool]:
    """The earlier of two times, a time always winning over a date without one."""
    if a_date_only != b_date_only:
        return (b, False) if a_date_only else (a, False)
    return min(a, b), a_date_only


def merged(call: CallRow, doc: Document, rec: Recognition) -> CallRow:
    """The call updated by one more document: earliest time, most specific type, sides."""
    sides = tuple(sorted({*call.sides, doc.side}))
    call_type = call.type or rec.type
    if rec.type is not None and SPECIFIC.get(call_type or "") == rec.type:
        call_type = rec.type
    occurred_at, date_only = earliest(call.occurred_at, call.date_only,
                                      rec.occurred_at, rec.date_only)
    return replace(
        call,
        type=call_type,
        occurred_at=occurred_at,
        date_only=date_only,
        initiator=call.initiator or rec.initiator,
        sides=sides,
        one_sided=call.one_sided and len(sides) < 2,
    )
