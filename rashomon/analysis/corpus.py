"""The real-readout corpus (tests/data/real/): both governments' texts of a call, blind labels.

Each call folder holds the documents, `meta.toml` (sides, languages, provenance) and
`labels.toml` (the adjudicated labels: per side, the topics it raises and the borderline ones;
see GUIDE.md). `split.toml` names the development and held-out calls.

Scoring follows the guide: for each call, every watched topic that is borderline on neither side
(and not a topic the call's sides skip, such as `united_states` in a call with the US) is
asymmetric for the side that alone raises it. The analyser reads each document the way
`rashomon diff` does (a saved page as its article) and compares the sides by topic.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rashomon.analysis.diff import page_rules, read_text
from rashomon.analysis.divergence import Passage, find_topics
from rashomon.analysis.pagetext import PageRules
from rashomon.analysis.topics import TopicIndex
from rashomon.models import TopicFinding
from rashomon.settings import Settings

Triple = tuple[str, str, str]  # (call id, side, topic id)


@dataclass(frozen=True)
class SideLabel:
    topics: frozenset[str]
    borderline: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RealCall:
    """One call of the corpus: its documents by side, and its labels."""

    id: str
    folder: Path
    documents: tuple[tuple[str, str, str], ...]  # (side, language, file)
    labels: Mapping[str, SideLabel]

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(sorted({side for side, _, _ in self.documents}))

    @property
    def languages(self) -> str:
        """The call's languages by side, "RU:en CN:zh" → "en/zh" (sorted)."""
        return "/".join(sorted({language for _, language, _ in self.documents}))


def load_call(folder: Path) -> RealCall:
    meta = _toml(folder / "meta.toml")
    documents = tuple((d["side"], d["language"], d["file"]) for d in meta["documents"])
    labels_file = folder / "labels.toml"
    labels = _labels(_toml(labels_file)) if labels_file.exists() else {}
    return RealCall(folder.name, folder, documents, labels)


def load_corpus(root: Path, part: str | None = None) -> list[RealCall]:
    """Every call of the corpus, or of one part of the split (`dev`, `heldout`)."""
    names = _toml(root / "split.toml")[part] if part else _all_names(root)
    return [load_call(root / "calls" / name) for name in names]


def _all_names(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "calls").iterdir() if (p / "meta.toml").exists())


def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _labels(raw: Mapping[str, Any]) -> dict[str, SideLabel]:
    return {
        side: SideLabel(frozenset(body.get("topics", [])), frozenset(body.get("borderline", [])))
        for side, body in raw.get("sides", {}).items()
    }


# ---------------------------------------------------------------- scoring


@dataclass
class CallResult:
    """What the analyser reported on one call against what the labels say."""

    call: RealCall
    expected: set[Triple]
    reported: set[Triple]
    findings: tuple[TopicFinding, ...] = ()

    @property
    def agreeing(self) -> bool:
        """The sides raise the same watched topics (by the labels)."""
        return not self.expected

    @property
    def misses(self) -> set[Triple]:
        return self.expected - self.reported

    @property
    def false(self) -> set[Triple]:
        return self.reported - self.expected


@dataclass
class CorpusScores:
    results: list[CallResult] = field(default_factory=list)

    @property
    def true_positives(self) -> int:
        return sum(len(r.expected & r.reported) for r in self.results)

    @property
    def reported(self) -> int:
        return sum(len(r.reported) for r in self.results)

    @property
    def expected(self) -> int:
        return sum(len(r.expected) for r in self.results)

    @property
    def precision(self) -> float:
        return self.true_positives / self.reported if self.reported else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def agreeing(self) -> list[CallResult]:
        return [r for r in self.results if r.agreeing]

    @property
    def agreeing_with_divergence(self) -> list[CallResult]:
        """Agreeing pairs on which the analyser reported a divergence anyway."""
        return [r for r in self.agreeing if r.reported]

    def by(self, key: str) -> dict[str, CorpusScores]:
        """Scores per `pair` of governments (e.g. "CN-RU") or per `languages` ("en/zh")."""
        groups: dict[str, CorpusScores] = {}
        for result in self.results:
            name = "-".join(result.call.sides) if key == "pair" else result.call.languages
            groups.setdefault(name, CorpusScores()).results.append(result)
        return dict(sorted(groups.items()))


class CorpusScorer:
    """Scores calls with one compiled topic index and the configured page rules."""

    def __init__(self, settings: Settings, index: TopicIndex | None = None) -> None:
        self.index = index or TopicIndex.build(settings.topics)
        self.rules: Sequence[PageRules] = page_rules(settings.sources.values())

    def findings(self, call: RealCall) -> tuple[TopicFinding, ...]:
        passages = [
            Passage(side, read_text(call.folder / file, self.rules), language)
            for side, language, file in call.documents
        ]
        return find_topics(self.index, passages)

    def result(self, call: RealCall) -> CallResult:
        findings = self.findings(call)
        scored = self._scored_topics(call)
        raised = {f.topic_id: f.sides for f in findings}
        reported = _asymmetries(call, {t: raised.get(t, frozenset()) for t in scored})
        labelled = {t: frozenset(s for s, lab in call.labels.items() if t in lab.topics)
                    for t in scored}
        return CallResult(call, _asymmetries(call, labelled), reported, findings)

    def _scored_topics(self, call: RealCall) -> list[str]:
        """Watched topics not borderline on either side and not skipped for these sides."""
        borderline = set().union(*(lab.borderline for lab in call.labels.values()))
        return [
            topic_id for topic_id, topic in self.index.topics.items()
            if topic.watched and topic_id not in borderline
            and not (topic.skip_sides & set(call.sides))
        ]

    def score(self, calls: Iterable[RealCall]) -> CorpusScores:
        return CorpusScores([self.result(call) for call in calls])


def _asymmetries(call: RealCall, raised: Mapping[str, frozenset[str]]) -> set[Triple]:
    return {(call.id, next(iter(sides)), topic_id)
            for topic_id, sides in raised.items() if len(sides) == 1}
