"""Helpers for crawl tests: the sample site (plus broken fixtures), settings pointing at it,
and one crawl run as the composition root builds it."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rashomon.app import Rashomon
from rashomon.demo.sample import OFFICIAL_SOURCES, sample_config
from rashomon.demo.server import SITE_ROOT, SampleSite
from rashomon.models import CrawlOutcome
from rashomon.settings import Settings, load_settings
from rashomon.store import Store

BROKEN_ROOT = Path(__file__).parent / "fixtures" / "broken"


def start_site() -> SampleSite:
    return SampleSite([SITE_ROOT, BROKEN_ROOT]).start()


def site_settings(site: SampleSite, tmp_path: Path, *, sources: Iterable[str] = OFFICIAL_SOURCES,
                  press: Iterable[str] = ("press_demo",), extra: str = "") -> tuple[Settings, Path]:
    """Settings from a user file in `tmp_path` (the real configuration path) and that file."""
    path = tmp_path / "rashomon.toml"
    store_url = f"sqlite:///{tmp_path / 'store.db'}"
    path.write_text(sample_config(site.origin, store_url, sources=sources, press=press,
                                  extra=extra), encoding="utf-8")
    return load_settings(path, env={}), path


def broken_source(source_id: str, family: str, base: str, paths: str) -> str:
    """TOML for an extra source of a known family reading the broken fixtures."""
    return (f"[sources.{source_id}]\nside = \"press\"\nlanguage = \"en\"\nfamily = \"{family}\"\n"
            f"base_url = \"{base}/{source_id}\"\npaths = {paths}\n")


def extending(source_id: str, template: str, base: str) -> str:
    """TOML for a new source copying `template`'s keys, on the broken fixtures."""
    return f'[sources.{source_id}]\nextends = "{template}"\nbase_url = "{base}/{source_id}"\n'


SECRET = "whsec_" + base64.b64encode(b"end-to-end test secret").decode()
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COLUMNS": "200",
       "RASHOMON_TEST_SECRET": SECRET}


def webhook(url: str, extra: str = "") -> str:
    """TOML for a signed webhook channel named "hook" posting to `url`."""
    return (f'[[alerts.channels]]\nname = "hook"\nkind = "webhook"\nurl = "{url}"\n'
            f'secret_env = "RASHOMON_TEST_SECRET"\n{extra}')


def run_crawl(settings: Settings, store: Store, source_ids: list[str],
              **options: Any) -> list[CrawlOutcome]:
    """One crawl of `source_ids` into `store` (options as `CrawlRunner.run` takes them)."""
    with Rashomon(settings, store=store) as rashomon:
        return rashomon.crawler.run(source_ids, **options)
