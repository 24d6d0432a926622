"""Document kinds from the page's own signals, in the configured order (crawler/kinds.py)."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.kinds import kind_of
from rashomon.errors import ConfigError
from rashomon.models import KINDS
from rashomon.settings import KindSignals, load_settings

KREMLIN = load_settings(env={}).sources["kremlin_en"].kinds
NEWS = "http://en.kremlin.ru/events/president/news/1"
STATUS = ('<div class="read__status"><p>Published in sections: <a href="/events/president/news">'
          'News</a>, <a href="{href}">{label}</a></p></div>')  # as on the real pages


def kremlin(title: str, urls: tuple[str, ...] = (NEWS,), page: str = "",
            paragraphs: tuple[str, ...] = ()) -> str:
    return kind_of(KREMLIN, title=title, urls=urls, paragraphs=paragraphs,
                   page=Selector(text=page) if page else None)


@pytest.mark.parametrize(("title", "kind"), [
    ("Telephone conversation with President of China Xi Jinping", "readout"),
    ("On Russian initiative, President Vladimir Putin spoke by telephone with Hu Jintao",
     "readout"),
    ("Russian-Chinese talks", "readout"),
    ("Commentary by Presidential Aide Yury Ushakov on the telephone conversation", "commentary"),
    ("Comment from the Press Service of the President of Russia", "commentary"),
    ("Interview to Chinese newspaper People's Daily", "interview"),
    ("Press statements following talks with President of China Xi Jinping", "statement"),
    ("Launching motor traffic on completed sections of Taurida motorway", "article"),
])
def test_kremlin_titles(title: str, kind: str) -> None:
    assert kremlin(title) == kind


def test_the_kremlins_sections_and_markers_decide_before_the_title() -> None:
    """"Meeting with President of China Xi Jinping" is a readout by its title, a transcript when
    the page says it is published in Transcripts too; an announcement is no article."""
    title = "Meeting with President of China Xi Jinping"
    transcripts = STATUS.format(href="/events/president/transcripts", label="Transcripts")
    announcements = STATUS.format(href="/press/announcements", label="Announcements")
    assert kremlin(title) == "readout"
    assert kremlin(title, page=transcripts) == "transcript"
    assert kremlin("On June 5, Vladimir Putin will meet Xi Jinping", page=announcements) == "other"
    assert kremlin("Meeting with Government members",
                   urls=(NEWS, "http://en.kremlin.ru/events/president/transcripts/feed"),
                   ) == "transcript"  # found through the transcripts feed


def test_text_signals_and_the_order_of_kinds() -> None:
    kinds = {"statement": KindSignals(text=["^Foreign Ministry Spokesperson \\S+ \\S+ announced"]),
             "readout": KindSignals(title=["Xi"])}
    assert kind_of(kinds, title="Xi", urls=[], paragraphs=[
        "Foreign Ministry Spokesperson Hua Chunying announced: …"]) == "statement"
    assert kind_of(kinds, title="Xi", urls=[], paragraphs=["Xi said."]) == "readout"
    assert kind_of(kinds, title="Floods", urls=[], paragraphs=["Rain."]) == "article"


def test_kinds_are_configured_as_signals_or_as_a_list_of_titles() -> None:
    overrides = {"sources": {"kremlin_en": {"kinds": {"interview": ["^Q&A"]}}}}
    source = load_settings(env={}, overrides=overrides).sources["kremlin_en"]
    assert source.kinds["interview"].title == ["^Q&A"]
    assert list(source.kinds)[:3] == ["commentary", "interview", "statement"]  # order kept


def test_an_unknown_kind_is_a_configuration_error() -> None:
    overrides = {"sources": {"kremlin_en": {"kinds": {"speech": ["^Speech"]}}}}
    with pytest.raises(ConfigError, match="unknown kind 'speech'"):
        load_settings(env={}, overrides=overrides)
    assert {"readout", "article", "interview", "statement", "other"} <= set(KINDS)
