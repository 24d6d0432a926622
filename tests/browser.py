"""Headless Chromium for the report's tests: Debian's browser driven by Playwright.

Never a browser of Playwright's own (nothing is downloaded): the system's `/usr/bin/chromium`
with the flags this closed machine needs (no background networking, no component updates, no
sandbox as root). Playwright gives every launch a fresh, empty user-data directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
LOCAL_HOSTS = frozenset({"127.0.0.1"})
LOCAL_SCHEMES = frozenset({"file", "data", "about"})


@contextmanager
def chromium() -> Iterator[Browser]:
    """The system's Chromium, headless; skipped (failed on CI) when it is not installed."""
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


@dataclass
class Recorded:
    """A page whose every request is recorded; one to another host is also refused, so a
    regression shows as a failed assertion, not as a hang on the closed network."""

    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]


@contextmanager
def recorded_page(browser: Browser, width: int = 1280, height: int = 900) -> Iterator[Recorded]:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  service_workers="block")
    recorded = Recorded(context, context.new_page())
    context.on("request", lambda request: recorded.requests.append(request.url))
    context.route("**/*", _local_only)
    try:
        yield recorded
    finally:
        context.close()


def _local_only(route: Route) -> None:
    if is_local(route.request.url):
        route.continue_()
    else:
        route.abort("blockedbyclient")
