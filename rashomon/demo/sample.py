"""Configuration that points every official source at a local sample site.

Used by `rashomon demo` and by the tests: it is an ordinary user file, so the sample site is
reached exactly the way a user would point a source elsewhere (`base_url`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

OFFICIAL_SOURCES = ("kremlin_en", "kremlin_ru", "xinhua_en", "xinhua_zh", "mfa_en", "mfa_zh")
PRESS_NAMES = {"press_demo": "The Example Post"}  # the sample site's press feed, by its name
DEFAULT_PRESS = ("press_guardian_russia", "press_guardian_china", "press_moscow_times",
                 "press_scmp_china", "press_diplomat", "press_bbc_world")


def sample_config(origin: str, store_url: str, *, sources: Iterable[str] = OFFICIAL_SOURCES,
                  press: Iterable[str] = ("press_demo",), extra: str = "") -> str:
    """A user TOML file: fast crawling, the given store, sources on `origin`, every other
    packaged source disabled (so nothing ever reaches the real sites)."""
    lines = ["[crawl]", "download_delay = 0", "timeout = 10", "crawl_timeout = 120", "",
             "[store]", f"url = {json.dumps(store_url)}", "",
             "[alerts]", "max_call_age_days = 0  # the sample calls are years old", ""]
    sources = list(sources)
    for source_id in sources:
        lines += [f"[sources.{source_id}]", f'base_url = "{origin}/{source_id}"',
                  "silence_hours = 0  # the sample readouts are years old", ""]
    for source_id in (*OFFICIAL_SOURCES, *DEFAULT_PRESS):
        if source_id not in sources:  # never reach the real sites from here
            lines += [f"[sources.{source_id}]", "enabled = false", ""]
    for source_id in press:
        name = [f"name = {json.dumps(PRESS_NAMES[source_id])}"] if source_id in PRESS_NAMES else []
        lines += [f"[sources.{source_id}]", *name, 'side = "press"', 'language = "en"',
                  'family = "press"', f'base_url = "{origin}/{source_id}"',
                  'paths = { feed = "/rss.xml" }', ""]
    return "\n".join(lines) + "\n" + extra
