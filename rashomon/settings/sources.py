"""A site to collect from (`[sources.<id>]` in config/sources.toml): its address, side,
language, site family, selectors and kind signals. Every URL requested is built from
`base_url`; a bad regex, zone, URL or kind is an error at load time, not in the middle of a
crawl.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from rashomon.models import KINDS
from rashomon.settings.model import ConfigModel

Family = Literal["kremlin", "xinhua", "mfa", "press"]
FAMILY_PATHS: dict[str, tuple[str, ...]] = {
    "kremlin": ("feed", "listing", "listing_page", "article"),
    "xinhua": (),
    "mfa": ("listing",),
    "press": ("feed",),
}
# The configured addresses a crawl starts from (its entry points), by path name.
ENTRY_PATHS = ("feed", "listing", "listings", "datasources")


def check_regexes(patterns: list[str]) -> list[str]:
    """A configuration error at load time, not a crash in the middle of a crawl."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    return patterns


class KindSignals(ConfigModel):
    """How a page shows that it is of one kind: regexes on its title, on its address (or the
    feed or listing it came from), on any of its paragraphs, and CSS selectors of page markers
    (the Kremlin's "Published in sections: … Transcripts" link, `article.announce`)."""

    title: list[str] = []
    url: list[str] = []
    text: list[str] = []
    marker: list[str] = []

    @field_validator("title", "url", "text")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return check_regexes(value)


class Source(ConfigModel):
    """One site to collect from. Every URL requested is built from `base_url`."""

    id: str = ""
    name: str = ""
    side: str
    language: str
    family: Family
    base_url: str
    aliases: tuple[str, ...] = ()
    paths: dict[str, str | list[str]] = {}
    selectors: dict[str, list[str]] = {}
    kinds: dict[str, KindSignals] = {}
    follow: list[str] = []
    drop_lines: list[str] = []
    drop_paragraphs: list[str] = []
    end_before: list[str] = []
    timezone: str = "UTC"
    trust_feed_offset: bool = True
    interval_minutes: int = Field(15, ge=1)
    silence_hours: float = Field(0, ge=0)
    enabled: bool = True

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("follow", "drop_lines", "drop_paragraphs", "end_before")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return check_regexes(value)

    @field_validator("kinds", mode="before")
    @classmethod
    def _kinds(cls, value: Any) -> Any:
        """Known kind names only; a bare list is a list of title regexes (the old form)."""
        if not isinstance(value, Mapping):
            return value
        unknown = sorted(set(value) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown kind {unknown[0]!r} (known: {', '.join(KINDS)})")
        return {kind: {"title": signals} if isinstance(signals, list) else signals
                for kind, signals in value.items()}

    @model_validator(mode="after")
    def _family_paths(self) -> Source:
        missing = [p for p in FAMILY_PATHS[self.family] if p not in self.paths]
        if missing:
            raise ValueError(f"family {self.family!r} needs paths: {', '.join(missing)}")
        return self

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def path(self, name: str) -> str:
        value = self.paths[name]
        return value if isinstance(value, str) else value[0]

    def path_list(self, name: str) -> list[str]:
        value = self.paths.get(name, [])
        return [value] if isinstance(value, str) else list(value)

    def url(self, path: str) -> str:
        """An absolute URL on this source's site, built from `base_url`."""
        return self.base_url + "/" + path.lstrip("/")

    def entry_points(self) -> list[str]:
        """The configured addresses a crawl starts from: feeds, listings, data sources (the
        Kremlin's listing is its fallback). Their state is recorded per address."""
        return [self.url(path) for name in ENTRY_PATHS for path in self.path_list(name)]


