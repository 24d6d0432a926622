"""The real-readout corpus (tests/data/real/): complete, blind-labelled, and gated.

The gate scores the analysis on both governments' own published texts of real calls. The
held-out part is the measure: it was never studied while the analysis was developed. Floors are
in tests/data/quality_floors.json: raise them when the analysis improves, never lower them to let
a change through, and never edit labels to fit the output. `pytest -s` prints the scores;
`python -m benchmarks quality` prints them per language and pair, with every miss.
"""

from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path

import pytest

from rashomon.analysis.corpus import CorpusScorer, CorpusScores, load_corpus
from rashomon.analysis.diff import read_text
from rashomon.settings import load_settings

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
FLOORS = json.loads((DATA / "quality_floors.json").read_text())
SETTINGS = load_settings(env={})
SPLIT = tomllib.loads((REAL / "split.toml").read_text(encoding="utf-8"))
CALLS = sorted(p.name for p in (REAL / "calls").iterdir() if p.is_dir())
PROVENANCE = ("side", "language", "publisher", "title", "published", "url", "source",
              "extracted", "captured", "licence", "reprint")
RESERVED = {  # reserved for acceptance: kept out of the corpus (issue 7)
    ("putin", "xi"): ["2020-03-19", "2020-04-16", "2020-05-08", "2020-07-08", "2021-12-15",
                      "2022-02-25", "2022-06-15", "2022-12-30", "2025-01-21", "2025-02-24",
                      "2025-06-19", "2026-02-04"],
    ("obama", "putin"): ["2014-03-06", "2014-03-16", "2016-04-18", "2016-07-06"],
    ("putin", "trump"): ["2017-05-02", "2018-03-20", "2019-12-29"],
    ("trump", "xi"): ["2017-10-25", "2018-05-08", "2025-11-24"],
    ("modi", "putin"): ["2020-01-13"], ("lukashenko", "putin"): ["2020-06-19"],
    ("scholz", "xi"): ["2024-11-15"], ("macron", "putin"): ["2025-07-01"],
}


def meta(name: str) -> dict:
    return tomllib.loads((REAL / "calls" / name / "meta.toml").read_text(encoding="utf-8"))


def test_the_corpus_holds_both_sides_of_every_call_with_provenance() -> None:
    assert len(CALLS) >= 30
    for name in CALLS:
        raw = meta(name)
        assert raw["call"] == name
        assert len({doc["side"] for doc in raw["documents"]}) == 2, name
        for doc in raw["documents"]:
            assert (REAL / "calls" / name / doc["file"]).is_file(), (name, doc["file"])
            assert all(str(doc.get(key, "")).strip() for key in PROVENANCE), (name, doc["file"])
        pair = tuple(sorted(raw["leaders"]))
        assert str(raw["date"]) not in RESERVED.get(pair, []), f"{name} is reserved"


NOT_MET = ("issue 7's acceptance bar is not met: four held-out rounds, each scored once, fell "
           "short, and the held-out part is a quarter of the corpus, not a third: the stored "
           "material for fresh rounds ran out (tests/data/real/README.md)")


def test_every_call_is_labelled_blind_and_split() -> None:
    assert sorted(SPLIT["dev"] + SPLIT["heldout"]) == CALLS
    assert not set(SPLIT["dev"]) & set(SPLIT["heldout"])
    assert SPLIT["heldout"]
    for name in CALLS:
        labels = tomllib.loads((REAL / "calls" / name / "labels.toml").read_text("utf-8"))
        assert labels["blind"] is True and labels["labellers"] == ["A", "B"], name
        assert set(labels["sides"]) == {doc["side"] for doc in meta(name)["documents"]}, name


@pytest.mark.xfail(strict=True, reason=NOT_MET)
def test_a_third_of_the_corpus_is_held_out() -> None:
    assert len(SPLIT["heldout"]) * 3 >= len(CALLS)


def test_the_corpus_has_the_pairs_the_issue_asks_for() -> None:
    pairs = [frozenset(doc["side"] for doc in meta(name)["documents"]) for name in CALLS]
    languages = [{doc["language"] for doc in meta(name)["documents"]} for name in CALLS]
    assert sum(pair == {"RU", "CN"} for pair in pairs) >= 8
    assert sum("zh" in found for found in languages) >= 8
    agreeing = CorpusScorer(SETTINGS).score(load_corpus(REAL)).agreeing
    assert len(agreeing) >= 5


def report(part: str, scores: CorpusScores) -> None:
    print(f"\nreal corpus, {part}: precision {scores.precision:.3f}, recall {scores.recall:.3f} "
          f"({scores.true_positives} of {scores.reported} reported, {scores.expected} labelled; "
          f"{len(scores.agreeing)} agreeing pairs, {len(scores.agreeing_with_divergence)} "
          f"flagged)")


def check(part: str) -> None:
    scores = CorpusScorer(SETTINGS).score(load_corpus(REAL, part))
    report(part, scores)
    assert scores.precision >= FLOORS[f"real_{part}_precision"]
    assert scores.recall >= FLOORS[f"real_{part}_recall"]
    flagged = [result.call.id for result in scores.agreeing_with_divergence]
    assert not flagged, f"a divergence reported on agreeing pairs: {flagged}"


def test_topic_asymmetry_on_the_development_part() -> None:
    """Every call studied while the analysis was developed: guards against regressions."""
    assert len(SPLIT["dev"]) >= 60
    check("dev")


@pytest.mark.xfail(strict=True, reason=NOT_MET)
def test_topic_asymmetry_on_the_held_out_part() -> None:
    """The acceptance bar, on calls never studied: precision ≥ 0.9, recall ≥ 0.85, and no
    divergence on a pair whose accounts agree. Strict: the day it passes, the gate says so."""
    check("heldout")


def test_a_saved_page_is_read_as_its_article_not_its_menus() -> None:
    """A saved Kremlin page is mostly menus, a calendar and links: only the article counts."""
    page = REAL / "calls" / "2017-10-26-putin-xi-phone" / "RU.en.html"
    lines = read_text(page, CorpusScorer(SETTINGS).rules).splitlines()
    assert lines[0] == "Telephone conversation with Chinese President Xi Jinping"
    assert lines[1].startswith("Vladimir Putin had a telephone conversation with Chinese")
    assert lines[-1].startswith("The leaders agreed to meet in person")
    assert len(lines) == 5 and "Events" in page.read_text(encoding="utf-8")


def test_the_readme_lists_every_document_with_its_provenance() -> None:
    """tests/data/real/README.md's table is what the metadata says (tools/provenance.py)."""
    spec = importlib.util.spec_from_file_location("provenance", REAL / "tools" / "provenance.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    assert tool.current(readme) == readme
