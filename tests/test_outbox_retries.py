"""The outbox keeps when an alert started failing (on every backend), and a store from before
that column gains it with the pending alerts' history kept (migration 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from rashomon.store import Store, create_store_engine
from rashomon.store.migrations import STEPS
from rashomon.store.outbox import FAILED, PENDING, NewMessage

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATEST = max(version for version, _, _ in STEPS)


def new_message(key: str = "k1") -> NewMessage:
    return NewMessage(key=key, subject=f"call-{key}", channel="hook", fingerprint=key,
                      kind="webhook", type="divergence", headline="h", body="{}", created_at=T0)


def claim(store: Store, at: datetime):  # type: ignore[no-untyped-def]
    message = store.outbox.claim_next("me", at, at + timedelta(seconds=60))
    assert message is not None
    return message


def test_the_first_failure_is_kept_through_later_retries_and_cleared_by_a_requeue(
        any_store: Store) -> None:
    any_store.outbox.write([new_message()])
    message = claim(any_store, T0)
    assert message.failing_since is None
    any_store.outbox.retry(message, "me", T0, T0, "HTTP 503", 503)
    later = T0 + timedelta(hours=5)
    message = claim(any_store, later)
    assert message.failing_since == T0 and message.attempts == 1
    any_store.outbox.retry(message, "me", later, later, "HTTP 503", 503)
    message = claim(any_store, later)
    assert message.failing_since == T0 and message.attempts == 2
    any_store.outbox.failed(message, "me", later, "gave up", 503)
    assert any_store.outbox.requeue(later) == 1
    [again] = any_store.outbox.messages()
    assert (again.status, again.attempts, again.failing_since) == (PENDING, 0, None)


def test_a_store_from_before_failing_since_keeps_its_alerts_and_their_history(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(url)
    store.outbox.write([new_message("failing"), new_message("given-up"), new_message("fresh")])
    failing, given_up, fresh = sorted(store.outbox.messages(), key=lambda m: m.id)
    store.outbox.retry(claim(store, T0), "me", T0, T0 + timedelta(hours=1), "HTTP 503", 503)
    store.outbox.failed(claim(store, T0), "me", T0, "gave up after 8 attempts", 503)
    store.close()
    engine = create_store_engine(url)
    with engine.begin() as connection:  # the outbox of version 3, and an attempt an hour later
        connection.execute(text("ALTER TABLE alert_outbox DROP COLUMN failing_since"))
        connection.execute(text("UPDATE alert_outbox SET updated_at = '2026-03-01 13:00:00' "
                                f"WHERE id = {failing.id}"))
        connection.execute(text("UPDATE meta SET value = '3' WHERE key = 'schema_version'"))
    engine.dispose()
    store = Store.open(url)
    by_id = {m.id: m for m in store.outbox.messages()}
    store.close()
    assert by_id[failing.id].failing_since == T0 + timedelta(hours=1)  # its last attempt
    assert by_id[failing.id].status == PENDING and by_id[failing.id].attempts == 1
    assert by_id[fresh.id].failing_since is None  # never attempted
    assert by_id[given_up.id].status == FAILED and by_id[given_up.id].failing_since is None
    engine = create_store_engine(url)
    with engine.connect() as connection:
        version = connection.execute(
            text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    engine.dispose()
    assert version == str(LATEST)
