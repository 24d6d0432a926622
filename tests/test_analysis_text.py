"""Terms, languages and sentences: the text rules every topic and name relies on."""

from __future__ import annotations

import pytest

from rashomon.analysis.language import detect_language
from rashomon.analysis.sentences import split_sentences
from rashomon.analysis.terms import compile_names, compile_terms, normalise
from rashomon.text import shorten


@pytest.mark.parametrize(
    ("term", "language", "text", "found"),
    [
        pytest.param("sanction", "en", "illegal Sanctions were imposed", True, id="en-suffix-s"),
        pytest.param("sanction", "en", "the sanctioned banks", True, id="en-suffix-ed"),
        pytest.param("trade", "en", "trademark law", False, id="en-no-long-suffix"),
        pytest.param("Ukrain*", "en", "the Ukrainian crisis", True, id="en-star-any-ending"),
        pytest.param("one-China", "en", "the one China principle", True, id="en-hyphen-as-space"),
        pytest.param("US", "en", "he told us about it", False, id="en-caps-case-sensitive"),
        pytest.param("US", "en", "the US side", True, id="en-caps-found"),
        pytest.param("legitimacy", "en", "illegitimacy", False, id="en-word-start"),
        pytest.param("военно-техническ", "ru", "военно-техническому сотрудничеству", True,
                     id="ru-stem"),
        pytest.param("вооружен сил", "ru", "между вооружёнными силами", True,
                     id="ru-phrase-of-stems-and-yo"),
        pytest.param("легитимност", "ru", "нелегитимность санкций", False, id="ru-word-start"),
        pytest.param("ШОС", "ru", "по шоссе", False, id="ru-caps-case-sensitive"),
        pytest.param("新疆", "zh", "反对借涉疆新疆问题干涉", True, id="zh-substring"),
    ],
)
def test_term_rules(term: str, language: str, text: str, found: bool) -> None:
    assert (compile_terms([term], language).search(normalise(text)) is not None) is found


def test_names_are_whole_words_and_case_sensitive() -> None:
    names = compile_names(["Xi", "Путин", "Путина"], "en")
    assert names.search("President Xi's call")
    assert not names.search("the XI Congress")
    russian = compile_names(["Путина"], "ru")
    assert russian.search("разговор Владимира Путина.") and not russian.search("Путинаx")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Vladimir Putin had a telephone conversation with Xi Jinping.", "en"),
        ("Состоялся телефонный разговор с Си Цзиньпином (Xi Jinping).", "ru"),
        ("国家主席习近平同俄罗斯总统普京通电话，双方讨论了APEC和SCO。", "zh"),
        ("2022 — 15.06", "en"),
    ],
)
def test_language_by_script(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_sentences_keep_abbreviations_and_split_chinese_on_semicolons() -> None:
    assert split_sentences("The U.S. said no. Mr. Li agreed! Did he?", "en") == [
        "The U.S. said no.", "Mr. Li agreed!", "Did he?"]
    assert split_sentences("双方同意；加强合作。好！", "zh") == ["双方同意；", "加强合作。", "好！"]
    assert split_sentences("Первое.\n\nВторое без точки", "ru") == ["Первое.", "Второе без точки"]
    assert split_sentences("President Joseph R. Biden Jr. spoke with Gen. Li and Sen. Smith. "
                           "They agreed.", "en") == [
        "President Joseph R. Biden Jr. spoke with Gen. Li and Sen. Smith.", "They agreed."]


def test_shorten_cuts_at_a_word_with_an_ellipsis() -> None:
    sentence = "word " * 50
    short = shorten(sentence, 40)
    assert len(short) <= 40 and short.endswith("…") and not short.endswith(" …")
    assert shorten("short", 40) == "short"
