"""How the CLI shows the outbox: one table, channel names only (never a URL or a secret)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.markup import escape
from rich.table import Table

from alerts.outbox import FAILED, PENDING, SENT, Message
from alerts.text import shorten, utc_text

STYLES = {PENDING: "yellow", SENT: "green", FAILED: "red"}


def outbox_table(messages: list[Message], counts: Mapping[str, int]) -> Table:
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in (PENDING, SENT, FAILED))
    table = Table(title=f"Alert outbox: {summary}", title_justify="left")
    for column in ("id", "status", "type", "channel", "subject", "tries", "when", "reason"):
        table.add_column(column, overflow="fold")
    for message in messages:
        table.add_row(*_row(message))
    return table


def _row(message: Message) -> tuple[str, ...]:
    status = f"[{STYLES[message.status]}]{message.status}[/]"
    cells = (message.type, message.channel, shorten(message.subject, 40),
             str(message.attempts), _when(message), _reason(message))
    return (str(message.id), status, *(escape(cell) for cell in cells))


def _when(message: Message) -> str:
    if message.status == SENT and message.sent_at is not None:
        return f"sent {utc_text(message.sent_at)}"
    if message.status == PENDING:
        return f"due {utc_text(message.next_attempt_at)}"
    return f"created {utc_text(message.created_at)}"


def _reason(message: Message) -> str:
    if message.status == SENT:
        return "" if message.http_status is None else f"HTTP {message.http_status}"
    return message.last_error or ""
