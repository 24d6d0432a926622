"""robots.txt, kept: what a site's answer means, when the kept copy must be asked again, and
whether it lets us fetch a URL; and the one validator a conditional request carries. Shared by
the crawl child (`middlewares.RobotsMiddleware`, through Scrapy) and the parent's in-process
checks (`rashomon.crawl.robots`, through httpx), so both read a site's robots.txt the same
way; it imports no Scrapy.

The rules follow RFC 9309 and Scrapy's habits: a 2xx body is the rules; a 4xx means the site
has none (everything allowed); a 5xx or a network error leaves the kept copy in force, and with
no copy at all the crawl goes on as Scrapy's own middleware would (everything allowed). A kept
copy is asked again, conditionally, once it is older than its time to live (at most a day).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from protego import Protego

from rashomon.store.robots import RobotsFile


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL: whose robots.txt governs it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def robots_url(origin: str) -> str:
    return f"{origin}/robots.txt"


def fresh(file: RobotsFile | None, now: datetime, ttl: timedelta) -> bool:
    """Whether the kept copy may be obeyed without asking the site."""
    return file is not None and now - file.checked_at < ttl


def conditional_headers(file: RobotsFile | None) -> dict[str, str]:
    """The validator to ask again about a kept copy with."""
    return validator_headers(file.etag, file.last_modified) if file is not None else {}


def validator_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match when there is an ETag, else If-Modified-Since: a server that gets both
    must ignore the second (RFC 9110 §13.1.3), so sending it costs bytes on every request."""
    if etag:
        return {"If-None-Match": etag}
    return {"If-Modified-Since": last_modified} if last_modified else {}


def answered(origin: str, kept: RobotsFile | None, status: int, body: bytes,
             headers: dict[str, str], now: datetime) -> RobotsFile | None:
    """What to keep after the site answered: the new file, the kept one confirmed (304), or
    None when the answer says nothing (a 5xx: the kept copy, if any, stays as it was)."""
    if status == 304 and kept is not None:
        return replace(kept, checked_at=now)
    if 200 <= status < 300:
        return RobotsFile(origin, body.decode("utf-8", "ignore"), status, now,
                          headers.get("etag"), headers.get("last-modified"))
    if 400 <= status < 500:
        return RobotsFile(origin, "", status, now)
    return None


class RobotsRules:
    """The rules of one robots.txt for our user agent."""

    def __init__(self, text: str, user_agent: str) -> None:
        self.parser = Protego.parse(text)
        self.user_agent = user_agent

    def allowed(self, url: str) -> bool:
        return bool(self.parser.can_fetch(url, self.user_agent))
