"""A real SMTP server on 127.0.0.1 for the e-mail tests (aiosmtpd, in the `test` extra): it
keeps every message it accepted, and answers as scripted (a 4xx "try again later", a 5xx
"mailbox unavailable") before it accepts.

    with SmtpServer() as server:
        server.script("451 4.3.0 Try again later")   # the next DATA gets this, then 250
        ... send to f"mailto://127.0.0.1:{server.port}?from=…&to=…" ...
        server.messages[0]  # an email.message.EmailMessage
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nothing listens on now (so a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """aiosmtpd's threaded controller with a handler that records and plays a script."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._lock = threading.Lock()
        self._rcpt: deque[str] = deque()
        self._data: deque[str] = deque()
        self._messages: list[EmailMessage] = []
        self.attempts = 0  # DATA commands received, accepted or not
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    def script(self, *data_replies: str, rcpt: tuple[str, ...] = ()) -> None:
        """Answer the next DATA commands (and RCPT commands) with these replies, in order."""
        with self._lock:
            self._data.extend(data_replies)
            self._rcpt.extend(rcpt)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        with self._lock:
            reply = self._rcpt.popleft() if self._rcpt else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.attempts += 1
            reply = self._data.popleft() if self._data else None
            if reply is None:
                parsed = message_from_bytes(envelope.original_content or envelope.content,
                                            policy=policy.default)
                assert isinstance(parsed, EmailMessage)
                self._messages.append(parsed)
        return reply or "250 Message accepted for delivery"

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
