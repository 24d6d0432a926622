"""HTTP details shared by the crawler (sites asking us to slow down) and the alerts
(webhooks asking us to retry later, or taking their time to answer).

`retry_after` reads a Retry-After header, in either of its forms, into a number of seconds that
any caller can turn into a `timedelta`: never negative, never infinite, at most a year. Each
caller then holds it to its own configured maximum (`[crawl] retry_after_max`: a longer wait
fails the request; `[alerts.retry] retry_after_max`: the alert waits that long and no longer).

`web_link` is the rule for every address Rashomon passes on (in an alert, the webhook payload,
the report, `rashomon show`): an http(s) URL, or nothing. A feed or a page may carry any
scheme (`javascript:`, `data:`, `file:`), and what Slack, a mail client or a browser does with
those is not ours to find out.

`Deadline` bounds the whole of one exchange. A client's timeouts (httpx's, Apprise's) bound
each wait for a read or a write, not the exchange: a receiver that drips its answer a byte at a
time holds a request as long as it likes (1 byte per 4 s took 260 s with a 10 s timeout).
While a `Deadline` is active in a thread, every socket that thread connects is noted (Python's
`socket.connect` audit event); when the time is up, each is shut down, which ends at once
whatever read or write waits on it, and the client raises its network error. `expired` tells
that error apart. Connections made before the deadline began are not covered, so a client
used under it must keep no connection alive between exchanges.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from contextlib import suppress
from contextvars import ContextVar, Token
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

FOREVER = 365 * 24 * 3600.0  # a year: the longest wait any Retry-After can mean here


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date), at most a year
    (`99999999999999` would overflow a `timedelta`); None if absent or unreadable."""
    seconds = _seconds(value.strip(), now) if value else None
    return None if seconds is None else min(seconds, FOREVER)


def web_link(url: str) -> str:
    """`url` if it is an http(s) URL with a host, else "" (no link at all).

    Browsers ignore leading spaces and control characters and drop tabs and newlines inside a
    URL ("java\tscript:"); an address with any of them is refused whole, not repaired."""
    if not url or any(ord(char) <= 0x20 or char == "\x7f" for char in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


def _seconds(value: str, now: datetime) -> float | None:
    if value.isascii() and value.isdigit():
        return float(value)  # inf for a number too large for a float: capped below
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, (moment - now).total_seconds())


class Deadline:
    """At most `seconds` for everything done inside `with Deadline(seconds):` over the network
    (see the module docstring). Resolving a host name is not covered: it opens no socket."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._held: list[socket.socket] = []  # our own descriptors of the sockets connected
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._token: Token[Deadline | None] | None = None

    def __enter__(self) -> Deadline:
        _watch_connections()
        self._token = _ACTIVE.set(self)
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        if self._token is not None:
            _ACTIVE.reset(self._token)
        with self._lock:
            for held in self._held:
                held.close()
            self._held.clear()

    def connected(self, sock: socket.socket) -> None:
        """Note a socket connected under this deadline (shut at once if the time is up).

        A duplicate of its descriptor is kept, not the socket object: TLS replaces the object
        (and empties the plain one) once connected, while the connection stays the same."""
        try:
            held = socket.socket(sock.family, sock.type, sock.proto, fileno=os.dup(sock.fileno()))
        except OSError:
            return
        with self._lock:
            self._held.append(held)
            if self.expired:
                _shut(held)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for held in self._held:
                _shut(held)


_ACTIVE: ContextVar[Deadline | None] = ContextVar("rashomon_http_deadline", default=None)
_WATCHING = threading.Lock()
_watching = False


def _watch_connections() -> None:
    """Install, once per process, the audit hook that tells the active deadline of the
    connecting thread about each socket it connects (an audit hook cannot be removed: it
    does nothing while no deadline is active)."""
    global _watching
    with _WATCHING:
        if not _watching:
            sys.addaudithook(_audit)
            _watching = True


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        deadline = _ACTIVE.get()
        if deadline is not None:
            deadline.connected(args[0])


def _shut(held: socket.socket) -> None:
    with suppress(OSError):  # not connected (any more): nothing waits on it
        held.shutdown(socket.SHUT_RDWR)
