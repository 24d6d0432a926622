"""Comparing accounts by topic: who mentioned what, with the sentences as evidence.

Topics are language-free ids, so a Russian Kremlin text compares against a Chinese Xinhua text.
A topic mentioned by one side only is asymmetric; watched asymmetric topics are the divergences.
Framing pairs turn two asymmetries into one finding: one side names the US where the other
speaks of "external forces".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import permutations

from rashomon.analysis.topics import TopicIndex
from rashomon.models import Document, Evidence, Framing, TopicFinding
from rashomon.settings.analysis import FramingPair


@dataclass(frozen=True)
class Passage:
    """A piece of one side's account: a text in one language, from one URL."""

    side: str
    text: str
    language: str
    url: str = ""


def passages_of(doc: Document) -> list[Passage]:
    """A document as one passage: title, lead and body, a line each (a line break always ends
    a sentence, so nothing runs on from one part into the next)."""
    parts = [part for part in (doc.title, doc.summary, *doc.paragraphs) if part.strip()]
    return [Passage(doc.side, "\n".join(parts), doc.language, doc.url)] if parts else []


def find_topics(index: TopicIndex, passages: Iterable[Passage]) -> tuple[TopicFinding, ...]:
    """Every topic any passage mentions, sorted by id, with de-duplicated evidence; a topic
    is left out where one of the passages' sides is in its `skip_sides`."""
    evidence: dict[str, dict[tuple[str, str], Evidence]] = {}
    sides: set[str] = set()
    for passage in passages:
        sides.add(passage.side)
        for mention in index.mentions(passage.text, passage.language):
            found = evidence.setdefault(mention.topic_id, {})
            key = (passage.side, mention.sentence)
            if key not in found:
                found[key] = Evidence(passage.side, mention.sentence, passage.url,
                                      passage.language, mention.matched)
    kept = sorted(t for t in evidence if not index.topics[t].skip_sides & sides)
    return tuple(_finding(index, topic_id, evidence[topic_id]) for topic_id in kept)


def _finding(
    index: TopicIndex, topic_id: str, evidence: dict[tuple[str, str], Evidence]
) -> TopicFinding:
    topic = index.topics[topic_id]
    return TopicFinding(topic_id, topic.label, topic.watched, tuple(evidence.values()))


def framing_differences(
    findings: Sequence[TopicFinding], pairs: Iterable[FramingPair], sides: Sequence[str]
) -> tuple[Framing, ...]:
    """Pairs where one side names `a` (and not `b`) and another names `b` (and not `a`)."""
    by_topic = {finding.topic_id: finding.sides for finding in findings}
    found = []
    for pair in pairs:
        for x, y in permutations(sides, 2):
            a_sides, b_sides = by_topic.get(pair.a, frozenset()), by_topic.get(pair.b, frozenset())
            if x in a_sides - b_sides and y in b_sides - a_sides:
                found.append(Framing(pair.label, x, pair.a, y, pair.b))
    return tuple(found)


def asymmetric(findings: Iterable[TopicFinding], side: str, sides: Sequence[str]) -> list[str]:
    """Ids of the topics (watched or not) that only `side` of `sides` mentions."""
    return sorted(f.topic_id for f in findings if f.sides & set(sides) == {side})


def one_sided(
    present: Iterable[str], expected: Iterable[str], occurred_at: datetime, now: datetime,
    grace_hours: float,
) -> bool:
    """Only one of the sides that publish accounts reported the call, and the grace is over."""
    present, expected = set(present), set(expected)
    if len(expected) < 2 or len(present & expected) != 1:
        return False
    return now - occurred_at >= timedelta(hours=grace_hours)
