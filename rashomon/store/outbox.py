"""The alert outbox repository: every alert is a row here before anyone tries to send it.

Contract, each guarantee held by the database rather than by process memory (every backend):
- **Written before sent.** `write` commits the messages and the state change that caused them
  in one transaction; delivery only ever reads from this table, so a crash loses nothing.
- **Never stored twice.** `key` (subject, channel and content fingerprint, hashed) and the
  triple itself are UNIQUE: writing the same alert again writes nothing, whoever does it.
- **State moves by compare-and-set.** A `Change` (`advance_state` here, `flip` in
  `store.health`) applies only if the state is still what the writer saw; if it is not, or a
  message exists already, `write` returns [] and nothing at all is written.
- **Never sent by two processes.** `claim_next` takes a row with a conditional UPDATE
  (pending, due, lease free → owner + lease expiry); only one UPDATE can win. A claim whose
  process died expires with its lease and the row is taken again (at-least-once at that exact
  boundary; the `webhook-id` lets a receiver drop the duplicate). An outcome (`sent`, `retry`,
  `failed`, `release`) is recorded only by the owner that still holds the claim.
- **Retries survive restarts.** attempts, next_attempt_at, last_error and failing_since (the
  first failed attempt since the alert was written or re-queued) are columns.

Statuses: `pending` (waiting or due), `sent`, `failed` (permanent, or given up on: still failing
after the retry policy's time budget).
Also here: the alert state (per subject and channel, the snapshot last alerted, as JSON).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, and_, func, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from rashomon.store.schema import alert_outbox, alert_state

PENDING, SENT, FAILED = "pending", "sent", "failed"


class Change(Protocol):
    """A compare-and-set of stored state, applied in the outbox's write transaction."""

    def apply(self, connection: Connection) -> bool:
        """Make the change; False when the state was no longer what the writer saw."""


class _Lost(Exception):
    """Another process changed the state first: this transaction must not commit."""


@dataclass(frozen=True)
class NewMessage:
    """A rendered alert for one channel, about to enter the outbox."""

    key: str
    subject: str
    channel: str
    fingerprint: str
    kind: str
    type: str
    headline: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Message:
    """One outbox row."""

    id: int
    key: str
    subject: str
    channel: str
    kind: str
    type: str
    headline: str
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    http_status: int | None
    created_at: datetime
    sent_at: datetime | None
    failing_since: datetime | None = None


@dataclass(frozen=True)
class AlertStateChange:
    """Move one subject's state for one channel from fingerprint `previous` (None: no state
    yet) to `fingerprint` with its `snapshot`."""

    subject: str
    channel: str
    fingerprint: str
    snapshot: dict[str, Any]
    previous: str | None
    at: datetime

    def apply(self, connection: Connection) -> bool:
        values = {"fingerprint": self.fingerprint, "snapshot": self.snapshot,
                  "updated_at": self.at}
        if self.previous is None:
            connection.execute(alert_state.insert().values(
                subject=self.subject, channel=self.channel, **values))
            return True
        update = alert_state.update().where(
            alert_state.c.subject == self.subject, alert_state.c.channel == self.channel,
            alert_state.c.fingerprint == self.previous).values(values)
        return connection.execute(update).rowcount == 1


class OutboxRepository:
    """Queries on the outbox and the alert state; every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # ------------------------------------------------------------------ writing
    def write(self, messages: Iterable[NewMessage], change: Change | None = None) -> list[int]:
        """Insert the messages and apply `change`, atomically.

        Returns the new ids, or [] when a message exists already or the change lost a race:
        then nothing at all is written.
        """
        try:
            with self._engine.begin() as conn:
                ids = [self._insert(conn, message) for message in messages]
                if change is not None and not change.apply(conn):
                    raise _Lost
        except (IntegrityError, _Lost):
            return []
        return ids

    def _insert(self, conn: Connection, message: NewMessage) -> int:
        row = {**message.__dict__, "status": PENDING, "attempts": 0,
               "next_attempt_at": message.created_at, "updated_at": message.created_at}
        result = conn.execute(alert_outbox.insert().values(row))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    # ------------------------------------------------------------------ alert state
    def state(self, subject: str, channel: str) -> dict[str, Any] | None:
        """The snapshot last alerted about `subject` to `channel` (as written), or None."""
        query = select(alert_state.c.snapshot).where(
            alert_state.c.subject == subject, alert_state.c.channel == channel)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar()

    def advance_state(self, subject: str, channel: str, fingerprint: str,
                      snapshot: dict[str, Any], previous: str | None,
                      now: datetime) -> AlertStateChange:
        """The change that moves the state from fingerprint `previous` to this snapshot."""
        return AlertStateChange(subject, channel, fingerprint, snapshot, previous, now)

    # ------------------------------------------------------------------ claiming and results
    def claim_next(self, owner: str, now: datetime, lease_until: datetime,
                   exclude: Iterable[str] = ()) -> Message | None:
        """Take the next due message for `owner` until `lease_until`, or None if none is due."""
        for message_id in self._due_ids(now, set(exclude)):
            claim = alert_outbox.update().where(alert_outbox.c.id == message_id, _due(now))
            with self._engine.begin() as conn:
                won = conn.execute(claim.values(lease_owner=owner, lease_until=lease_until))
            if won.rowcount == 1:
                return self.get(message_id)
        return None

    def _due_ids(self, now: datetime, exclude: set[str]) -> list[int]:
        query = select(alert_outbox.c.id).where(_due(now))
        if exclude:
            query = query.where(alert_outbox.c.channel.not_in(exclude))
        query = query.order_by(alert_outbox.c.next_attempt_at, alert_outbox.c.id).limit(10)
        with self._engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def due_count(self, now: datetime) -> int:
        """How many messages could be claimed at `now`."""
        query = select(func.count()).select_from(alert_outbox).where(_due(now))
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def next_due(self, exclude: Iterable[str] = ()) -> datetime | None:
        """When a pending message can next be claimed: due, and its lease (if any) expired."""
        query = select(alert_outbox.c.next_attempt_at, alert_outbox.c.lease_until).where(
            alert_outbox.c.status == PENDING)
        exclude = set(exclude)
        if exclude:
            query = query.where(alert_outbox.c.channel.not_in(exclude))
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return min((max(due, lease or due) for due, lease in rows), default=None)

    def sent(self, message: Message, owner: str, now: datetime, status: int | None) -> bool:
        return self._finish(message, owner, now, status=SENT, sent_at=now, http_status=status,
                            attempts=message.attempts + 1, last_error=None)

    def retry(self, message: Message, owner: str, now: datetime, when: datetime,
              error: str, status: int | None) -> bool:
        """Schedule another attempt at `when`; the first failure's time is kept."""
        return self._finish(message, owner, now, next_attempt_at=when, last_error=error,
                            attempts=message.attempts + 1, http_status=status,
                            failing_since=message.failing_since or now)

    def failed(self, message: Message, owner: str, now: datetime, error: str,
               status: int | None, attempted: bool = True) -> bool:
        return self._finish(message, owner, now, status=FAILED, last_error=error,
                            attempts=message.attempts + int(attempted), http_status=status)

    def release(self, message: Message, owner: str, now: datetime) -> bool:
        """Give a claimed message back untouched (its channel is paused for this run)."""
        return self._finish(message, owner, now)

    def _finish(self, message: Message, owner: str, now: datetime, **values: Any) -> bool:
        """Record an outcome, only if this owner still holds the claim."""
        query = alert_outbox.update().where(
            alert_outbox.c.id == message.id, alert_outbox.c.lease_owner == owner,
            alert_outbox.c.status == PENDING,
        ).values(lease_owner=None, lease_until=None, updated_at=now, **values)
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount == 1

    # ------------------------------------------------------------------ the CLI's view
    def get(self, message_id: int) -> Message | None:
        query = select(alert_outbox).where(alert_outbox.c.id == message_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _message(row._mapping)

    def messages(self, status: str | None = None, limit: int = 50) -> list[Message]:
        """Newest first."""
        query = select(alert_outbox).order_by(alert_outbox.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(alert_outbox.c.status == status)
        with self._engine.connect() as conn:
            return [_message(row._mapping) for row in conn.execute(query)]

    def counts(self) -> dict[str, int]:
        """Messages per status."""
        query = select(alert_outbox.c.status, func.count()).group_by(alert_outbox.c.status)
        with self._engine.connect() as conn:
            return {status: count for status, count in conn.execute(query)}

    def requeue(self, now: datetime, message_id: int | None = None) -> int:
        """Failed messages (all, or one) back to pending, due now, with fresh attempts and a
        fresh time budget."""
        query = alert_outbox.update().where(alert_outbox.c.status == FAILED)
        if message_id is not None:
            query = query.where(alert_outbox.c.id == message_id)
        values = {"status": PENDING, "attempts": 0, "next_attempt_at": now, "updated_at": now,
                  "lease_owner": None, "lease_until": None, "failing_since": None}
        with self._engine.begin() as conn:
            return conn.execute(query.values(values)).rowcount


def _due(now: datetime) -> Any:
    free = or_(alert_outbox.c.lease_until.is_(None), alert_outbox.c.lease_until < now)
    return and_(alert_outbox.c.status == PENDING, alert_outbox.c.next_attempt_at <= now, free)


def _message(row: RowMapping) -> Message:
    return Message(**{name: row[name] for name in Message.__dataclass_fields__})
