"""The calls repository: recognised calls and the documents filed under each (the analysis's).

`calls` holds one row per call (stable readable id, leader pair, type, time, sides present,
one-sided state); `call_documents` links each document URL to its call (one call per URL, the
latest version's id). The matcher reads and writes many rows per document, so the repository
hands out sessions, each one transaction: `with store.calls.begin() as calls: …`.

Contract (every backend): a URL is linked to at most one call; `candidates` finds a pair's
calls within a time range by index (no scan); `updated_since` lists changed calls, oldest
change first; nothing a session did is visible to others before it ends, and all of it is
undone if it ends with an exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from rashomon.models import Document
from rashomon.store.schema import call_documents, calls


@dataclass(frozen=True)
class CallRow:
    """A stored call, without its documents."""

    id: str
    type: str | None
    participants: tuple[str, ...]
    occurred_at: datetime
    initiator: str | None = None
    sides: tuple[str, ...] = ()
    one_sided: bool = False
    settled: bool = False
    date_only: bool = False  # no account gave a time: occurred_at is 00:00 UTC of the call's date

    @property
    def pair(self) -> str:
        return ",".join(self.participants)


@dataclass(frozen=True)
class Link:
    """A document of a call, as the matcher needs to see it."""

    url: str
    call_id: str
    document_id: int
    side: str
    source_id: str
    kind: str
    external_id: str | None


class CallRepository:
    """Hands out call sessions over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def begin(self) -> Iterator[CallSession]:
        """One transaction: committed when the block ends, rolled back on an exception."""
        with self._engine.begin() as connection:
            yield CallSession(connection)


class CallSession:
    """Queries on calls inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # ---------------------------------------------------------------- reading
    def get(self, call_id: str) -> CallRow | None:
        row = self._first(select(calls).where(calls.c.id == call_id))
        return None if row is None else _call(row)

    def all(self, since: datetime | None = None) -> list[CallRow]:
        query = select(calls).order_by(calls.c.occurred_at, calls.c.id)
        if since is not None:
            query = query.where(calls.c.occurred_at >= since)
        return [_call(row._mapping) for row in self.connection.execute(query)]

    def updated_since(self, when: datetime | None) -> list[str]:
        """Ids of the calls changed after `when` (all calls when None), oldest change first."""
        query = select(calls.c.id).order_by(calls.c.updated_at, calls.c.id)
        if when is not None:
            query = query.where(calls.c.updated_at > when)
        return list(self.connection.execute(query).scalars())

    def candidates(self, pair: str, start: datetime, end: datetime) -> list[CallRow]:
        """Calls of one leader pair within a time range: the matcher's block."""
        query = select(calls).where(
            calls.c.participants == pair, calls.c.occurred_at.between(start, end)
        )
        return [_call(row._mapping) for row in self.connection.execute(query)]

    def links(self, call_id: str) -> list[Link]:
        query = select(call_documents).where(call_documents.c.call_id == call_id)
        return [_link(row._mapping) for row in self.connection.execute(query)]

    def link(self, url: str) -> Link | None:
        row = self._first(select(call_documents).where(call_documents.c.url == url))
        return None if row is None else _link(row)

    def by_external_id(self, side: str, external_id: str) -> str | None:
        """The call of another page of the same event (the Kremlin's RU and EN pages)."""
        query = select(call_documents.c.call_id).where(
            call_documents.c.side == side, call_documents.c.external_id == external_id
        )
        row = self._first(query)
        return None if row is None else row["call_id"]

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of `ids` are taken (primary-key lookups: no scan of the table)."""
        query = select(calls.c.id).where(calls.c.id.in_(ids))
        return set(self.connection.execute(query).scalars())

    def unsettled(self, before: datetime) -> list[CallRow]:
        """Calls whose one-sided grace period ended before `before` and are not judged yet."""
        query = select(calls).where(calls.c.settled.is_(False), calls.c.occurred_at <= before)
        return [_call(row._mapping) for row in self.connection.execute(query)]

    # ---------------------------------------------------------------- writing
    def create(self, call: CallRow, now: datetime) -> None:
        values = {**_call_values(call), "created_at": now, "updated_at": now}
        self.connection.execute(calls.insert().values(values))

    def save(self, call: CallRow, now: datetime) -> None:
        values = {**_call_values(call), "updated_at": now}
        del values["id"]
        self.connection.execute(calls.update().where(calls.c.id == call.id).values(values))

    def attach(self, call_id: str, doc: Document) -> None:
        self.connection.execute(call_documents.insert().values(
            url=doc.url, call_id=call_id, document_id=doc.id, side=doc.side,
            source_id=doc.source_id, kind=doc.kind, external_id=doc.external_id,
            published_at=doc.published_at,
        ))

    def relink(self, url: str, document_id: int) -> None:
        query = call_documents.update().where(call_documents.c.url == url)
        self.connection.execute(query.values(document_id=document_id))

    def move_links(self, from_call: str, to_call: str) -> None:
        query = call_documents.update().where(call_documents.c.call_id == from_call)
        self.connection.execute(query.values(call_id=to_call))

    def delete(self, call_id: str) -> None:
        self.connection.execute(calls.delete().where(calls.c.id == call_id))

    def _first(self, query: Any) -> Any:
        row = self.connection.execute(query).first()
        return None if row is None else row._mapping


def _call_values(call: CallRow) -> dict[str, Any]:
    return {
        "id": call.id,
        "type": call.type,
        "participants": call.pair,
        "occurred_at": call.occurred_at,
        "initiator": call.initiator,
        "sides": ",".join(call.sides),
        "one_sided": call.one_sided,
        "settled": call.settled,
        "date_only": call.date_only,
    }


def _call(row: Any) -> CallRow:
    return CallRow(
        id=row["id"],
        type=row["type"],
        participants=tuple(row["participants"].split(",")),
        occurred_at=row["occurred_at"],
        initiator=row["initiator"],
        sides=tuple(side for side in row["sides"].split(",") if side),
        one_sided=bool(row["one_sided"]),
        settled=bool(row["settled"]),
        date_only=bool(row["date_only"]),
    )


def _link(row: Any) -> Link:
    return Link(
        url=row["url"],
        call_id=row["call_id"],
        document_id=row["document_id"],
        side=row["side"],
        source_id=row["source_id"],
        kind=row["kind"],
        external_id=row["external_id"],
    )

