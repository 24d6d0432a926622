"""The analysis entry points, for the daemon, the alerts and the CLI.

- `update_calls(store, settings, now) -> list[str]`: recognise and match the documents stored
  since the last run (a high-water mark of document ids kept in the store); returns the ids of
  the calls created or changed (a new document, a new version, or now one-sided). Re-entrant:
  running it again does nothing new; an interrupted run is safely repeated. Rarely, a late
  document shows two stored calls to be one: the later one is absorbed and its id retired.
- `analyse_call(store, settings, call_id, now) -> CallAnalysis`: the comparison of one call's
  accounts by topic, framing, press coverage and one-sided state at `now`.
- `list_calls(store, settings, now, since=None) -> list[CallAnalysis]`: every stored call
  (occurred at or after `since`), oldest first, analysed.

`now` is always passed in (aware UTC): nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import islice

from rashomon.analysis.divergence import find_topics, framing_differences, one_sided, passages_of
from rashomon.analysis.leaders import LeaderIndex
from rashomon.analysis.matcher import Assignment, Matcher
from rashomon.analysis.press import PressMatcher
from rashomon.analysis.recognise import Recogniser
from rashomon.analysis.topics import TopicIndex
from rashomon.errors import AnalysisError
from rashomon.models import Call, CallAnalysis, Document
from rashomon.settings import Settings
from rashomon.store import Store
from rashomon.store.calls import CallRepository, CallRow

BATCH = 500  # documents matched per transaction
_CACHE: dict[int, tuple[Settings, Analyser]] = {}


class Analyser:
    """Everything compiled from the settings once: topics, leaders, recogniser, matcher, press."""

    def __init__(self, settings: Settings) -> None:
        config = settings.analysis
        self.settings = settings
        self.topics = TopicIndex.build(settings.topics)
        self.topics.check_framing(settings.framing)
        leaders = LeaderIndex(settings.leaders)
        zones = {source.id: source.timezone for source in settings.sources.values()}
        self.recogniser = Recogniser(leaders, config, zones)
        self.matcher = Matcher(config.match_window_hours)
        self.press = PressMatcher(leaders, config.discrepancy, config.press_before_hours,
                                  config.press_after_hours)
        self.reporting = {s.side for s in settings.enabled_sources() if s.side != "press"}
        self.leader_sides = {i: leader.side for i, leader in settings.leaders.items()}

    def assign(self, calls: CallRepository, doc: Document, now: datetime) -> Assignment | None:
        """Match one document to its call; None when it is not an account of a call."""
        recognition = self.recogniser.recognise(doc)
        return None if recognition is None else self.matcher.assign(calls, doc, recognition, now)

    def expected_sides(self, participants: Iterable[str]) -> set[str]:
        """The participants' sides that have sources: the accounts one can expect."""
        sides = {self.leader_sides[p] for p in participants if p in self.leader_sides}
        return sides & self.reporting

    def is_one_sided(self, sides: Iterable[str], call: CallRow, now: datetime) -> bool:
        grace = self.settings.analysis.one_sided_after_hours
        expected = self.expected_sides(call.participants)
        return one_sided(sides, expected, call.occurred_at, now, grace)

    def settle(self, calls: CallRepository, now: datetime) -> list[str]:
        """Judge the calls whose grace period is over; ids of those found one-sided."""
        cutoff = now - timedelta(hours=self.settings.analysis.one_sided_after_hours)
        flagged = []
        for call in calls.unsettled(cutoff):
            flag = self.is_one_sided(call.sides, call, now)
            calls.save(replace(call, one_sided=flag, settled=True), now)
            flagged += [call.id] if flag else []
        return flagged

    def analyse(
        self, row: CallRow, docs: Sequence[Document], press: Sequence[Document], now: datetime
    ) -> CallAnalysis:
        """Compare the accounts of one call (pure: the documents are passed in)."""
        ordered = tuple(sorted(docs, key=lambda doc: (doc.published_at, doc.url)))
        call = Call(row.id, row.type or "call", row.participants, row.occurred_at, ordered,
                    row.initiator, row.date_only)
        topics = find_topics(self.topics, (p for doc in ordered for p in passages_of(doc)))
        framing = framing_differences(topics, self.settings.framing, call.sides)
        items = (self.press.item(doc, row.participants) for doc in press)
        return CallAnalysis(call, topics, framing, tuple(i for i in items if i is not None),
                            self.is_one_sided(call.sides, row, now),
                            self.settings.analysis.min_divergent_topics)



def analyser_for(settings: Settings) -> Analyser:
    """The compiled analyser of these (frozen) settings, built once."""
    cached = _CACHE.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    if len(_CACHE) > 8:
        _CACHE.clear()
    analyser = Analyser(settings)
    _CACHE[id(settings)] = (settings, analyser)
    return analyser


def update_calls(store: Store, settings: Settings, now: datetime) -> list[str]:
    """Match the documents stored since the last run; ids of calls created or changed."""
    analyser = analyser_for(settings)
    with CallRepository.begin(store.engine) as calls:
        mark = top = calls.high_water()
    changed: dict[str, None] = {}
    for batch in _batches(store.documents(after_id=mark), BATCH):
        with CallRepository.begin(store.engine) as calls:
            for doc in batch:
                top = max(top, doc.id or 0)
                _record(analyser.assign(calls, doc, now), changed)
    with CallRepository.begin(store.engine) as calls:
        changed.update(dict.fromkeys(analyser.settle(calls, now)))
        calls.set_high_water(top)
    return list(changed)


def _record(assignment: Assignment | None, changed: dict[str, None]) -> None:
    """Note a changed call; a call absorbed into another is gone, so it is not reported."""
    if assignment is None or not assignment.changed:
        return
    for gone in assignment.absorbed:
        changed.pop(gone, None)
    changed[assignment.call_id] = None


def analyse_call(store: Store, settings: Settings, call_id: str, now: datetime) -> CallAnalysis:
    """The analysis of one stored call at `now`; `AnalysisError` for an unknown id."""
    analyser = analyser_for(settings)
    with CallRepository.begin(store.engine) as calls:
        row = calls.get(call_id)
        if row is None:
            raise AnalysisError(f"no call {call_id!r} (see `rashomon calls`)")
        links = calls.links(call_id)
        press_ids = calls.press_document_ids(*analyser.press.window(row.occurred_at))
    docs = _documents(store, (link.document_id for link in links))
    return analyser.analyse(row, docs, _documents(store, press_ids), now)


def list_calls(
    store: Store, settings: Settings, now: datetime, since: datetime | None = None
) -> list[CallAnalysis]:
    """Every stored call (from `since`), oldest first, analysed at `now`."""
    with CallRepository.begin(store.engine) as calls:
        ids = [row.id for row in calls.all(since)]
    return [analyse_call(store, settings, call_id, now) for call_id in ids]


def _documents(store: Store, ids: Iterable[int]) -> list[Document]:
    found = (store.document(document_id) for document_id in ids)
    return [doc for doc in found if doc is not None]


def _batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
