"""The quality gate: the whole labelled table scored against pinned floors.

Floors live in tests/data/quality_floors.json; raise them when the analysis improves, never lower
them to let a change through, and never edit labels to fit the output. `pytest -s` shows scores.
"""

from __future__ import annotations

import json
from pathlib import Path

from rashomon.analysis.evaluation import (
    ORDERS,
    divergence_cases,
    matcher_cases,
    run_matcher_case,
    score_divergence,
)
from rashomon.settings import load_settings
from rashomon.store import Store
from tests.conftest import call_service

DATA = Path(__file__).parent / "data"
FLOORS = json.loads((DATA / "quality_floors.json").read_text())
SETTINGS = load_settings(env={})


def test_topic_asymmetry_precision_and_recall() -> None:
    scores = score_divergence(divergence_cases(DATA / "divergence_cases.toml"), SETTINGS)
    print(f"\ntopic asymmetry: precision {scores.precision:.3f}, recall {scores.recall:.3f} "
          f"({scores.true_positives} of {scores.reported} reported, {scores.expected} labelled)")
    assert scores.expected >= 60
    assert scores.precision >= FLOORS["topic_asymmetry_precision"]
    assert scores.recall >= FLOORS["topic_asymmetry_recall"]


def test_held_out_topic_asymmetry() -> None:
    """Cases written without sight of the term lists: what the analysis does on new text.
    Never tune the terms to this table; write a new held-out set after improving them."""
    scores = score_divergence(divergence_cases(DATA / "heldout_cases.toml"), SETTINGS)
    print(f"\nheld-out: precision {scores.precision:.3f}, recall {scores.recall:.3f} "
          f"({scores.true_positives} of {scores.reported} reported, {scores.expected} labelled)")
    assert scores.expected >= 100
    assert scores.precision >= FLOORS["heldout_precision"]
    assert scores.recall >= FLOORS["heldout_recall"]


def test_matcher_accuracy(tmp_path: Path) -> None:
    cases = matcher_cases(DATA / "matcher_cases.toml", SETTINGS)
    runs = [(case, order) for case in cases for order in ORDERS]
    failures = []
    for number, (case, order) in enumerate(runs):
        store = Store.open(f"sqlite:///{tmp_path / f'gate-{number}.db'}")
        problems = run_matcher_case(case, call_service(store, SETTINGS), order)
        store.close()
        failures += [f"{case.id} [{order}]: {problem}" for problem in problems]
    failed_runs = len({line.split(":")[0] for line in failures})
    accuracy = 1 - failed_runs / len(runs)
    print(f"\nmatcher: accuracy {accuracy:.3f} ({len(runs) - failed_runs} of {len(runs)} runs, "
          f"{len(cases)} cases x {len(ORDERS)} arrival orders)")
    assert accuracy >= FLOORS["matcher_accuracy"], "\n".join(failures)
