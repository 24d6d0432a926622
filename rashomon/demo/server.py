"""A local copy of the official sites, served over real HTTP, for the tests and `rashomon demo`.

Why a real server: the spiders, the conditional-GET logic, redirects and error handling are
only exercised honestly over a socket. Everything runs on 127.0.0.1 in a daemon thread with
the standard library alone.

Layout convention
-----------------
A *root* is a folder whose sub-folders are named after source ids, the *prefixes*
(`kremlin_en`, `xinhua_zh`, `press_demo`, ...). Below a prefix, files sit at the same path
as on the real site, so a source whose `base_url` is `http://127.0.0.1:PORT/<prefix>` finds
every page at `base_url + <real path>`:

    <root>/kremlin_en/events/president/news/68656  ->  GET /kremlin_en/events/president/news/68656
    <root>/xinhua_en/20220615/<hex>/c.html         ->  GET /xinhua_en/20220615/<hex>/c.html

- Several roots may be given; a URL is served from the first root that has the file (tests add
  `tests/fixtures/broken` as a second root next to the bundled `rashomon/demo/site`).
- A directory is served by its index file: `index.html`, else `index.atom`, else `index.xml`.
  (A URL that is both a page and the parent of others, like the Kremlin's `.../news/feed` with
  `.../news/feed/page/2`, must be a directory, so its body lives in `feed/index.atom`.)
- Content-Type comes from the extension; a file without one is sniffed (XML/Atom/RSS start ->
  `application/atom+xml`, else HTML), like the real sites whose URLs have no extension.
- Sidecar `<file>.headers.json`: a JSON object of headers sent with that file, overriding the
  defaults (a wrong charset, an HTML page at a feed URL, ...). Sidecars are never served.
- `<root>/_redirects.txt`: lines `/from/path /to/path` ('#' comments); GET /from answers 302.

At run time tests can overlay content (`put`, `delete`), script exact replies (`script`) and
read the request log (`requests`, `requests_to`).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

SITE_ROOT = Path(__file__).resolve().parent / "site"
SIDECAR_SUFFIX = ".headers.json"
REDIRECTS_FILE = "_redirects.txt"
INDEX_NAMES = ("index.html", "index.atom", "index.xml")
HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml"
CONTENT_TYPES = {
    ".html": HTML,
    ".htm": HTML,
    ".shtml": HTML,
    ".xml": "application/rss+xml",
    ".rss": "application/rss+xml",
    ".atom": ATOM,
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css",
    ".js": "application/javascript",
}
XML_STARTS = (b"<?xml", b"<feed", b"<rss")
NO_BODY_STATUSES = frozenset({204, 304})
RECEIVER_SUFFIX = "/receiver"


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Reply:
    """One scripted answer: the test decides status, headers and body exactly."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __post_init__(self) -> None:
        if isinstance(self.body, str):  # a convenience for tests; the field stays bytes
            object.__setattr__(self, "body", self.body.encode("utf-8"))


class Headers(dict[str, str]):
    """Request headers with case-insensitive lookup: httpx sends `user-agent`, Scrapy
    `User-Agent`, and a test should not care which. Keys are stored lower-case."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__()
        for key, value in items:
            key = key.lower()
            super().__setitem__(key, f"{self[key]}, {value}" if key in self else value)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


@dataclass(frozen=True)
class LoggedRequest:
    """What the server saw and answered; `time` is `time.monotonic()` at arrival, so tests
    can check delays between requests (politeness) without wall-clock jitter."""

    method: str
    path: str
    headers: Headers
    status: int
    time: float
    body: bytes | None = None
    query: str = ""


@dataclass(frozen=True)
class Resource:
    """A body ready to serve, from a file or from the overlay."""

    body: bytes
    headers: dict[str, str]
    modified: float


# ---------------------------------------------------------------- pure helpers


def content_type(name: str, body: bytes) -> str:
    """The default Content-Type: by extension, or sniffed when the name has none (the real
    Kremlin feed and article URLs have no extension)."""
    suffix = Path(name).suffix.lower()
    if suffix:
        return CONTENT_TYPES.get(suffix, "application/octet-stream")
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    return ATOM if start.startswith(XML_STARTS) else HTML


def http_date(timestamp: float) -> str:
    """An RFC 9110 HTTP-date (the format of Last-Modified and If-Modified-Since)."""
    return email.utils.formatdate(timestamp, usegmt=True)


def parse_http_date(value: str | None) -> float | None:
    """The epoch seconds of an HTTP-date, or None when absent or malformed (then ignored)."""
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def etag_of(body: bytes) -> str:
    """A strong validator that changes exactly when the body does."""
    return '"' + hashlib.sha1(body).hexdigest() + '"'


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses weak comparison: `W/` prefixes are ignored, `*` matches anything."""
    bare = etag.removeprefix("W/")
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or bare in tags


def not_modified(request: Mapping[str, str], headers: Mapping[str, str], modified: float) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since counts only without it."""
    if_none_match = request.get("if-none-match")
    if if_none_match is not None:
        return etag_matches(if_none_match, headers.get("ETag", ""))
    since = parse_http_date(request.get("if-modified-since"))
    return since is not None and int(modified) <= since


def normalize(path: str) -> str:
    """URL paths are compared with exactly one leading slash and no query string."""
    return "/" + urlsplit(path).path.lstrip("/")


def read_redirects(roots: Sequence[Path]) -> dict[str, str]:
    """All `_redirects.txt` rules; the first root wins on a clash, as for files."""
    rules: dict[str, str] = {}
    for root in roots:
        rules_file = root / REDIRECTS_FILE
        if not rules_file.is_file():
            continue
        for line in rules_file.read_text(encoding="utf-8").splitlines():
            parts = line.split("#", 1)[0].split()
            if len(parts) == 2:
                rules.setdefault(normalize(parts[0]), parts[1])
    return rules


def is_hidden(path: Path) -> bool:
    """Sidecars and redirect rules configure the server; they are not pages."""
    return path.name.endswith(SIDECAR_SUFFIX) or path.name == REDIRECTS_FILE


def find_file(roots: Sequence[Path], url_path: str) -> Path | None:
    """The file behind a URL path in the first root that has it, never outside a root."""
    relative = unquote(url_path).lstrip("/")
    for root in roots:
        base = root.resolve()
        candidate = (base / relative).resolve()
        if candidate != base and base not in candidate.parents:
            continue
        if candidate.is_dir():
            candidate = next((candidate / n for n in INDEX_NAMES if (candidate / n).is_file()),
                             candidate)
        if candidate.is_file() and not is_hidden(candidate):
            return candidate
    return None


def load_file(path: Path) -> Resource:
    """A file with its default headers, overridden by its sidecar when there is one."""
    body = path.read_bytes()
    headers = {"Content-Type": content_type(path.name, body)}
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if sidecar.is_file():
        headers.update({str(k): str(v) for k, v in
                        json.loads(sidecar.read_text(encoding="utf-8")).items()})
    return Resource(body, headers, path.stat().st_mtime)


def full_reply(resource: Resource, request: Mapping[str, str]) -> Reply:
    """200 with validators, or 304 when the client's copy is still good."""
    headers = {"ETag": etag_of(resource.body),
               "Last-Modified": http_date(resource.modified)}
    headers = {**headers, **resource.headers}
    if not_modified(request, headers, resource.modified):
        kept = {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}
        return Reply(304, kept)
    return Reply(200, headers, resource.body)


NOT_FOUND = Reply(404, {"Content-Type": HTML},
                  b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
                  b"<body><h1>Not Found</h1></body></html>")


# ---------------------------------------------------------------- the server


class SampleSite:
    """The sample sites on 127.0.0.1; use as a context manager or call `start()`/`stop()`."""

    def __init__(self, roots: Sequence[Path] | Path | None = None, *, port: int = 0,
                 host: str = "127.0.0.1") -> None:
        if roots is None:
            roots = [SITE_ROOT]
        elif isinstance(roots, Path):
            roots = [roots]
        self.roots: list[Path] = [Path(root) for root in roots]
        self.host = host
        self._wanted_port = port
        self._lock = threading.Lock()
        self._overlay: dict[str, Resource | None] = {}
        self._scripts: dict[str, deque[Reply]] = {}
        self._log: list[LoggedRequest] = []
        self._redirects: dict[str, str] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def start(self) -> SampleSite:
        """Bind and serve in a daemon thread, so a forgotten stop() never blocks exit."""
        if self._server is not None:
            return self
        self._redirects = read_redirects(self.roots)
        self._server = _Server((self.host, self._wanted_port), _Handler, self)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"sample-site-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting requests and close the listening socket (no ResourceWarning)."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    # -- addresses
    @property
    def port(self) -> int:
        """The bound port (port 0 lets the OS choose, so parallel test workers never clash)."""
        if self._server is None:
            raise RuntimeError("SampleSite is not started")
        return int(self._server.server_address[1])

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def base_url(self, prefix: str) -> str:
        """What a source's `base_url` becomes to read this prefix's copy of its site."""
        return f"{self.origin}/{prefix.strip('/')}"

    def url(self, path: str) -> str:
        """An absolute URL for a path on this server."""
        return self.origin + normalize(path)

    # -- runtime content
    def put(self, path: str, body: bytes | str, headers: dict[str, str] | None = None) -> None:
        """Add or replace the content at a URL path, e.g. a second account appearing while a
        daemon runs. Content-Type defaults as for files; Last-Modified is now."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        merged = {"Content-Type": content_type(normalize(path).rsplit("/", 1)[-1], data)}
        merged.update(headers or {})
        with self._lock:
            self._overlay[normalize(path)] = Resource(data, merged, time.time())

    def delete(self, path: str) -> None:
        """Make a URL path answer 404 even if a file exists (an article taken down)."""
        with self._lock:
            self._overlay[normalize(path)] = None

    def script(self, path: str, replies: Iterable[Reply]) -> None:
        """Queue exact replies for a path; each request consumes one, then files resume."""
        with self._lock:
            self._scripts.setdefault(normalize(path), deque()).extend(replies)

    # -- request log
    @property
    def requests(self) -> list[LoggedRequest]:
        """A snapshot of every request so far, oldest first."""
        with self._lock:
            return list(self._log)

    def requests_to(self, path: str) -> list[LoggedRequest]:
        """The requests for one URL path (query string ignored)."""
        wanted = normalize(path)
        return [entry for entry in self.requests if entry.path == wanted]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # -- answering (called from handler threads)
    def answer(self, method: str, path: str, request: Headers) -> Reply:
        """Decide the reply: scripted, else overlay, else redirect, else file, else 404."""
        with self._lock:
            queue = self._scripts.get(path)
            if queue:
                return queue.popleft()
            in_overlay = path in self._overlay
            resource = self._overlay.get(path)
        if method == "POST":
            return self._post_reply(path)
        if in_overlay:
            return full_reply(resource, request) if resource is not None else NOT_FOUND
        if path in self._redirects:
            return Reply(302, {"Location": self._redirects[path], "Content-Type": HTML})
        found = find_file(self.roots, path)
        return full_reply(load_file(found), request) if found is not None else NOT_FOUND

    @staticmethod
    def _post_reply(path: str) -> Reply:
        """Only webhook-style receivers accept POST; the body is kept in the log."""
        if path.endswith(RECEIVER_SUFFIX):
            return Reply(200, {"Content-Type": "application/json"}, b'{"ok": true}')
        return Reply(405, {"Allow": "GET, HEAD", "Content-Type": HTML}, b"Method Not Allowed")

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)


class _Server(ThreadingHTTPServer):
    """Carries the SampleSite to its handlers; daemon threads never block shutdown."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 site: SampleSite) -> None:
        self.site = site
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into `SampleSite.answer` calls and logs each one."""

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "SampleSite/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test run should not print a line per request."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    def _handle(self, method: str) -> None:
        arrived = time.monotonic()
        parts = urlsplit(self.path)
        path = normalize(parts.path)
        request = Headers(self.headers.items())
        body = self._read_body(request) if method not in ("GET", "HEAD") else None
        site = self.server.site
        if method in ("GET", "HEAD", "POST"):
            reply = site.answer(method, path, request)
        else:
            reply = Reply(405, {"Allow": "GET, HEAD", "Content-Type": HTML}, b"Method Not Allowed")
        site.record(LoggedRequest(method, path, request, reply.status, arrived, body, parts.query))
        self._send(reply, head=method == "HEAD")

    def _read_body(self, request: Headers) -> bytes:
        """The request body, plain or chunked, so keep-alive connections stay in sync."""
        if "chunked" in request.get("transfer-encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(request.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, reply: Reply, *, head: bool) -> None:
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        has_body = reply.status not in NO_BODY_STATUSES and reply.status >= 200
        if has_body and not any(k.lower() == "content-length" for k in reply.headers):
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if has_body and not head:
            self.wfile.write(reply.body)
