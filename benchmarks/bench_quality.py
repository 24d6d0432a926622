"""Analysis quality on real readouts: scores per part, per pair of governments and per
language, and every asymmetry the analysis misses or invents, with its evidence.

The gate (tests/test_real_corpus.py) holds the floors; this script shows the detail. Run
`python -m benchmarks quality` (all parts) or `python -m benchmarks.bench_quality dev`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rashomon.analysis.corpus import CallResult, CorpusScorer, CorpusScores, load_corpus
from rashomon.settings import load_settings

CORPUS = Path(__file__).parent.parent / "tests" / "data" / "real"
PARTS = ("dev", "heldout")


def line(name: str, scores: CorpusScores) -> str:
    return (f"  {name:<24} precision {scores.precision:.3f}  recall {scores.recall:.3f}  "
            f"({scores.true_positives}/{scores.reported} reported, {scores.expected} labelled; "
            f"{len(scores.agreeing)} agreeing, {len(scores.agreeing_with_divergence)} flagged)")


def errors(result: CallResult) -> list[str]:
    """One line per miss and per false report, with the sentence behind a false report."""
    found = []
    for _, side, topic in sorted(result.misses):
        found.append(f"    missed {side} {topic}")
    for _, side, topic in sorted(result.false):
        evidence = [e.sentence for f in result.findings if f.topic_id == topic
                    for e in f.evidence if e.side == side]
        found.append(f"    false  {side} {topic}: {evidence[0][:160] if evidence else ''}")
    return found


def show(part: str, scores: CorpusScores) -> None:
    print(line(part, scores))
    for key in ("pair", "languages"):
        for name, group in scores.by(key).items():
            print(line(f"{key} {name}", group))
    for result in scores.results:
        if result.misses or result.false:
            print(f"  {result.call.id}")
            print("\n".join(errors(result)))


def main(parts: tuple[str, ...] = PARTS) -> None:
    scorer = CorpusScorer(load_settings(env={}))
    for part in parts:
        show(part, scorer.score(load_corpus(CORPUS, part)))


if __name__ == "__main__":
    main(tuple(sys.argv[1:]) or PARTS)
