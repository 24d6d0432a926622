"""The matcher on the labelled table (tests/data/matcher_cases.toml), in three arrival orders,
plus re-entrancy: high-water mark, new versions, re-runs, the one-sided clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rashomon.analysis.evaluation import ORDERS, MatcherCase, matcher_cases, run_matcher_case
from rashomon.analysis.matcher import compatible, unique_id
from rashomon.analysis.service import PROGRESS
from rashomon.models import CallAnalysis
from rashomon.settings import Settings, load_settings
from rashomon.store import Store
from tests.conftest import call_service, make_document

DATA = Path(__file__).parent / "data"
SETTINGS = load_settings(env={})
CASES = matcher_cases(DATA / "matcher_cases.toml", SETTINGS)
T0 = datetime(2022, 6, 15, 11, 40, tzinfo=UTC)
XINHUA = {
    "source_id": "xinhua_en", "side": "CN", "language": "en", "external_id": None,
    "url": "https://english.news.cn/20220615/abc/c.html", "title": "Xi speaks with Putin on phone",
    "paragraphs": ("Chinese President Xi Jinping spoke with Russian President Vladimir Putin.",),
    "published_at": T0 + timedelta(hours=5),
}


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_matcher_case(case: MatcherCase, order: str, store: Store) -> None:
    assert run_matcher_case(case, call_service(store, SETTINGS), order) == []


def test_the_table_covers_what_the_matcher_must_get_right() -> None:
    ids = " ".join(case.id for case in CASES)
    for needle in ("decoys", "days-apart", "date-shift", "late", "commentary", "non-calls"):
        assert needle in ids


def test_update_calls_reports_new_and_changed_calls_once(store: Store) -> None:
    store.documents.save(make_document())
    assert update_calls(store, SETTINGS, T0) == ["2022-06-15-putin-xi-phone"]
    assert update_calls(store, SETTINGS, T0) == []
    store.documents.save(make_document(**XINHUA))
    assert update_calls(store, SETTINGS, T0 + timedelta(hours=6)) == ["2022-06-15-putin-xi-phone"]
    [analysis] = list_calls(store, SETTINGS, T0 + timedelta(hours=6))
    assert analysis.call.sides == ("CN", "RU")


def test_a_new_version_updates_the_call_without_duplicating_it(store: Store) -> None:
    store.documents.save(make_document())
    update_calls(store, SETTINGS, T0)
    revised = make_document(paragraphs=("Vladimir Putin had a telephone conversation with Xi "
                                        "Jinping. They discussed Taiwan.",))
    assert store.documents.save(revised) == "version"
    assert update_calls(store, SETTINGS, T0) == ["2022-06-15-putin-xi-phone"]
    analysis = analyse_call(store, SETTINGS, "2022-06-15-putin-xi-phone", T0)
    assert len(analysis.call.documents) == 1
    assert [t.topic_id for t in analysis.topics] == ["taiwan"]


def test_high_water_mark_skips_processed_documents(store: Store) -> None:
    store.documents.save(make_document())
    update_calls(store, SETTINGS, T0)
    service = call_service(store, SETTINGS)
    mark = service.high_water()
    store.cursors.save(*PROGRESS, "0")  # as if the run had been interrupted before saving it
    assert mark >= 1
    assert update_calls(store, SETTINGS, T0) == []  # re-processing is a no-op
    with store.calls.begin() as calls:
        assert service.high_water() == mark and len(calls.all()) == 1


def test_one_sided_after_the_grace_period_on_the_injected_clock(store: Store) -> None:
    store.documents.save(make_document())
    update_calls(store, SETTINGS, T0)
    call_id = "2022-06-15-putin-xi-phone"
    assert not analyse_call(store, SETTINGS, call_id, T0 + timedelta(hours=23)).one_sided
    assert update_calls(store, SETTINGS, T0 + timedelta(hours=23)) == []
    assert update_calls(store, SETTINGS, T0 + timedelta(hours=25)) == [call_id]
    assert update_calls(store, SETTINGS, T0 + timedelta(hours=26)) == []
    later = analyse_call(store, SETTINGS, call_id, T0 + timedelta(hours=25))
    assert later.one_sided and not later.divergent  # one-sided is news of its own kind


def test_the_grace_period_is_configurable(store: Store) -> None:
    settings = load_settings(env={}, overrides={"analysis": {"one_sided_after_hours": 2}})
    store.documents.save(make_document())
    update_calls(store, settings, T0)
    assert update_calls(store, settings, T0 + timedelta(hours=3)) == ["2022-06-15-putin-xi-phone"]


def test_match_window_is_configurable(store: Store) -> None:
    narrow = load_settings(env={}, overrides={"analysis": {"match_window_hours": 2}})
    store.documents.save(make_document())
    store.documents.save(make_document(**XINHUA))
    assert len(update_calls(store, narrow, T0)) == 2


def update_calls(store: Store, settings: Settings, now: datetime) -> list[str]:
    return call_service(store, settings).update(now)


def analyse_call(store: Store, settings: Settings, call_id: str, now: datetime) -> CallAnalysis:
    return call_service(store, settings).analyse(call_id, now)


def list_calls(store: Store, settings: Settings, now: datetime) -> list[CallAnalysis]:
    return call_service(store, settings).all(now)


def test_types_and_ids() -> None:
    assert compatible("video", "talks") and compatible(None, "phone")
    assert not compatible("phone", "video")
    assert unique_id("2022-06-15-putin-xi-phone", {"2022-06-15-putin-xi-phone"}) == (
        "2022-06-15-putin-xi-phone-2")


def test_second_call_same_day_gets_a_numbered_id(store: Store) -> None:
    store.documents.save(make_document())
    store.documents.save(make_document(url="http://en.kremlin.ru/events/president/news/68660",
                                      external_id="68660",
                                      published_at=T0 + timedelta(hours=6)))
    assert update_calls(store, SETTINGS, T0 + timedelta(hours=7)) == [
        "2022-06-15-putin-xi-phone", "2022-06-15-putin-xi-phone-2"]


def test_documents_keep_their_latest_version_id(store: Store) -> None:
    store.documents.save(make_document())
    update_calls(store, SETTINGS, T0)
    store.documents.save(replace(make_document(), title="Telephone conversation with Xi Jinping"))
    update_calls(store, SETTINGS, T0)
    [latest] = store.documents.versions(make_document().url)[-1:]
    with store.calls.begin() as calls:
        [link] = calls.links("2022-06-15-putin-xi-phone")
    assert link.document_id == latest.id


def test_a_timed_account_gives_a_date_only_call_its_time(store: Store) -> None:
    """The call's date stays the Chinese page's own (16 Feb); its time is the Kremlin's."""
    china = make_document(source_id="xinhua_zh", side="CN", language="zh",
                          url="http://news.cn/1", title="习近平同俄罗斯总统普京通电话",
                          published_at=datetime(2021, 2, 15, 16, 0, tzinfo=UTC),
                          paragraphs=("国家主席习近平同俄罗斯总统普京通电话。",))
    kremlin = make_document(published_at=datetime(2021, 2, 16, 12, 0, tzinfo=UTC))
    store.documents.save(china)
    now = datetime(2021, 2, 20, tzinfo=UTC)
    [call_id] = update_calls(store, SETTINGS, now)
    first = analyse_call(store, SETTINGS, call_id, now).call
    assert call_id.startswith("2021-02-16-") and first.date_only
    store.documents.save(kremlin)
    update_calls(store, SETTINGS, now)
    joined = analyse_call(store, SETTINGS, call_id, now).call
    assert not joined.date_only and joined.occurred_at == kremlin.published_at
