"""Everything the analysis compiles from its configuration, once: topics, leaders, the
recogniser, the matcher and the press matcher, and the comparison of one call's accounts.

The analyser holds no store and reads no clock: it is given the documents and `now`. The
composition root builds one and hands it to `analysis.service.CallService`, the benchmarks
and the evaluation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from rashomon.analysis.divergence import find_topics, framing_differences, one_sided, passages_of
from rashomon.analysis.leaders import LeaderIndex
from rashomon.analysis.matcher import Assignment, Matcher
from rashomon.analysis.press import PressMatcher
from rashomon.analysis.recognise import Recogniser
from rashomon.analysis.topics import TopicIndex
from rashomon.http import web_link
from rashomon.models import Call, CallAnalysis, Document
from rashomon.settings import Source
from rashomon.settings.analysis import AnalysisConfig, FramingPair, Leader, Topic
from rashomon.store.calls import CallRow, CallSession


class Analyser:
    """Compiled topics, leaders, recogniser, matcher and press matcher."""

    def __init__(self, config: AnalysisConfig, topics: Mapping[str, Topic],
                 framing: Sequence[FramingPair], leaders: Mapping[str, Leader],
                 sources: Iterable[Source]) -> None:
        self.config, self.framing = config, list(framing)
        self.topics = TopicIndex.build(topics)
        self.topics.check_framing(self.framing)
        index = LeaderIndex(leaders)
        sources = list(sources)
        self.recogniser = Recogniser(index, config, {s.id: s.timezone for s in sources})
        self.matcher = Matcher(config.match_window_hours)
        self.press = PressMatcher(index, config.discrepancy, config.press_before_hours,
                                  config.press_after_hours)
        self.reporting = {s.side for s in sources if s.enabled and s.side != "press"}
        self.leader_sides = {i: leader.side for i, leader in leaders.items()}

    def assign(self, calls: CallSession, doc: Document, now: datetime) -> Assignment | None:
        """Match one document to its call; None when it is not an account of a call."""
        recognition = self.recogniser.recognise(doc)
        return None if recognition is None else self.matcher.assign(calls, doc, recognition, now)

    def expected_sides(self, participants: Iterable[str]) -> set[str]:
        """The participants' sides that have sources: the accounts one can expect."""
        sides = {self.leader_sides[p] for p in participants if p in self.leader_sides}
        return sides & self.reporting

    def is_one_sided(self, sides: Iterable[str], call: CallRow, now: datetime) -> bool:
        grace = self.config.one_sided_after_hours
        expected = self.expected_sides(call.participants)
        return one_sided(sides, expected, call.occurred_at, now, grace)

    def settle(self, calls: CallSession, now: datetime) -> list[str]:
        """Judge the calls whose grace period is over; ids of those found one-sided."""
        cutoff = now - timedelta(hours=self.config.one_sided_after_hours)
        flagged = []
        for call in calls.unsettled(cutoff):
            flag = self.is_one_sided(call.sides, call, now)
            calls.save(replace(call, one_sided=flag, settled=True), now)
            flagged += [call.id] if flag else []
        return flagged

    def analyse(
        self, row: CallRow, docs: Sequence[Document], press: Sequence[Document], now: datetime
    ) -> CallAnalysis:
        """Compare the accounts of one call (pure: the documents are passed in).

        This is where documents' addresses enter what alerts, the webhook payload, the report
        and `rashomon show` are made from: an address that is not http(s) (a feed's
        `javascript:` link) is dropped here, once, for all of them (`rashomon.http.web_link`)."""
        docs, press = [_linkable(doc) for doc in docs], [_linkable(doc) for doc in press]
        ordered = tuple(sorted(docs, key=lambda doc: (doc.published_at, doc.url)))
        call = Call(row.id, row.type or "call", row.participants, row.occurred_at, ordered,
                    row.initiator, row.date_only)
        topics = find_topics(self.topics, (p for doc in ordered for p in passages_of(doc)))
        framing = framing_differences(topics, self.framing, call.sides)
        items = (self.press.item(doc, row.participants) for doc in press)
        return CallAnalysis(call, topics, framing, tuple(i for i in items if i is not None),
                            self.is_one_sided(call.sides, row, now),
                            self.config.min_divergent_topics)


def _linkable(doc: Document) -> Document:
    """The document with its address kept only if it is an http(s) URL ("" otherwise)."""
    link = web_link(doc.url)
    return doc if link == doc.url else replace(doc, url=link)
