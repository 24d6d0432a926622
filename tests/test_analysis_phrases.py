"""The phrase matcher: one automaton pass, each hit checked by its rule (see analysis.phrases)."""

from __future__ import annotations

import pytest

from rashomon.analysis.morphology import RussianForms
from rashomon.analysis.phrases import PhraseSet, words_to_inflect
from rashomon.analysis.topics import TopicIndex
from rashomon.settings import load_settings

SETTINGS = load_settings(env={})


def found(term: str, language: str, text: str) -> list[str]:
    """The texts of the hits of one term in `text`."""
    phrases = PhraseSet(language, [("t", term)])
    return [text[hit.start:hit.end] for hit in phrases.find(text)]


@pytest.mark.parametrize(
    ("term", "language", "text", "hits"),
    [
        pytest.param("sanction", "en", "illegal Sanctions were imposed", ["Sanctions"],
                     id="en-suffix-s"),
        pytest.param("sanction", "en", "the sanctioned banks", ["sanctioned"], id="en-suffix-ed"),
        pytest.param("trade", "en", "trademark law", [], id="en-no-long-suffix"),
        pytest.param("Ukrain*", "en", "the Ukrainian crisis", ["Ukrainian"], id="en-stem"),
        pytest.param("one-China", "en", "the one China principle", ["one China"],
                     id="en-hyphen-as-space"),
        pytest.param("military technical", "en", "military-technical ties", ["military-technical"],
                     id="en-space-as-hyphen"),
        pytest.param("US", "en", "he told us about it", [], id="en-caps-case-sensitive"),
        pytest.param("US", "en", "the US side and the US's view", ["US", "US's"], id="en-caps"),
        pytest.param("U.S.", "en", "the U.S.-China talks", ["U.S."], id="en-caps-with-dots"),
        pytest.param("legitimacy", "en", "illegitimacy", [], id="en-word-start"),
        pytest.param("look* forward … in Beijing", "en",
                     "Xi said he looks forward to seeing the President in Beijing soon.",
                     ["looks forward to seeing the President in Beijing"], id="en-gap"),
        pytest.param("look* forward … in Beijing", "en",
                     "He looks forward to a long, fruitful series of talks held in Beijing.", [],
                     id="en-gap-too-wide"),
        pytest.param("военное сотрудничество", "ru", "развитию военного сотрудничества",
                     ["военного сотрудничества"], id="ru-inflected-phrase"),
        pytest.param("вооружённые силы", "ru", "между вооружёнными силами", ["вооружёнными силами"],
                     id="ru-yo"),
        pytest.param("Сирия", "ru", "работа центра «Сириус» для одарённых детей", [],
                     id="ru-not-another-word"),
        pytest.param("Сирия", "ru", "ситуация в Сирии", ["Сирии"], id="ru-form"),
        pytest.param("легитимность", "ru", "нелегитимность санкций", [], id="ru-word-start"),
        pytest.param("наивысший уровень", "ru", "переговоры на высшем уровне", [],
                     id="ru-no-degrees-of-comparison"),
        pytest.param("=выборы", "ru", "сделать выбор; выборы в Думу", ["выборы"],
                     id="ru-exact-form"),
        pytest.param("ШОС", "ru", "по шоссе", [], id="ru-caps-case-sensitive"),
        pytest.param("新疆", "zh", "反对借涉疆新疆问题干涉", ["新疆"], id="zh-substring"),
        pytest.param("期待 … 见面", "zh", "期待同普京总统在北京见面。",
                     ["期待同普京总统在北京见面"], id="zh-gap"),
    ],
)
def test_term_rules(term: str, language: str, text: str, hits: list[str]) -> None:
    assert found(term, language, text) == hits


def test_one_pass_finds_every_label_in_text_order() -> None:
    phrases = PhraseSet("en", [("sanctions", "sanction*"), ("us", "US"), ("us", "Washington")])
    hits = phrases.find("Washington and the US imposed sanctions.")
    assert [(h.label, h.term) for h in hits] == [
        ("us", "Washington"), ("us", "US"), ("sanctions", "sanction*")]


def test_gapped_parts_stay_within_one_sentence() -> None:
    settings = load_settings(env={}, overrides={"topics": {"visit": {
        "terms": {"en": ["look* forward … in Beijing"]}}}})
    index = TopicIndex.build(settings.topics)
    assert index.sentence_topics("He looks forward to seeing him in Beijing.", "en") == ["visit"]
    assert not [m for m in index.mentions("He looks forward to it. They met in Beijing.", "en")
                if m.topic_id == "visit"]


def test_an_exclusion_vetoes_the_topic_inside_it() -> None:
    index = TopicIndex.build(SETTINGS.topics)
    assert index.sentence_topics("Trade reached 190 billion US dollars.", "en") == ["trade"]
    assert "united_states" in index.sentence_topics("The US dollar and the US side.", "en")


def test_mentions_carry_the_words_that_matched() -> None:
    index = TopicIndex.build(SETTINGS.topics)
    [mention] = [m for m in index.mentions("Санкции вводятся против России.", "ru")
                 if m.topic_id == "sanctions"]
    assert mention.matched == ("Санкции",)


def test_words_of_a_user_topic_load_the_dictionary() -> None:
    forms = RussianForms({})
    phrases = PhraseSet("ru", [("arctic", "Северный морской путь")], forms)
    assert phrases.find("развитие Северного морского пути")
    assert "северного" in forms.table["северный"]


def test_the_packaged_table_of_forms_is_current() -> None:
    """`ru_forms.json` holds exactly what pymorphy3 gives for the packaged Russian terms; run
    `python -m rashomon.analysis.morphology` after changing them."""
    table = RussianForms.packaged().table
    words = set()
    for topic in SETTINGS.topics.values():
        for terms in (topic.terms, topic.exclude):
            words |= words_to_inflect(terms.get("ru", []))
    assert words == set(table)
    fresh = RussianForms({})  # every word from pymorphy3's dictionary
    stale = sorted(word for word in words if table[word] != fresh.forms(word))
    assert not stale


def test_an_exclusion_vetoes_a_hit_it_overlaps() -> None:
    """"国事访问取得圆满成功": a state visit that went well is over, not planned."""
    index = TopicIndex.build(SETTINGS.topics)
    assert "visit" not in index.sentence_topics("习近平主席对俄罗斯的国事访问取得圆满成功。", "zh")
    invited = "普京总统邀请习近平主席明年对俄罗斯进行国事访问。"
    assert "visit" in index.sentence_topics(invited, "zh")
    assert "visit" not in index.sentence_topics("国际社会面临许多共同难题。", "zh")
