"""The store's contract, run against every backend (SQLite always; PostgreSQL when
RASHOMON_TEST_POSTGRES_URL names a scratch database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from rashomon.errors import StoreError
from rashomon.models import CrawlOutcome
from rashomon.store import Store
from rashomon.store.migrations import STEPS, migrate
from tests.conftest import make_document


def test_same_document_twice_is_a_no_op(any_store: Store) -> None:
    assert any_store.save_document(make_document()) == "new"
    assert any_store.save_document(make_document()) == "unchanged"
    assert len(list(any_store.documents())) == 1


def test_changed_text_is_kept_as_a_new_version(any_store: Store) -> None:
    any_store.save_document(make_document())
    edited = make_document(paragraphs=("Edited: the two leaders spoke at length.",))
    assert any_store.save_document(edited) == "version"
    versions = any_store.versions(edited.url)
    assert [v.version for v in versions] == [1, 2]
    latest = list(any_store.documents())
    assert len(latest) == 1 and latest[0].paragraphs == edited.paragraphs


def test_documents_round_trip_with_aware_utc_times(any_store: Store) -> None:
    moscow = timezone(timedelta(hours=3))
    any_store.save_document(make_document(published_at=datetime(2022, 6, 15, 14, 40, tzinfo=moscow),
                                          tags=("China",)))
    doc = next(any_store.documents())
    assert doc.published_at == datetime(2022, 6, 15, 11, 40, tzinfo=UTC)
    assert doc.published_at.tzinfo == UTC
    assert doc.tags == ("China",) and doc.external_id == "68656" and doc.id is not None


def test_naive_times_are_refused(any_store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        any_store.save_document(make_document(published_at=datetime(2022, 6, 15, 11, 40)))


def test_documents_filters_and_counts(any_store: Store) -> None:
    any_store.save_document(make_document())
    any_store.save_document(make_document(url="https://english.news.cn/x/c.html",
                                          source_id="xinhua_en", side="CN",
                                          published_at=datetime(2022, 6, 15, 12, 50, tzinfo=UTC)))
    assert [d.source_id for d in any_store.documents(source_id="xinhua_en")] == ["xinhua_en"]
    since = datetime(2022, 6, 15, 12, 0, tzinfo=UTC)
    assert [d.source_id for d in any_store.documents(since=since)] == ["xinhua_en"]
    assert any_store.document_counts() == {"kremlin_en": 1, "xinhua_en": 1}
    assert any_store.known_urls("kremlin_en") == {make_document().url}
    assert any_store.has_url(make_document().url)


def test_skipped_pages_count_as_known(any_store: Store) -> None:
    any_store.skip_url("mfa_en", "https://www.mfa.gov.cn/eng/x/t1.html", "deleted")
    any_store.skip_url("mfa_en", "https://www.mfa.gov.cn/eng/x/t1.html", "deleted")  # again
    assert any_store.known_urls("mfa_en") == {"https://www.mfa.gov.cn/eng/x/t1.html"}
    assert any_store.known_urls("mfa_zh") == set()
    assert list(any_store.documents()) == []


def test_crawl_outcomes_newest_first(any_store: Store) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for minutes in (0, 10):
        outcome = CrawlOutcome("kremlin_en", start, start + timedelta(minutes=minutes),
                               requests=3, responses={"200": 2, "304": 1}, items_stored=minutes,
                               parse_failures=1 if minutes else 0, failed_urls=("http://x/1",))
        any_store.record_crawl(outcome, run_id=f"run{minutes}")
    crawls = any_store.crawls(source_id="kremlin_en")
    assert [c.items_stored for c in crawls] == [10, 0]
    assert crawls[0].responses == {"200": 2, "304": 1} and not crawls[0].ok and crawls[1].ok
    assert [c.items_stored for c in any_store.crawls(run_id="run0")] == [0]


def test_validators_and_cursors_upsert(any_store: Store) -> None:
    any_store.save_validators("http://x/feed", '"abc"', None)
    any_store.save_validators("http://x/feed", '"def"', "Wed, 15 Jun 2022 11:40:00 GMT")
    assert any_store.validators(["http://x/feed"]) == {
        "http://x/feed": ('"def"', "Wed, 15 Jun 2022 11:40:00 GMT")}
    any_store.save_cursor("kremlin_en", "backfill", "http://x/feed/page/2", "2022-01-01")
    assert any_store.cursor("kremlin_en", "backfill") == ("http://x/feed/page/2", "2022-01-01")
    any_store.clear_cursor("kremlin_en", "backfill")
    assert any_store.cursor("kremlin_en", "backfill") is None


def test_reopening_keeps_data_and_runs_new_migration_steps_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url).save_document(make_document())
    calls: list[int] = []

    def add_column(connection: object) -> None:
        calls.append(1)
        connection.execute(text("ALTER TABLE documents ADD COLUMN note TEXT"))  # type: ignore[attr-defined]

    store = Store.open(url)
    latest = max(version for version, _, _ in STEPS)
    steps = [*STEPS, (latest + 1, "add documents.note", add_column)]
    assert migrate(store.engine, steps) == latest + 1
    assert migrate(store.engine, steps) == latest + 1
    assert calls == [1]
    assert len(list(Store.open(url).documents())) == 1


def test_a_store_from_before_date_only_calls_gains_the_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(url)
    with store.engine.begin() as connection:  # the schema of version 0
        connection.execute(text("ALTER TABLE calls DROP COLUMN date_only"))
        connection.execute(text("UPDATE meta SET value = '0' WHERE key = 'schema_version'"))
    store.close()
    reopened = Store.open(url)
    with reopened.engine.connect() as connection:
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(calls)"))]
        version = connection.execute(
            text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    assert "date_only" in columns and version == "1"


def test_bad_store_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store.open("not a url")


def test_entry_points_count_failures_in_a_row_and_keep_since_when(any_store: Store) -> None:
    url, t0 = "http://en.kremlin.ru/events/president/transcripts/feed", datetime(2026, 1, 1,
                                                                                tzinfo=UTC)
    for hours in (0, 1, 2):
        any_store.record_entry_point("kremlin_en", url, "HTTP 404", False,
                                     t0 + timedelta(hours=hours))
    [failing] = any_store.entry_points("kremlin_en")
    assert (failing.failures, failing.failing_since, failing.last_status) == (3, t0, "HTTP 404")
    assert failing.failing and failing.checked_at == t0 + timedelta(hours=2)
    any_store.record_entry_point("kremlin_en", url, "HTTP 304", True, t0 + timedelta(hours=3))
    [answered] = any_store.entry_points()
    assert (answered.failures, answered.failing_since, answered.failing) == (0, None, False)
    assert any_store.entry_points("xinhua_en") == []
