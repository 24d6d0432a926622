"""TCP servers on 127.0.0.1 that misbehave the way real receivers do: accept and never answer,
drip an answer a byte at a time, answer 2xx and never finish the body. Real sockets, each
connection in its own thread; nothing of the client is replaced.

    with FaultyServer(hang) as server:            # http://127.0.0.1:<port>/hook
        ... POST to server.url ...
        server.requests                           # the request bodies received, in order
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress

Behaviour = Callable[[socket.socket, "FaultyServer"], None]
ACCEPTED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"


class FaultyServer:
    """Accepts connections on 127.0.0.1 and hands each to `behaviour` in a thread; `stop()`
    (or leaving the `with` block) ends every connection."""

    def __init__(self, behaviour: Behaviour, port: int = 0) -> None:
        self.behaviour = behaviour
        self.stopping = threading.Event()
        self.requests: list[bytes] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request read
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", port))
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True, name="faulty-server")

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def __enter__(self) -> FaultyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def read_request(self, conn: socket.socket) -> bytes:
        """Read one HTTP request (headers and a Content-Length body) and note its body."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return b""
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        with self._lock:
            self.requests.append(body)
            self.arrivals.append(time.monotonic())
        return body

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn, suppress(OSError):  # the client went away: what these tests provoke
            self.behaviour(conn, self)


def hang(conn: socket.socket, server: FaultyServer) -> None:
    """Read the request, then never answer."""
    server.read_request(conn)
    server.stopping.wait()


def drip(answer: bytes, every: float) -> Behaviour:
    """Read the request, then send `answer` one byte each `every` seconds."""
    def behaviour(conn: socket.socket, server: FaultyServer) -> None:
        server.read_request(conn)
        for byte in answer:
            if server.stopping.wait(every):
                return
            conn.sendall(bytes([byte]))
    return behaviour


def accept_and_stall(conn: socket.socket, server: FaultyServer) -> None:
    """Read the request, send a 200's status line and headers at once, then never the body."""
    server.read_request(conn)
    conn.sendall(ACCEPTED_HEAD)
    server.stopping.wait()


def answer(status: int = 200, body: bytes = b"ok") -> Behaviour:
    """An ordinary, prompt answer."""
    def behaviour(conn: socket.socket, server: FaultyServer) -> None:
        server.read_request(conn)
        head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        conn.sendall(head.encode() + body)
    return behaviour


def smtp_drip(every: float) -> Behaviour:
    """An SMTP server whose greeting comes one byte each `every` seconds."""
    def behaviour(conn: socket.socket, server: FaultyServer) -> None:
        with server._lock:
            server.requests.append(b"")
            server.arrivals.append(time.monotonic())
        for byte in b"220 slow.example.org ESMTP at a snail's pace\r\n" * 20:
            if server.stopping.wait(every):
                return
            conn.sendall(bytes([byte]))
    return behaviour


def seconds_since(start: float) -> float:
    return time.monotonic() - start



def stall_first(conn: socket.socket, server: FaultyServer) -> None:
    """The first request: `accept_and_stall`; every later one: a prompt 200."""
    first = not server.requests
    if first:
        accept_and_stall(conn, server)
    else:
        answer()(conn, server)
