"""Measuring the analysis on labelled cases (`tests/data/*.toml`): the quality gate's scores.

Matcher cases are run against a real store (through a `CallService` on it): each must produce
exactly the expected calls.

Divergence cases are scored over (case, side, topic) triples of asymmetric topics: precision is
the share of reported asymmetries that are labelled, recall the share of labelled ones reported.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rashomon.analysis.diff import TextComparison, compare_texts
from rashomon.analysis.service import CallService
from rashomon.analysis.topics import TopicIndex
from rashomon.models import CallAnalysis, Document
from rashomon.settings import Settings

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class DivergenceCase:
    """Two labelled accounts and the topics only one of them mentions."""

    id: str
    a: Mapping[str, str]
    b: Mapping[str, str]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    framing: tuple[tuple[str, str], ...] = ()

    def expected(self) -> set[Triple]:
        return {(self.id, "a", t) for t in self.only_a} | {(self.id, "b", t) for t in self.only_b}


@dataclass(frozen=True)
class Scores:
    """Precision and recall of the reported asymmetries against the labels."""

    true_positives: int
    reported: int
    expected: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.reported if self.reported else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0


def load_table(path: Path) -> list[dict[str, Any]]:
    """The `[[case]]` entries of a TOML case table."""
    with path.open("rb") as handle:
        return list(tomllib.load(handle)["case"])


def divergence_cases(path: Path) -> list[DivergenceCase]:
    return [
        DivergenceCase(
            id=raw["id"], a=raw["a"], b=raw["b"], only_a=tuple(raw["only_a"]),
            only_b=tuple(raw["only_b"]),
            framing=tuple(tuple(pair) for pair in raw.get("framing", [])),
        )
        for raw in load_table(path)
    ]


def compare_case(case: DivergenceCase, settings: Settings, index: TopicIndex) -> TextComparison:
    languages = (case.a.get("language"), case.b.get("language"))
    return compare_texts(case.a["text"], case.b["text"], settings, index, languages)


def reported(case: DivergenceCase, comparison: TextComparison) -> set[Triple]:
    return ({(case.id, "a", t) for t in comparison.only_in_a}
            | {(case.id, "b", t) for t in comparison.only_in_b})


def score_divergence(cases: Iterable[DivergenceCase], settings: Settings) -> Scores:
    """Scores of the whole table."""
    index = TopicIndex.build(settings.topics)
    found: set[Triple] = set()
    expected: set[Triple] = set()
    for case in cases:
        found |= reported(case, compare_case(case, settings, index))
        expected |= case.expected()
    return Scores(len(found & expected), len(found), len(expected))


# ---------------------------------------------------------------- matcher cases
ORDERS = ("all-at-once", "one-by-one", "reversed")


@dataclass(frozen=True)
class ExpectedCall:
    docs: frozenset[str]
    id: str
    type: str
    initiator: str | None = None
    one_sided: bool = False


@dataclass(frozen=True)
class MatcherCase:
    """Stored documents (by key) and the calls they must make."""

    id: str
    now: datetime
    docs: tuple[tuple[str, Document], ...]
    expect: tuple[ExpectedCall, ...]
    none: frozenset[str] = frozenset()


def matcher_cases(path: Path, settings: Settings) -> list[MatcherCase]:
    return [_matcher_case(raw, settings) for raw in load_table(path)]


def _matcher_case(raw: Mapping[str, Any], settings: Settings) -> MatcherCase:
    expect = tuple(
        ExpectedCall(frozenset(e["docs"]), e["id"], e["type"], e.get("initiator"),
                     e.get("one_sided", False))
        for e in raw["expect"]
    )
    docs = tuple((d["key"], _document(raw["id"], d, settings)) for d in raw["docs"])
    return MatcherCase(raw["id"], raw["now"], docs, expect,
                       frozenset(raw.get("none", {}).get("keys", [])))


def _document(case_id: str, raw: Mapping[str, Any], settings: Settings) -> Document:
    source = settings.source(raw["source"])
    return Document(
        source_id=source.id, side=source.side, language=source.language,
        kind=raw.get("kind", "readout"), url=source.url(f"/cases/{case_id}/{raw['key']}"),
        title=raw["title"], published_at=raw["published"].astimezone(UTC),
        paragraphs=tuple(raw["text"]), external_id=raw.get("external_id"),
    )


def run_matcher_case(case: MatcherCase, calls: CallService, order: str) -> list[str]:
    """Store the case's documents in `order`, update the calls; the problems found."""
    docs = list(case.docs)[::-1] if order == "reversed" else list(case.docs)
    if order == "all-at-once":
        for _, doc in docs:
            calls.documents.save(doc)
        calls.update(case.now)
    for _, doc in docs if order != "all-at-once" else []:
        calls.documents.save(doc)
        calls.update(case.now)
    if calls.update(case.now):
        return ["a re-run changed calls"]
    return check_calls(case, calls, check_ids=order != "reversed")


def check_calls(case: MatcherCase, calls: CallService, check_ids: bool) -> list[str]:
    keys = {doc.url: key for key, doc in case.docs}
    found = {
        frozenset(keys[doc.url] for doc in a.call.documents): a
        for a in calls.all(case.now)
    }
    problems = [f"unexpected call {sorted(g)}" for g in found if g not in
                {e.docs for e in case.expect}]
    for expected in case.expect:
        problems += _check_call(expected, found.get(expected.docs), check_ids)
    grouped = set().union(*found) if found else set()
    problems += [f"{key} should be in no call" for key in case.none & grouped]
    return problems


def _check_call(
    expected: ExpectedCall, analysis: CallAnalysis | None, check_ids: bool
) -> list[str]:
    if analysis is None:
        return [f"no call of exactly {sorted(expected.docs)}"]
    call = analysis.call
    got = (call.id if check_ids else expected.id, call.type, call.initiator, analysis.one_sided)
    want = (expected.id, expected.type, expected.initiator, expected.one_sided)
    return [] if got == want else [f"{sorted(expected.docs)}: got {got}, want {want}"]
