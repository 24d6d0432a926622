"""The channel-neutral alert: built once from an analysis, rendered by each channel.

`build_alert(analysis, previous)` decides whether there is anything to say at all:
- nothing alerted yet: a `one_sided` alert for a one-sided call, a `divergence` alert when
  the accounts diverge — the analysis's own verdict (`CallAnalysis.divergent`: at least
  `[analysis] min_divergent_topics` watched topics raised by one side only); a framing
  difference is reported in the alert but is not enough on its own —
  otherwise None: a call that does not diverge is not news;
- alerted before: an `update` listing what changed since that alert, or None when the
  picture is the same (press coverage alone does not count as a change).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from alerts.fingerprint import fingerprint
from alerts.snapshot import Snapshot, changes
from alerts.text import call_kind, place, plural
from rashomon.models import Call, CallAnalysis, Framing, PressItem, TopicFinding
from rashomon.settings.alerts import AlertType

HealthStatus = Literal["failing", "recovered", "silent"]


@dataclass(frozen=True)
class HealthNote:
    """A source's change of health, as a `source_health` alert reports it."""

    source_id: str
    source_name: str
    side: str
    status: HealthStatus
    reason: str
    since: datetime
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alert:
    """One message about one subject (a call id, or `source:<id>`), before any channel."""

    type: AlertType | Literal["test"]
    subject: str
    headline: str
    fingerprint: str
    created_at: datetime
    analysis: CallAnalysis | None = None
    snapshot: Snapshot | None = None
    leaders: tuple[str, ...] = ()
    press: tuple[PressItem, ...] = ()
    changes: tuple[str, ...] = ()
    health: HealthNote | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)  # source id → configured name
    page_url: str | None = None  # the call's page in the report, when `[report] base_url` is set

    def source_name(self, source_id: str) -> str:
        """A source as readers know it ("The Guardian: Russia"), never its id unless unnamed."""
        return self.sources.get(source_id) or source_id

    @property
    def call(self) -> Call | None:
        return None if self.analysis is None else self.analysis.call

    @property
    def asymmetric(self) -> tuple[TopicFinding, ...]:
        return () if self.analysis is None else self.analysis.asymmetric

    @property
    def framing(self) -> tuple[Framing, ...]:
        return () if self.analysis is None else self.analysis.framing

    @property
    def one_sided(self) -> bool:
        return self.analysis is not None and self.analysis.one_sided

    @property
    def topic_ids(self) -> frozenset[str]:
        """Topics a channel's `topics` filter matches: the divergent and the framed ones,
        and for a one-sided call every watched topic its one account raised."""
        framed = {t for item in self.framing for t in (item.topic_a, item.topic_b)}
        raised = self.analysis.topics if self.one_sided and self.analysis else ()
        found = {t.topic_id for t in self.asymmetric} | {t.topic_id for t in raised if t.watched}
        return frozenset(found | framed)


def build_alert(
    analysis: CallAnalysis,
    previous: Snapshot | None,
    *,
    now: datetime,
    leaders: Mapping[str, str] | None = None,
    max_press: int = 5,
    sources: Mapping[str, str] | None = None,
    page_url: str | None = None,
) -> Alert | None:
    """The alert to send about this call now, or None (see the module docstring)."""
    current = Snapshot.of(analysis)
    if previous is None:
        kind = _first_type(analysis)
        what: tuple[str, ...] = ()
    elif previous.same_picture(current):
        return None
    else:
        kind, what = "update", changes(previous, current, analysis) or ("The picture changed",)
    if kind is None:
        return None
    after = "" if previous is None else previous.fingerprint
    digest = fingerprint(kind, current.content(), after)
    names = _leader_names(analysis.call, leaders or {})
    return Alert(
        type=kind, subject=analysis.call.id, headline=headline(kind, analysis, names, what),
        fingerprint=digest, created_at=now, analysis=analysis,
        snapshot=replace(current, fingerprint=digest), leaders=names,
        press=top_press(analysis.press, max_press), changes=what, sources=dict(sources or {}),
        page_url=page_url,
    )


def _first_type(analysis: CallAnalysis) -> AlertType | None:
    if analysis.one_sided:
        return "one_sided"
    return "divergence" if analysis.divergent else None


def _leader_names(call: Call, leaders: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(leaders.get(pid, pid.replace("_", " ").title()) for pid in call.participants)


def top_press(press: tuple[PressItem, ...], limit: int) -> tuple[PressItem, ...]:
    """Pieces that discuss the discrepancy first, then the newest."""
    ranked = sorted(press, key=lambda item: (item.discusses_discrepancy, item.published_at),
                    reverse=True)
    return tuple(ranked[:limit])


def headline(kind: str, analysis: CallAnalysis, names: tuple[str, ...],
             what: tuple[str, ...]) -> str:
    call = analysis.call
    day = call.occurred_at.astimezone(UTC).strftime("%Y-%m-%d")
    subject = f"{'–'.join(names)} {call_kind(call.type)} of {day}"
    if kind == "one_sided":
        return f"Only {' and '.join(place(s) for s in call.sides)} reported the {subject}"
    if kind == "update":
        return f"Update on the {subject}: {what[0]}"
    count = plural(len(analysis.asymmetric), "topic")
    return f"{subject[0].upper()}{subject[1:]}: the accounts diverge on {count}"
