"""RSS/Atom handling shared by the Kremlin spider and the press spider (feedparser on bytes)."""

from __future__ import annotations

import calendar
import email.utils
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import feedparser

from crawler import extract
from rashomon.errors import ParseError


def parse_feed(body: bytes, url: str) -> Any:
    """The parsed feed; a malformed one (truncated, mis-encoded, HTML) raises `ParseError`.

    feedparser is lenient and returns whatever it salvaged with `bozo` set; a salvaged feed
    may hold a half entry, so anything bozo is a failure, not a partial success. An empty body
    (a 200 with nothing in it) is no feed at all: feedparser returns an object without even a
    `version` for it.
    """
    if not body.strip():
        raise ParseError(url, "empty feed: the answer had no body")
    parsed = feedparser.parse(body)
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        raise ParseError(url, f"not a well-formed feed: {type(problem).__name__}: {problem}")
    if not parsed.get("version"):
        raise ParseError(url, "not an RSS or Atom feed")
    return parsed


def entry_published(entry: Any, zone: str | None = None) -> datetime | None:
    """The entry's time as aware UTC: its printed text if it parses, else feedparser's struct.

    With `zone` the printed offset is not trusted (a source's `trust_feed_offset = false`):
    the wall-clock time is read in `zone`. The Kremlin's feeds print Moscow time with +04:00,
    though Moscow has been UTC+3 since October 2014; its pages print the same wall clock.
    """
    for key in ("published", "updated"):
        stamp = printed_time(entry.get(key) or "")
        if stamp is not None:
            local = stamp.replace(tzinfo=ZoneInfo(zone)) if zone else stamp
            return local.astimezone(UTC)
    for key in ("published_parsed", "updated_parsed"):
        if entry.get(key):  # already UTC: the printed wall clock is lost here
            return datetime.fromtimestamp(calendar.timegm(entry[key]), UTC)
    return None


def printed_time(text: str) -> datetime | None:
    """An RFC 3339 (Atom) or RFC 822 (RSS) time with its offset; None when it has none."""
    try:
        stamp = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            stamp = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return stamp if stamp.tzinfo is not None else None


def entry_html(entry: Any) -> str:
    """The fullest text the entry carries: its content, else its summary."""
    contents = entry.get("content") or []
    return contents[0].get("value", "") if contents else entry.get("summary", "")


def html_text(html: str, removals: Iterable[str]) -> str:
    """An HTML fragment (a feed's summary) as the clean text a reader sees, like a page's lead."""
    return " ".join(html_paragraphs(html, removals))


def html_paragraphs(html: str, removals: Iterable[str]) -> list[str]:
    """Paragraphs of an HTML fragment (tooltips and share blocks removed); plain text split on
    blank lines when there is no markup."""
    page = extract.without(f"<div>{html}</div>", removals)
    paragraphs = extract.texts(page, ["p"])
    if paragraphs:
        return paragraphs
    text = extract.first_text(page, ["div"])
    return [text] if text else []


def next_page(parsed: Any) -> str | None:
    """The Atom `link rel="next"` that pages back through the archive."""
    for link in parsed.feed.get("links", []):
        if link.get("rel") == "next" and link.get("href"):
            return str(link["href"])
    return None
