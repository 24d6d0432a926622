"""The one real clock. Read by default arguments and the composition root; everything that
decides by time takes a `Clock` (or a `now`) so tests can pass their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Now, as aware UTC."""
    return datetime.now(UTC)
