"""What was last alerted about a call, and what changed since.

A snapshot keeps only what makes an alert worth sending again: which sides reported the
call, their document URLs, the watched topics only one side raised, the framing differences,
and whether the call is one-sided. Press coverage is left out on purpose: a new article
is no reason to ping anyone again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts.text import place
from rashomon.models import CallAnalysis, Framing

FramingKey = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class Snapshot:
    """The picture of one call as last alerted (to one channel), with that alert's fingerprint."""

    sides: tuple[str, ...]
    documents: tuple[tuple[str, str], ...]  # (side, url), sorted
    only_in: tuple[tuple[str, tuple[str, ...]], ...]  # (side, topic ids), sorted
    framing: tuple[FramingKey, ...]
    one_sided: bool
    fingerprint: str = ""

    @classmethod
    def of(cls, analysis: CallAnalysis) -> Snapshot:
        sides = tuple(side for side in analysis.call.sides if side != "press")
        documents = sorted((doc.side, doc.url) for doc in analysis.call.documents)
        only_in = tuple((side, analysis.only_in(side)) for side in sides if analysis.only_in(side))
        framing = sorted(_framing_key(item) for item in analysis.framing)
        return cls(sides, tuple(documents), only_in, tuple(framing), analysis.one_sided)

    def content(self) -> dict[str, Any]:
        """The snapshot without its fingerprint: what the fingerprint is computed from."""
        return {
            "sides": list(self.sides),
            "documents": [list(pair) for pair in self.documents],
            "only_in": {side: list(topics) for side, topics in self.only_in},
            "framing": [list(key) for key in self.framing],
            "one_sided": self.one_sided,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.content(), "fingerprint": self.fingerprint}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        return cls(
            sides=tuple(data["sides"]),
            documents=tuple((side, url) for side, url in data["documents"]),
            only_in=tuple((side, tuple(topics)) for side, topics in data["only_in"].items()),
            framing=tuple(_key(item) for item in data["framing"]),
            one_sided=bool(data["one_sided"]),
            fingerprint=data.get("fingerprint", ""),
        )

    def same_picture(self, other: Snapshot) -> bool:
        return self.content() == other.content()

    def topics_of(self, side: str) -> tuple[str, ...]:
        return dict(self.only_in).get(side, ())


def _framing_key(item: Framing) -> FramingKey:
    return (item.label, item.side_a, item.topic_a, item.side_b, item.topic_b)


def _key(item: list[str]) -> FramingKey:
    label, side_a, topic_a, side_b, topic_b = item
    return (label, side_a, topic_a, side_b, topic_b)


def changes(previous: Snapshot, current: Snapshot, analysis: CallAnalysis) -> tuple[str, ...]:
    """What an update says, one line per change, in the order a reader cares about."""
    return (
        *_side_changes(previous, current),
        *_document_changes(previous, current, analysis),
        *_topic_changes(previous, current, analysis),
        *_framing_changes(previous, current),
    )


def _side_changes(previous: Snapshot, current: Snapshot) -> list[str]:
    arrived = [f"{place(side)}'s account arrived" for side in current.sides
               if side not in previous.sides]
    gone = [f"{place(side)}'s account is no longer found" for side in previous.sides
            if side not in current.sides]
    return arrived + gone


def _document_changes(previous: Snapshot, current: Snapshot, analysis: CallAnalysis) -> list[str]:
    """New documents of a side that had already reported (a new side is named once, above)."""
    known = set(previous.documents)
    lines = []
    for doc in analysis.call.documents:
        if (doc.side, doc.url) not in known and doc.side in previous.sides:
            lines.append(f"New {doc.kind} from {place(doc.side)} ({doc.language}): {doc.title}")
    removed = known - set(current.documents)
    lines += [f"Document withdrawn from {place(side)}: {url}" for side, url in sorted(removed)]
    return lines


def _topic_changes(previous: Snapshot, current: Snapshot, analysis: CallAnalysis) -> list[str]:
    labels = {topic.topic_id: topic.label for topic in analysis.topics}
    lines = []
    for side in sorted({*current.sides, *previous.sides}):
        before, now = set(previous.topics_of(side)), set(current.topics_of(side))
        lines += [f"New divergence: {labels.get(t, t)} — only {place(side)} mentions it"
                  for t in sorted(now - before)]
        lines += [f"{labels.get(t, t)} is no longer mentioned by {place(side)} alone"
                  for t in sorted(before - now)]
    return lines


def _framing_changes(previous: Snapshot, current: Snapshot) -> list[str]:
    added = [f"New framing difference: {key[0]}" for key in current.framing
             if key not in previous.framing]
    removed = [f"Framing difference resolved: {key[0]}" for key in previous.framing
               if key not in current.framing]
    return added + removed + _one_sided_change(previous, current)


def _one_sided_change(previous: Snapshot, current: Snapshot) -> list[str]:
    if previous.one_sided == current.one_sided:
        return []
    return ["The call is one-sided now" if current.one_sided else "The call is no longer one-sided"]
