"""The store's contract, every repository, run against every backend (SQLite always;
PostgreSQL when RASHOMON_TEST_POSTGRES_URL names a scratch database)."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from rashomon.errors import StoreError
from rashomon.models import CrawlOutcome
from rashomon.store import Store, create_store_engine
from rashomon.store.calls import CallRow
from rashomon.store.health import HealthState
from rashomon.store.migrations import STEPS, migrate
from rashomon.store.outbox import NewMessage
from rashomon.store.robots import RobotsFile
from tests.conftest import make_document

LATEST = max(version for version, _, _ in STEPS)


def test_same_document_twice_is_a_no_op(any_store: Store) -> None:
    assert any_store.documents.save(make_document()) == "new"
    assert any_store.documents.save(make_document()) == "unchanged"
    assert len(list(any_store.documents.latest())) == 1


def test_changed_text_is_kept_as_a_new_version(any_store: Store) -> None:
    any_store.documents.save(make_document())
    edited = make_document(paragraphs=("Edited: the two leaders spoke at length.",))
    assert any_store.documents.save(edited) == "version"
    versions = any_store.documents.versions(edited.url)
    assert [v.version for v in versions] == [1, 2]
    latest = list(any_store.documents.latest())
    assert len(latest) == 1 and latest[0].paragraphs == edited.paragraphs


def test_documents_round_trip_with_aware_utc_times(any_store: Store) -> None:
    moscow = timezone(timedelta(hours=3))
    any_store.documents.save(make_document(
        published_at=datetime(2022, 6, 15, 14, 40, tzinfo=moscow), tags=("China",)))
    doc = next(any_store.documents.latest())
    assert doc.published_at == datetime(2022, 6, 15, 11, 40, tzinfo=UTC)
    assert doc.published_at.tzinfo == UTC
    assert doc.tags == ("China",) and doc.external_id == "68656" and doc.id is not None


def test_naive_times_are_refused(any_store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        any_store.documents.save(make_document(published_at=datetime(2022, 6, 15, 11, 40)))


def test_documents_filters_and_counts(any_store: Store) -> None:
    any_store.documents.save(make_document())
    any_store.documents.save(make_document(url="https://english.news.cn/x/c.html",
                                          source_id="xinhua_en", side="CN",
                                          published_at=datetime(2022, 6, 15, 12, 50, tzinfo=UTC)))
    assert [d.source_id for d in any_store.documents.latest(source_id="xinhua_en")] == ["xinhua_en"]
    since = datetime(2022, 6, 15, 12, 0, tzinfo=UTC)
    assert [d.source_id for d in any_store.documents.latest(since=since)] == ["xinhua_en"]
    assert any_store.documents.counts() == {"kremlin_en": 1, "xinhua_en": 1}
    assert any_store.documents.known_urls("kremlin_en") == {make_document().url}
    assert any_store.documents.has_url(make_document().url)


def test_reading_latest_holds_no_reader_so_the_log_can_be_checkpointed(store: Store,
                                                                        tmp_path: Path) -> None:
    """The matcher writes while it reads `latest()`: a reader held open for the whole run kept
    SQLite from ever resetting its write-ahead log, which grew past twice the database."""
    store.documents.save_all(make_document(url=f"http://x/{n}", external_id=str(n))
                             for n in range(1200))
    documents = store.documents.latest()
    next(documents)  # the iteration is under way
    store.documents.save(make_document(url="http://x/new", external_id="new"))
    with contextlib.closing(sqlite3.connect(tmp_path / "store.db", timeout=1)) as connection:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0  # no reader holds an old snapshot: the log was emptied
    assert len(list(documents)) == 1199
    assert (tmp_path / "store.db-wal").stat().st_size == 0


def test_skipped_pages_count_as_known(any_store: Store) -> None:
    any_store.documents.skip("mfa_en", "https://www.mfa.gov.cn/eng/x/t1.html", "deleted")
    any_store.documents.skip("mfa_en", "https://www.mfa.gov.cn/eng/x/t1.html", "deleted")  # again
    assert any_store.documents.known_urls("mfa_en") == {"https://www.mfa.gov.cn/eng/x/t1.html"}
    assert any_store.documents.known_urls("mfa_zh") == set()
    assert list(any_store.documents.latest()) == []


def test_crawl_outcomes_newest_first(any_store: Store) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for minutes in (0, 10):
        outcome = CrawlOutcome("kremlin_en", start, start + timedelta(minutes=minutes),
                               requests=3, responses={"200": 2, "304": 1}, items_stored=minutes,
                               parse_failures=1 if minutes else 0, failed_urls=("http://x/1",))
        any_store.crawls.record(outcome, run_id=f"run{minutes}")
    crawls = any_store.crawls.outcomes(source_id="kremlin_en")
    assert [c.items_stored for c in crawls] == [10, 0]
    assert crawls[0].responses == {"200": 2, "304": 1} and not crawls[0].ok and crawls[1].ok
    assert [c.items_stored for c in any_store.crawls.outcomes(run_id="run0")] == [0]


def test_crawl_outcomes_keep_failure_reasons_and_deferred_items(any_store: Store) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    outcome = CrawlOutcome("xinhua_en", start, start, parse_failures=2,
                           failed_urls=("http://x/1", "http://x/2"),
                           reasons=("empty feed", "page cut short: no closing </html>"),
                           deferred=4950)
    any_store.crawls.record(outcome, run_id="r")
    [kept] = any_store.crawls.outcomes(source_id="xinhua_en")
    assert kept.reasons == outcome.reasons and kept.deferred == 4950
    assert kept.failures == ("http://x/1: empty feed",
                             "http://x/2: page cut short: no closing </html>")


def test_robots_files_are_kept_by_origin_and_confirmed(any_store: Store) -> None:
    checked = datetime(2026, 1, 1, tzinfo=UTC)
    assert any_store.robots.get("https://www.mfa.gov.cn") is None
    first = RobotsFile("https://www.mfa.gov.cn", "User-agent: *\nDisallow: /x\n", 200, checked,
                       '"e1"', "Wed, 15 Jun 2022 11:40:00 GMT")
    any_store.robots.save(first)
    any_store.robots.save(RobotsFile("http://kremlin.ru", "", 404, checked))
    assert any_store.robots.get("https://www.mfa.gov.cn") == first
    any_store.robots.confirm("https://www.mfa.gov.cn", checked + timedelta(hours=1))
    assert any_store.robots.get("https://www.mfa.gov.cn") == replace(
        first, checked_at=checked + timedelta(hours=1))
    assert any_store.robots.get("http://kremlin.ru") == RobotsFile("http://kremlin.ru", "", 404,
                                                                   checked)


def test_validators_and_cursors_upsert(any_store: Store) -> None:
    any_store.validators.save("http://x/feed", '"abc"', None)
    any_store.validators.save("http://x/feed", '"def"', "Wed, 15 Jun 2022 11:40:00 GMT")
    assert any_store.validators.get(["http://x/feed"]) == {
        "http://x/feed": ('"def"', "Wed, 15 Jun 2022 11:40:00 GMT")}
    any_store.cursors.save("kremlin_en", "backfill", "http://x/feed/page/2", "2022-01-01")
    assert any_store.cursors.get("kremlin_en", "backfill") == ("http://x/feed/page/2", "2022-01-01")
    any_store.cursors.clear("kremlin_en", "backfill")
    assert any_store.cursors.get("kremlin_en", "backfill") is None


def test_reopening_keeps_data_and_runs_new_migration_steps_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url).documents.save(make_document())
    calls: list[int] = []

    def add_column(connection: object) -> None:
        calls.append(1)
        connection.execute(text("ALTER TABLE documents ADD COLUMN note TEXT"))  # type: ignore[attr-defined]

    engine = create_store_engine(url)
    latest = max(version for version, _, _ in STEPS)
    steps = [*STEPS, (latest + 1, "add documents.note", add_column)]
    assert migrate(engine, steps) == latest + 1
    assert migrate(engine, steps) == latest + 1
    assert calls == [1]
    assert len(list(Store.open(url).documents.latest())) == 1


def test_a_store_from_before_date_only_calls_gains_the_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url).close()
    engine = create_store_engine(url)
    with engine.begin() as connection:  # the schema of version 0
        connection.execute(text("ALTER TABLE calls DROP COLUMN date_only"))
        connection.execute(text("UPDATE meta SET value = '0' WHERE key = 'schema_version'"))
    Store.open(url).close()
    with engine.connect() as connection:
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(calls)"))]
        version = connection.execute(
            text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    assert "date_only" in columns and version == str(LATEST)  # every step since version 0 ran


def test_a_store_from_before_failure_reasons_keeps_its_crawls(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url).close()
    engine = create_store_engine(url)
    with engine.begin() as connection:  # the crawls table of version 2, with one old row
        connection.execute(text("ALTER TABLE crawls DROP COLUMN failure_reasons"))
        connection.execute(text("ALTER TABLE crawls DROP COLUMN deferred"))
        connection.execute(text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))
        connection.execute(text(
            "INSERT INTO crawls (run_id, source_id, mode, started_at, finished_at, requests, "
            "responses, items_stored, parse_failures, failed_urls) VALUES ('r', 'kremlin_en', "
            "'crawl', '2026-01-01 00:00:00', '2026-01-01 00:01:00', 1, '{}', 0, 1, "
            "'[\"http://x/1\"]')"))
    store = Store.open(url)
    [old] = store.crawls.outcomes()
    store.close()
    assert old.failed_urls == ("http://x/1",) and old.reasons == () and old.deferred == 0
    assert old.failures == ("http://x/1",)


def test_bad_store_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store.open("not a url")


def test_entry_points_count_failures_in_a_row_and_keep_since_when(any_store: Store) -> None:
    url, t0 = "http://en.kremlin.ru/events/president/transcripts/feed", datetime(2026, 1, 1,
                                                                                tzinfo=UTC)
    for hours in (0, 1, 2):
        any_store.entry_points.record("kremlin_en", url, "HTTP 404", False,
                                     t0 + timedelta(hours=hours))
    [failing] = any_store.entry_points.states("kremlin_en")
    assert (failing.failures, failing.failing_since, failing.last_status) == (3, t0, "HTTP 404")
    assert failing.failing and failing.checked_at == t0 + timedelta(hours=2)
    any_store.entry_points.record("kremlin_en", url, "HTTP 304", True, t0 + timedelta(hours=3))
    [answered] = any_store.entry_points.states()
    assert (answered.failures, answered.failing_since, answered.failing) == (0, None, False)
    assert any_store.entry_points.states("xinhua_en") == []


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_store_from_before_one_progress_table_keeps_its_marks(any_store: Store) -> None:
    """Version 1 kept the matcher's mark in `analysis_marks` and the alert pass's under a
    made-up source "pipeline": both move into `cursors`, now keyed by scope."""
    url = any_store.url
    any_store.close()
    engine = create_store_engine(url)
    with engine.begin() as connection:  # the shape of version 1
        connection.execute(text("ALTER TABLE cursors RENAME COLUMN scope TO source_id"))
        connection.execute(text("CREATE TABLE analysis_marks (name VARCHAR(64) PRIMARY KEY, "
                                "value INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO analysis_marks VALUES ('documents', 42)"))
        connection.execute(text(
            "INSERT INTO cursors (source_id, name, value, updated_at) VALUES "
            "('pipeline', 'calls_alerted_until', '2026-01-01T00:00:00+00:00', '2026-01-01')"))
        connection.execute(text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
    engine.dispose()
    reopened = Store.open(url)
    assert reopened.cursors.get("analysis", "documents") == ("42", None)
    assert reopened.cursors.get("alerts", "calls_alerted_until") == (
        "2026-01-01T00:00:00+00:00", None)
    assert reopened.cursors.get("pipeline", "calls_alerted_until") is None
    reopened.close()
    engine = create_store_engine(url)
    with engine.connect() as connection:
        assert not engine.dialect.has_table(connection, "analysis_marks")
    engine.dispose()


def test_save_all_versions_like_save(any_store: Store) -> None:
    edited = make_document(paragraphs=("Edited.",))
    assert any_store.documents.save_all([make_document(), make_document(), edited]) == [
        "new", "unchanged", "version"]
    assert [d.version for d in any_store.documents.versions(edited.url)] == [1, 2]


def test_newest_publication_and_press_in_a_window(any_store: Store) -> None:
    assert any_store.documents.newest_published("kremlin_en") is None
    any_store.documents.save(make_document())
    press = make_document(source_id="press_x", side="press", kind="press", external_id=None,
                          url="https://press.example/1", published_at=T0)
    any_store.documents.save(press)
    any_store.documents.save(replace(press, title="Revised"))  # a second version: its id counts
    assert any_store.documents.newest_published("kremlin_en") == make_document().published_at
    [latest] = [d.id for d in any_store.documents.latest(source_id="press_x")]
    assert any_store.documents.press_ids(T0 - timedelta(hours=1), T0) == [latest]
    assert any_store.documents.press_ids(T0 + timedelta(hours=1), T0 + timedelta(hours=2)) == []


def test_the_oldest_crawl_of_a_source(any_store: Store) -> None:
    assert any_store.crawls.oldest("kremlin_en") is None
    for minutes in (10, 0, 20):
        finished = T0 + timedelta(minutes=minutes)
        any_store.crawls.record(CrawlOutcome("kremlin_en", finished, finished), run_id="r")
    oldest = any_store.crawls.oldest("kremlin_en")
    assert oldest is not None and oldest.finished_at == T0


def call_row(call_id: str, hours: float = 0) -> CallRow:
    return CallRow(call_id, "phone", ("putin", "xi"), T0 + timedelta(hours=hours), sides=("RU",))


def test_calls_are_found_by_pair_and_time_and_linked_once(any_store: Store) -> None:
    any_store.documents.save(make_document())
    [doc] = any_store.documents.latest()
    with any_store.calls.begin() as calls:
        calls.create(call_row("a"), T0)
        calls.create(call_row("b", hours=48), T0)
        calls.attach("a", doc)
    with any_store.calls.begin() as calls:
        assert [c.id for c in calls.candidates("putin,xi", T0 - timedelta(hours=1),
                                               T0 + timedelta(hours=1))] == ["a"]
        assert calls.by_external_id("RU", "68656") == "a"
        assert calls.existing_ids(["a", "c"]) == {"a"}
        with pytest.raises(IntegrityError):
            calls.attach("b", doc)  # one call per URL


def test_a_call_session_that_fails_leaves_nothing(any_store: Store) -> None:
    with pytest.raises(RuntimeError), any_store.calls.begin() as calls:
        calls.create(call_row("a"), T0)
        raise RuntimeError("the matcher failed half-way")
    with any_store.calls.begin() as calls:
        assert calls.all() == [] and calls.updated_since(None) == []


def message(key: str = "msg_1", subject: str = "call-1") -> NewMessage:
    return NewMessage(key=key, subject=subject, channel="hook", fingerprint=key, kind="webhook",
                      type="divergence", headline="h", body="{}", created_at=T0)


def test_the_outbox_writes_once_with_its_state_change(any_store: Store) -> None:
    outbox = any_store.outbox
    first = outbox.advance_state("call-1", "hook", "f1", {"a": 1}, None, T0)
    assert len(outbox.write([message()], first)) == 1
    assert outbox.write([message()], first) == []  # the same alert again: nothing written
    assert outbox.state("call-1", "hook") == {"a": 1}
    stale = outbox.advance_state("call-1", "hook", "f2", {"a": 2}, "not-f1", T0)
    assert outbox.write([message("msg_2")], stale) == []  # lost the race: nothing at all
    moved = outbox.advance_state("call-1", "hook", "f2", {"a": 2}, "f1", T0)
    assert len(outbox.write([message("msg_2")], moved)) == 1
    assert outbox.state("call-1", "hook") == {"a": 2} and outbox.counts() == {"pending": 2}


def test_an_outbox_message_is_claimed_once_and_finished_by_its_owner(any_store: Store) -> None:
    outbox = any_store.outbox
    outbox.write([message()])
    lease = T0 + timedelta(minutes=2)
    claimed = outbox.claim_next("one", T0, lease)
    assert claimed is not None and outbox.claim_next("two", T0, lease) is None
    assert outbox.next_due() == lease
    assert not outbox.sent(claimed, "two", T0, 200)  # not the owner
    assert outbox.failed(claimed, "one", T0, "gone", 410)
    assert outbox.messages("failed")[0].last_error == "gone"
    assert outbox.requeue(T0) == 1 and outbox.counts() == {"pending": 1}
    again = outbox.claim_next("two", T0 + timedelta(minutes=3), lease + timedelta(minutes=3))
    assert again is not None and outbox.sent(again, "two", T0, 200)
    assert outbox.get(again.id).status == "sent"  # type: ignore[union-attr]


def test_source_health_flips_once(any_store: Store) -> None:
    health, outbox = any_store.health, any_store.outbox
    assert health.state("kremlin_en") == HealthState(False, False)
    flip = health.flip("kremlin_en", "failing", True, T0, T0)
    assert len(outbox.write([message()], flip)) == 1
    again = health.flip("kremlin_en", "failing", True, T0, T0)
    assert outbox.write([message("msg_2")], again) == []  # already failing: no second alert
    assert health.state("kremlin_en") == HealthState(failing=True, silent=False)
