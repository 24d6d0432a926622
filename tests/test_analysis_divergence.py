"""Divergence by topic, on the labelled table (tests/data/divergence_cases.toml), case by case."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.analysis.diff import compare_texts
from rashomon.analysis.evaluation import DivergenceCase, compare_case, divergence_cases
from rashomon.analysis.language import detect_language
from rashomon.analysis.topics import TopicIndex
from rashomon.errors import ConfigError
from rashomon.settings import load_settings

DATA = Path(__file__).parent / "data"
SETTINGS = load_settings(env={})
INDEX = TopicIndex.build(SETTINGS.topics)
CASES = divergence_cases(DATA / "divergence_cases.toml")


def test_the_table_is_big_and_multilingual() -> None:
    assert len(CASES) >= 20
    pairs = {(c.a["language"], c.b["language"]) for c in CASES}
    assert {("en", "en"), ("ru", "zh"), ("en", "zh"), ("zh", "en"), ("ru", "en")} <= pairs
    assert len({c.id for c in CASES}) == len(CASES)


# Cases the analysis is known to get wrong (strict xfail: fixing one fails until it is taken off);
# the quality gate counts them against the floors.
KNOWN_MISSES = {
    # "визит … делегации" (a delegation's visit, not the leaders') is reported as a planned visit.
    "xinhua-zh-tibet-vs-kremlin-ru-delegation": "a delegation's visit read as the leaders'",
}
MARKED = [
    pytest.param(case, id=case.id, marks=[pytest.mark.xfail(reason=KNOWN_MISSES[case.id],
                                                            strict=True)]
                 if case.id in KNOWN_MISSES else [])
    for case in CASES
]


@pytest.mark.parametrize("case", MARKED)
def test_asymmetric_topics(case: DivergenceCase) -> None:
    comparison = compare_case(case, SETTINGS, INDEX)
    assert comparison.only_in_a == sorted(case.only_a)
    assert comparison.only_in_b == sorted(case.only_b)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_framing_pairs(case: DivergenceCase) -> None:
    comparison = compare_case(case, SETTINGS, INDEX)
    found = {(f.topic_a, f.topic_b) if f.side_a == "a" else (f.topic_b, f.topic_a)
             for f in comparison.framing}
    assert found == set(case.framing)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_language_label_matches_the_script(case: DivergenceCase) -> None:
    assert detect_language(case.a["text"]) == case.a["language"]
    assert detect_language(case.b["text"]) == case.b["language"]


def test_evidence_is_the_sentence_in_its_own_language() -> None:
    comparison = compare_texts(
        "Отмечено, что отношения находятся на беспрецедентно высоком уровне. Погода хорошая.",
        "双方同意加强贸易合作。天气很好。", SETTINGS, INDEX)
    level = next(t for t in comparison.topics if t.topic_id == "relations_level")
    assert level.sentences("a") == (
        "Отмечено, что отношения находятся на беспрецедентно высоком уровне.",)
    trade = next(t for t in comparison.topics if t.topic_id == "trade")
    assert trade.sentences("b") == ("双方同意加强贸易合作。",)
    assert comparison.languages == ("ru", "zh")


def test_divergent_counts_watched_topics_only() -> None:
    context_only = compare_texts("They agreed to expand trade.", "They met.", SETTINGS, INDEX)
    assert context_only.only_in_a == ["trade"] and not context_only.divergent
    watched = compare_texts("They discussed Taiwan.", "They met.", SETTINGS, INDEX)
    assert watched.divergent


def test_threshold_is_configurable() -> None:
    strict = load_settings(env={}, overrides={"analysis": {"min_divergent_topics": 2}})
    one = compare_texts("They discussed Taiwan.", "They met.", strict)
    two = compare_texts("They discussed Taiwan and NATO.", "They met.", strict)
    assert not one.divergent and two.divergent


def test_a_user_topic_is_a_config_edit() -> None:
    settings = load_settings(env={}, overrides={"topics": {"arctic": {
        "label": "Arctic", "terms": {"en": ["Arctic"], "ru": ["Арктика", "Северный морской путь"],
                                      "zh": ["北极"]}}}})
    comparison = compare_texts("Стороны обсудили Северный морской путь.", "双方讨论了贸易。",
                               settings)
    assert comparison.only_in_a == ["arctic"]


def test_framing_with_an_unknown_topic_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"framing\.0\.a: unknown topic 'nope'"):
        load_settings(env={}, overrides={"framing": [{"a": "nope", "b": "taiwan",
                                                      "label": "x"}]})  # at load, before any work
    settings = load_settings(env={})
    bad = [settings.framing[0].model_copy(update={"a": "nope"})]
    with pytest.raises(ConfigError, match="nope"):
        TopicIndex.build(settings.topics).check_framing(bad)  # settings built another way


def test_unknown_call_type_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown call types"):
        load_settings(env={}, overrides={"analysis": {"call_types": {"fax": {"en": ["fax"]}}}})


def test_evidence_carries_the_words_that_matched() -> None:
    comparison = compare_texts("Они обсудили санкции и ситуацию на Украине.", "双方讨论了贸易。",
                               SETTINGS)
    [sanctions] = [t for t in comparison.topics if t.topic_id == "sanctions"]
    assert sanctions.evidence[0].matched == ("санкции",)
