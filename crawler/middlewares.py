"""Downloader middlewares: politeness that Scrapy does not do by itself.

- `RetryAfterMiddleware` waits as long as a 429/503 `Retry-After` asks before retrying;
  Scrapy's RetryMiddleware would retry at once, which is how crawlers get blocked. An HTTP-date
  `Retry-After` is read against the `RASHOMON_CLOCK` setting (default: the real clock).
- `RobotsMiddleware` obeys robots.txt as kept in the store (`crawler.robots`): a site's file is
  asked again only when older than its time to live, and then conditionally. Scrapy's own
  middleware fetches it whole on every crawl.
- `HostGateMiddleware` keeps one request at a time per host, `download_delay` apart, across
  every spider of the crawl process (Scrapy's per-host limit holds within one spider only; two
  sources on one site are two spiders), starting no sooner than the delay after the parent's
  own last request to that host.
(The conditional GET of feeds and listings is `crawler.conditional`.)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import timedelta

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached

from crawler.robots import RobotsRules, answered, conditional_headers, fresh, origin_of, robots_url
from rashomon.clock import utcnow
from rashomon.http import retry_after
from rashomon.store.robots import RobotsFile, RobotsRepository

log = logging.getLogger("crawler")


class RetryAfterMiddleware:
    """On 429 or 503: wait `Retry-After` (or an exponential backoff), then retry the request."""

    codes = (429, 503)

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("RASHOMON_RETRY_AFTER_MAX", 300.0)
        self.max_retries = crawler.settings.getint("RETRY_TIMES", 2)
        self.clock = crawler.settings.get("RASHOMON_CLOCK") or utcnow

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.codes:
            return response
        attempt = request.meta.get("retry_after_attempt", 0)
        header = response.headers.get("Retry-After")
        asked = retry_after(header.decode("latin-1") if header else None, self.clock())
        wait = 2.0 * 2**attempt if asked is None else asked
        if attempt >= self.max_retries or wait > self.max_wait:
            return response
        self.crawler.stats.inc_value("rashomon/retry_after_waits")
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_attempt"] = attempt + 1
        return retry


class RobotsMiddleware:
    """robots.txt obeyed, each site's file as kept in the store while it is fresh."""

    def __init__(self, crawler: Crawler, repository: RobotsRepository | None) -> None:
        self.crawler, self.repository = crawler, repository
        settings = crawler.settings
        self.user_agent = settings.get("USER_AGENT")
        self.ttl = settings.getfloat("RASHOMON_ROBOTS_TTL", 0.0)
        self.clock = settings.get("RASHOMON_CLOCK") or utcnow
        self.rules: dict[str, RobotsRules] = {}
        self.locks: dict[str, asyncio.Lock] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsMiddleware:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured  # [crawl] obey_robots = false
        store = crawler.settings.get("RASHOMON_STORE")
        return cls(crawler, None if store is None else store.robots)

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt") or not request.url.startswith("http"):
            return
        rules = await self.rules_of(origin_of(request.url))
        if not rules.allowed(request.url):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest("Forbidden by robots.txt")

    async def rules_of(self, origin: str) -> RobotsRules:
        async with self.locks.setdefault(origin, asyncio.Lock()):
            if origin not in self.rules:
                file = await self.file(origin)
                self.rules[origin] = RobotsRules(file.text if file else "", self.user_agent)
        return self.rules[origin]

    async def file(self, origin: str) -> RobotsFile | None:
        """The kept file while fresh; else the site's answer to a conditional request."""
        kept = self.repository.get(origin) if self.repository is not None else None
        now = self.clock()
        if kept is not None and fresh(kept, now, timedelta(seconds=self.ttl)):
            return kept
        request = Request(robots_url(origin), headers=conditional_headers(kept), priority=1000,
                          meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # a network error: the kept copy, or none (all allowed)
            log.warning("robots.txt of %s not read: %s", origin, exc)
            return kept
        headers = {key.decode("latin-1").lower(): values[0].decode("latin-1")
                   for key, values in response.headers.items() if values}
        new = answered(origin, kept, response.status, response.body, headers, self.clock())
        if new is not None and self.repository is not None:
            self.repository.save(new)
        return new or kept


class HostGate:
    """One request at a time per host, `delay` seconds after the last one ended, for every
    spider of this process. `last_seen` holds when the parent last asked each host; a request
    that waits longer than `patience` for its host goes ahead (so a lost release never stalls
    a crawl)."""

    def __init__(self, delay: float, last_seen: Mapping[str, float] | None = None,
                 patience: float = 120.0) -> None:
        self.delay, self.patience = delay, patience
        self.last = dict(last_seen or {})
        self.locks: dict[str, asyncio.Lock] = {}

    async def enter(self, host: str) -> bool:
        """Wait for the host; False when it waited past `patience` and goes ahead without it."""
        lock = self.locks.setdefault(host, asyncio.Lock())
        try:
            await asyncio.wait_for(lock.acquire(), self.patience)
        except TimeoutError:
            return False
        wait = self.last.get(host, 0.0) + self.delay - time.time()
        if wait > 0:
            await asyncio.sleep(wait)
        return True

    def __deepcopy__(self, memo: dict[int, object]) -> HostGate:
        """One gate for the process: Scrapy deep-copies the settings that carry it into each
        spider's, and every copy must be this same gate."""
        return self

    def leave(self, host: str) -> None:
        self.last[host] = time.time()
        lock = self.locks.get(host)
        if lock is not None and lock.locked():
            lock.release()


GATED = "rashomon_gated_host"  # request meta: the host this request holds


class HostGateMiddleware:
    """Holds a request's host from just before it is sent until its answer (or error)."""

    def __init__(self, gate: HostGate) -> None:
        self.gate = gate

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGateMiddleware:
        gate = crawler.settings.get("RASHOMON_HOST_GATE")
        if gate is None:
            raise NotConfigured  # one spider (`scrapy crawl`): Scrapy's per-host limit suffices
        return cls(gate)

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).netloc
        if await self.gate.enter(host):
            request.meta[GATED] = host

    def process_response(self, request: Request, response: Response) -> Response:
        self.release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.release(request)

    def release(self, request: Request) -> None:
        host = request.meta.pop(GATED, None)
        if host is not None:
            self.gate.leave(host)
