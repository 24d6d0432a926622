"""HTTP GETs from the parent process, as politely as the crawl child makes them.

`PacedClient` is the one httpx client of the parent's in-process checks (feeds, listings,
robots.txt): the configured User-Agent, one request at a time per host and `download_delay`
seconds between two of them, the crawl's timeout for the whole of each exchange (a site that
drips its answer is cut off: `rashomon.http.Deadline`, so no connection is kept alive between
exchanges), bodies capped at `max_response_bytes` (decoded, so a compression bomb stops at the
cap too), no redirect followed (Scrapy follows them in the child). It remembers when it last
asked each host, so the crawl child it hands a source over to keeps the delay
(`CrawlJob.last_requests`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx

from rashomon.http import Deadline
from rashomon.settings import CrawlConfig


class NoAnswer(Exception):
    """No usable answer came, though the site may have sent some of one."""


class TooLarge(NoAnswer):
    """The answer was larger than `max_response_bytes`."""


class TooSlow(NoAnswer):
    """The answer did not come whole within the crawl's `timeout`."""


@dataclass(frozen=True)
class Answer:
    """A site's answer: status, headers (as sent, repeated ones kept), the decoded body."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name), None)


class PacedClient:
    """GET with the crawl's manners; thread-safe (hosts are asked in parallel, each in turn)."""

    def __init__(self, config: CrawlConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self.client = httpx.Client(headers={"User-Agent": config.user_agent},
                                   timeout=config.timeout, transport=transport,
                                   limits=httpx.Limits(max_keepalive_connections=0))
        del self.client.headers["Connection"]  # the header is not needed: bytes saved
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.Lock] = {}
        self.last: dict[str, float] = {}  # host[:port] → when it was last asked (epoch)

    def get(self, url: str, headers: dict[str, str] | None = None,
            follow_redirects: bool = False) -> Answer:
        """The answer; `httpx.HTTPError` or `NoAnswer` when there is none."""
        host = httpx.URL(url).netloc.decode("ascii")
        with self._host(host):
            self._wait(host)
            try:
                return self._get(url, headers or {}, follow_redirects)
            finally:
                self.last[host] = time.time()

    def _get(self, url: str, headers: dict[str, str], follow_redirects: bool) -> Answer:
        with Deadline(self.config.timeout) as deadline:
            try:
                return self._read(url, headers, follow_redirects)
            except httpx.HTTPError:
                if deadline.expired:
                    raise TooSlow(f"{url}: no complete answer within "
                                  f"{self.config.timeout:g} s") from None
                raise

    def _read(self, url: str, headers: dict[str, str], follow_redirects: bool) -> Answer:
        limit = self.config.max_response_bytes
        with self.client.stream("GET", url, headers=headers,
                                follow_redirects=follow_redirects) as response:
            if int(response.headers.get("content-length") or 0) > limit:
                raise TooLarge(f"{url}: larger than {limit} bytes")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise TooLarge(f"{url}: larger than {limit} bytes")
            return Answer(str(response.url), response.status_code,
                          tuple(response.headers.multi_items()), bytes(body))

    def _host(self, host: str) -> threading.Lock:
        with self._lock:
            return self._hosts.setdefault(host, threading.Lock())

    def _wait(self, host: str) -> None:
        wait = self.last.get(host, 0.0) + self.config.download_delay - time.time()
        if wait > 0:
            time.sleep(wait)

    def close(self) -> None:
        self.client.close()
