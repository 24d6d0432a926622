"""The analysis of one stored call (`CallService`): topics with evidence, framing, press,
one-sided."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rashomon.errors import AnalysisError
from rashomon.models import CallAnalysis, Document
from rashomon.settings import Settings, load_settings
from rashomon.store import Store
from tests.conftest import call_service, make_document

SETTINGS = load_settings(env={})
T0 = datetime(2024, 2, 8, 15, 0, tzinfo=UTC)
CALL = "2024-02-08-putin-xi-phone"


def kremlin(**fields: object) -> Document:
    base: dict[str, object] = {
        "published_at": T0, "url": "http://en.kremlin.ru/events/president/news/73420",
        "external_id": "73420", "paragraphs": (
            "Vladimir Putin had a telephone conversation with President of China Xi Jinping.",
            "The leaders firmly rejected Washington's attempts to interfere in their internal "
            "affairs.")}
    return make_document(**{**base, **fields})


def xinhua(**fields: object) -> Document:
    base: dict[str, object] = {
        "source_id": "xinhua_zh", "side": "CN", "language": "zh", "external_id": None,
        "url": "https://www.news.cn/politics/20240208/abc/c.html",
        "title": "习近平同俄罗斯总统普京通电话", "published_at": T0 + timedelta(hours=2),
        "paragraphs": ("国家主席习近平8日同俄罗斯总统普京通电话。",
                       "双方要坚决反对外部势力干涉两国内政。")}
    return make_document(**{**base, **fields})


def press(hours: float, title: str, text: str, url: str = "https://example.org/p") -> Document:
    return make_document(source_id="press_bbc_world", side="press", kind="press", url=url,
                         title=title, paragraphs=(text,), external_id=None,
                         published_at=T0 + timedelta(hours=hours))


def update_calls(store: Store, settings: Settings, now: datetime) -> list[str]:
    return call_service(store, settings).update(now)


def analyse_call(store: Store, settings: Settings, call_id: str, now: datetime
                 ) -> CallAnalysis:
    return call_service(store, settings).analyse(call_id, now)


def analysed(
    store: Store, *docs: Document, now: datetime = T0 + timedelta(hours=3)
) -> CallAnalysis:
    for doc in docs:
        store.documents.save(doc)
    update_calls(store, SETTINGS, now)
    return analyse_call(store, SETTINGS, CALL, now)


def test_topics_with_evidence_in_each_sides_language(store: Store) -> None:
    analysis = analysed(store, kremlin(), xinhua())
    by_id = {t.topic_id: t for t in analysis.topics}
    assert by_id["united_states"].sides == {"RU"}
    assert by_id["external_forces"].sides == {"CN"}
    assert by_id["interference"].sides == {"CN", "RU"}
    [evidence] = [e for e in by_id["external_forces"].evidence]
    assert evidence.language == "zh" and evidence.url.startswith("https://www.news.cn/")
    assert evidence.sentence == "双方要坚决反对外部势力干涉两国内政。"
    assert analysis.only_in("RU") == ("united_states",) and analysis.divergent


def test_framing_named_versus_unnamed(store: Store) -> None:
    analysis = analysed(store, kremlin(), xinhua())
    [framing] = analysis.framing
    assert (framing.side_a, framing.topic_a, framing.side_b, framing.topic_b) == (
        "RU", "united_states", "CN", "external_forces")
    assert framing.label == "named vs unnamed"


def test_press_naming_both_leaders_in_the_window_attaches(store: Store) -> None:
    items = [
        press(-11, "Putin and Xi to talk", "Vladimir Putin will call Xi Jinping.", "https://p/1"),
        press(30, "普京与习近平通话", "中俄两国官方通稿说法不一：普京和习近平。", "https://p/2"),
        press(95, "Xi and Putin", "The Chinese readout did not mention the United States; Xi "
              "and Putin spoke on Thursday.", "https://p/3"),
        press(-13, "Putin and Xi", "Putin and Xi Jinping.", "https://p/4"),
        press(97, "Putin and Xi", "Putin and Xi Jinping.", "https://p/5"),
        press(5, "Putin speaks", "Vladimir Putin spoke about the economy.", "https://p/6"),
    ]
    analysis = analysed(store, kremlin(), xinhua(), *items)
    found = {item.url: item.discusses_discrepancy for item in analysis.press}
    assert found == {"https://p/1": False, "https://p/2": True, "https://p/3": True}


def test_press_never_counts_as_a_side(store: Store) -> None:
    analysis = analysed(store, kremlin(), press(1, "Putin, Xi call", "Putin called Xi Jinping "
                                                 "about Taiwan by phone."))
    assert analysis.call.sides == ("RU",)
    assert "taiwan" not in {t.topic_id for t in analysis.topics}


def test_one_sided_needs_a_side_that_publishes(store: Store) -> None:
    macron = make_document(url="http://en.kremlin.ru/events/president/news/68340",
                           external_id="68340", published_at=T0,
                           title="Telephone conversation with President of France Emmanuel Macron",
                           paragraphs=("Vladimir Putin had a telephone conversation.",))
    store.documents.save(macron)
    later = T0 + timedelta(days=3)
    assert update_calls(store, SETTINGS, later) == ["2024-02-08-macron-putin-phone"]
    analysis = analyse_call(store, SETTINGS, "2024-02-08-macron-putin-phone", later)
    assert not analysis.one_sided and not analysis.divergent


def test_unknown_call_is_an_analysis_error(store: Store) -> None:
    with pytest.raises(AnalysisError, match="no call"):
        analyse_call(store, SETTINGS, "1999-01-01-nobody-phone", T0)
