"""The alert outbox: every alert is a row here before anyone tries to send it.

Guarantees, each held by the database rather than by process memory:
- **Written before sent.** `write` commits the message (and the state that caused it) in one
  transaction; delivery only ever reads from this table, so a crash loses nothing.
- **Never stored twice.** `key` — (subject, channel, content fingerprint) hashed — and the
  triple itself are UNIQUE: enqueueing the same alert again is a no-op, whoever does it.
- **Never sent by two processes.** `claim_next` takes a row with a conditional UPDATE
  (pending, due, lease free → owner + lease expiry); only one UPDATE can win. A claim whose
  process died expires with its lease and the row is taken again (at-least-once at that exact
  boundary; the `webhook-id` lets a receiver drop the duplicate).
- **Retries survive restarts.** attempts, next_attempt_at and last_error are columns.

Statuses: `pending` (waiting or due), `sent`, `failed` (permanent, or out of attempts).
Also here: `alert_state` (per call and channel, the snapshot last alerted) and
`source_health` (per source, whether a failing/silent alert is outstanding).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from alerts.snapshot import Snapshot
from rashomon.store.schema import UTCDateTime, metadata

PENDING, SENT, FAILED = "pending", "sent", "failed"

outbox_table = Table(
    "alert_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("subject", String(255), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("type", String(16), nullable=False),
    Column("headline", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text),
    Column("http_status", Integer),
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    UniqueConstraint("subject", "channel", "fingerprint", name="uq_alert_idempotency"),
    Index("ix_alert_outbox_due", "status", "next_attempt_at"),
)

state_table = Table(
    "alert_state",
    metadata,
    Column("subject", String(255), primary_key=True),
    Column("channel", String(64), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

health_table = Table(
    "source_health",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("failing", Boolean, nullable=False, default=False),
    Column("failing_since", UTCDateTime),
    Column("silent", Boolean, nullable=False, default=False),
    Column("silent_since", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
)

Guard = Callable[[Connection], bool]


class Lost(Exception):
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


class Outbox:
    """Queries on the outbox tables; every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ writing
    def write(self, messages: Iterable[NewMessage], guard: Guard | None = None) -> list[int]:
        """Insert the messages and run `guard` (a compare-and-set of the state) atomically.

        Returns the new ids, or [] when a message exists already or the guard lost a race:
        then nothing at all is written.
        """
        try:
            with self.engine.begin() as conn:
                ids = [self._insert(conn, message) for message in messages]
                if guard is not None and not guard(conn):
                    raise Lost
        except (IntegrityError, Lost):
            return []
        return ids

    def _insert(self, conn: Connection, message: NewMessage) -> int:
        row = {**message.__dict__, "status": PENDING, "attempts": 0,
               "next_attempt_at": message.created_at, "updated_at": message.created_at}
        result = conn.execute(outbox_table.insert().values(row))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    # ------------------------------------------------------------------ alert state
    def state(self, subject: str, channel: str) -> Snapshot | None:
        query = select(state_table.c.snapshot).where(
            state_table.c.subject == subject, state_table.c.channel == channel)
        with self.engine.connect() as conn:
            data = conn.execute(query).scalar()
        return None if data is None else Snapshot.from_json(data)

    def advance_state(self, subject: str, channel: str, snapshot: Snapshot,
                      previous: str | None, now: datetime) -> Guard:
        """A guard that moves the call's state from fingerprint `previous` to `snapshot`."""
        values = {"fingerprint": snapshot.fingerprint, "snapshot": snapshot.to_json(),
                  "updated_at": now}

        def guard(conn: Connection) -> bool:
            if previous is None:
                conn.execute(state_table.insert().values(subject=subject, channel=channel,
                                                         **values))
                return True
            update = state_table.update().where(
                state_table.c.subject == subject, state_table.c.channel == channel,
                state_table.c.fingerprint == previous).values(values)
            return conn.execute(update).rowcount == 1

        return guard

    # ------------------------------------------------------------------ claiming and results
    def claim_next(self, owner: str, now: datetime, lease_until: datetime,
                   exclude: Iterable[str] = ()) -> Message | None:
        """Take the next due message for `owner` until `lease_until`, or None if none is due."""
        for message_id in self._due_ids(now, set(exclude)):
            claim = outbox_table.update().where(outbox_table.c.id == message_id, _due(now))
            with self.engine.begin() as conn:
                won = conn.execute(claim.values(lease_owner=owner, lease_until=lease_until))
            if won.rowcount == 1:
                return self.get(message_id)
        return None

    def _due_ids(self, now: datetime, exclude: set[str]) -> list[int]:
        query = select(outbox_table.c.id).where(_due(now))
        if exclude:
            query = query.where(outbox_table.c.channel.not_in(exclude))
        query = query.order_by(outbox_table.c.next_attempt_at, outbox_table.c.id).limit(10)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def next_due(self, exclude: Iterable[str] = ()) -> datetime | None:
        """When a pending message can next be claimed: due, and its lease (if any) expired."""
        table = outbox_table
        query = select(table.c.next_attempt_at, table.c.lease_until).where(
            table.c.status == PENDING)
        exclude = set(exclude)
        if exclude:
            query = query.where(table.c.channel.not_in(exclude))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return min((max(due, lease or due) for due, lease in rows), default=None)

    def sent(self, message: Message, owner: str, now: datetime, status: int | None) -> bool:
        return self._finish(message, owner, now, status=SENT, sent_at=now, http_status=status,
                            attempts=message.attempts + 1, last_error=None)

    def retry(self, message: Message, owner: str, now: datetime, when: datetime,
              error: str, status: int | None) -> bool:
        return self._finish(message, owner, now, next_attempt_at=when, last_error=error,
                            attempts=message.attempts + 1, http_status=status)

    def failed(self, message: Message, owner: str, now: datetime, error: str,
               status: int | None, attempted: bool = True) -> bool:
        return self._finish(message, owner, now, status=FAILED, last_error=error,
                            attempts=message.attempts + int(attempted), http_status=status)

    def release(self, message: Message, owner: str, now: datetime) -> bool:
        """Give a claimed message back untouched (its channel is paused for this run)."""
        return self._finish(message, owner, now)

    def _finish(self, message: Message, owner: str, now: datetime, **values: Any) -> bool:
        """Record an outcome, only if this owner still holds the claim."""
        query = outbox_table.update().where(
            outbox_table.c.id == message.id, outbox_table.c.lease_owner == owner,
            outbox_table.c.status == PENDING,
        ).values(lease_owner=None, lease_until=None, updated_at=now, **values)
        with self.engine.begin() as conn:
            return conn.execute(query).rowcount == 1

    # ------------------------------------------------------------------ the CLI's view
    def get(self, message_id: int) -> Message | None:
        query = select(outbox_table).where(outbox_table.c.id == message_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _message(row._mapping)

    def messages(self, status: str | None = None, limit: int = 50) -> list[Message]:
        """Newest first."""
        query = select(outbox_table).order_by(outbox_table.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(outbox_table.c.status == status)
        with self.engine.connect() as conn:
            return [_message(row._mapping) for row in conn.execute(query)]

    def counts(self) -> dict[str, int]:
        query = select(outbox_table.c.status, func.count()).group_by(outbox_table.c.status)
        with self.engine.connect() as conn:
            return {status: count for status, count in conn.execute(query)}

    def requeue(self, now: datetime, message_id: int | None = None) -> int:
        """Failed messages (all, or one) back to pending, due now, with fresh attempts."""
        query = outbox_table.update().where(outbox_table.c.status == FAILED)
        if message_id is not None:
            query = query.where(outbox_table.c.id == message_id)
        values = {"status": PENDING, "attempts": 0, "next_attempt_at": now, "updated_at": now,
                  "lease_owner": None, "lease_until": None}
        with self.engine.begin() as conn:
            return conn.execute(query.values(values)).rowcount


def _due(now: datetime) -> Any:
    table = outbox_table
    free = or_(table.c.lease_until.is_(None), table.c.lease_until < now)
    return and_(table.c.status == PENDING, table.c.next_attempt_at <= now, free)


def _message(row: RowMapping) -> Message:
    names = Message.__dataclass_fields__
    return Message(**{name: row[name] for name in names})
