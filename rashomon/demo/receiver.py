"""A real local HTTP receiver for webhooks: records every request, answers as scripted.

Used by the alert tests (a real socket, a real HTTP exchange — nothing of the sender is
mocked) and by the demo to show what a webhook receives. It listens on 127.0.0.1 on a free
port, in a background thread:

    with Receiver() as receiver:
        receiver.script(Reply(500), Reply(429, {"Retry-After": "2"}))  # then 200 for ever
        ... POST to receiver.url ...
        receiver.requests[0].json()
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b"ok"


@dataclass(frozen=True)
class Received:
    """One request as it arrived: header names in lower case, the raw body, the answer given."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() on arrival
    status: int

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """A ThreadingHTTPServer on 127.0.0.1:0 that records requests and plays a script."""

    def __init__(self, *replies: Reply, default: Reply | None = None) -> None:
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque(replies)
        self._default = default or Reply()
        self._requests: list[Received] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True, name="rashomon-receiver")

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/hook"

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these, in order; then with the default."""
        with self._lock:
            self._script.extend(replies)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """The requests once at least `count` arrived (or what arrived before `timeout`)."""
        end = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < end:
            time.sleep(0.01)
        return self.requests

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        with self._lock:
            reply = self._script.popleft() if self._script else self._default
            self._requests.append(Received(method, path, headers, body, time.time(),
                                           reply.status))
        return reply


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle(self) -> None:
            """A sender may drop the connection once it has read the status line, leaving the
            body unread (Rashomon's delivery does after a 2xx): that ends the connection and is
            no error to print."""
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                super().handle()

        def do_POST(self) -> None:
            self._record()

        def do_PUT(self) -> None:
            self._record()

        def do_GET(self) -> None:
            self._record()

        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = receiver._answer(self.command, self.path, headers, body)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests and the demo print what they need themselves."""

    return Handler
