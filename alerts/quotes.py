"""The evidence of an alert as a reader wants it: each sentence once per side, with every topic
it carries and the words that matched.

The analysis gives evidence per topic, so one sentence that carries five topics is five pieces of
evidence. An alert quotes, for each watched topic only one side raised, a sentence of that side;
a sentence that already carries the topic serves for it, so every sentence is quoted once, with
all its one-sided topics and then the context topics it also carries, each group by label.
Slack, stdout, e-mail and the webhook's `sentences` field all read these quotes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rashomon.models import CallAnalysis, Evidence, TopicFinding


@dataclass(frozen=True)
class QuotedTopic:
    """A topic a quoted sentence carries: one-sided (a divergence) or context."""

    id: str
    label: str
    watched: bool


@dataclass(frozen=True)
class Quote:
    """One sentence of one side, quoted once, with its topics in display order and the words
    that matched them."""

    side: str
    sentence: str
    language: str
    url: str
    topics: tuple[QuotedTopic, ...]
    matched: tuple[str, ...]

    @property
    def divergent(self) -> tuple[QuotedTopic, ...]:
        return tuple(topic for topic in self.topics if topic.watched)

    @property
    def context(self) -> tuple[QuotedTopic, ...]:
        return tuple(topic for topic in self.topics if not topic.watched)


def display_order(finding: TopicFinding) -> tuple[bool, str, str]:
    """Watched topics first, then context topics, each by label (the report's order too)."""
    return (not finding.watched, finding.label.casefold(), finding.topic_id)


def quotes(analysis: CallAnalysis) -> tuple[Quote, ...]:
    """The quotes of every side that raised a topic alone, side by side order of the call."""
    return tuple(quote for side in analysis.call.sides for quote in side_quotes(analysis, side))


def side_quotes(analysis: CallAnalysis, side: str) -> list[Quote]:
    """One side's quotes: for each of its one-sided topics in display order, its first
    sentence, unless a sentence already quoted carries the topic."""
    alone = sorted((f for f in analysis.asymmetric if side in f.sides), key=display_order)
    chosen: list[str] = []
    for finding in alone:
        sentences = finding.sentences(side)
        if sentences and not any(s in chosen for s in sentences):
            chosen.append(sentences[0])
    carried = [*alone, *sorted((f for f in analysis.topics if not f.watched), key=display_order)]
    return [_quote(side, sentence, carried) for sentence in chosen]


def _quote(side: str, sentence: str, findings: Iterable[TopicFinding]) -> Quote:
    topics: list[QuotedTopic] = []
    evidence: list[Evidence] = []
    for finding in findings:
        found = [e for e in finding.evidence if e.side == side and e.sentence == sentence]
        if found:
            topics.append(QuotedTopic(finding.topic_id, finding.label, finding.watched))
            evidence += found
    words = tuple(dict.fromkeys(word for item in evidence for word in item.matched))
    first = evidence[0]
    return Quote(side, sentence, first.language, first.url, tuple(topics), words)
