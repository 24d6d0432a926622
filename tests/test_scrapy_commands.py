"""Scrapy's own commands work on Rashomon's sources: `scrapy list` lists the configured
(enabled) sources, `scrapy crawl SOURCE_ID` crawls one with the project's settings into the
configured store, as `rashomon crawl` would. Run as subprocesses from the project folder (where
`scrapy.cfg` is), the configuration named by `RASHOMON_CONFIG`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rashomon.demo.sample import OFFICIAL_SOURCES
from rashomon.demo.server import SampleSite
from rashomon.store import Store
from tests.sites import ENV, site_settings

pytestmark = pytest.mark.slow
PROJECT = Path(__file__).resolve().parent.parent


def scrapy(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], capture_output=True,
                          text=True, timeout=120, cwd=PROJECT,
                          env={**ENV, "RASHOMON_CONFIG": str(config)})


def test_scrapy_list_lists_the_configured_sources(site: SampleSite, tmp_path: Path) -> None:
    _, config = site_settings(site, tmp_path)
    listed = scrapy(config, "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == sorted([*OFFICIAL_SOURCES, "press_demo"])


def test_scrapy_crawl_crawls_one_source_into_the_store(site: SampleSite, tmp_path: Path) -> None:
    settings, config = site_settings(site, tmp_path)
    crawled = scrapy(config, "crawl", "xinhua_en")
    assert crawled.returncode == 0, crawled.stderr
    assert "Traceback" not in crawled.stderr and "WARNING" not in crawled.stderr
    store = Store.open(settings.store.url)
    [outcome] = store.crawls.outcomes()
    stored = list(store.documents.latest())
    store.close()
    assert outcome.source_id == "xinhua_en" and outcome.ok and outcome.items_stored == 2
    assert {doc.source_id for doc in stored} == {"xinhua_en"} and len(stored) == 2
    assert all(r.headers["user-agent"].startswith("Rashomon/") for r in site.requests)
    assert site.requests[0].path == "/robots.txt"  # robots.txt obeyed, as in every crawl


def test_scrapy_crawl_of_an_unknown_source_names_the_known_ones(site: SampleSite,
                                                                tmp_path: Path) -> None:
    _, config = site_settings(site, tmp_path)
    crawled = scrapy(config, "crawl", "nonesuch")
    assert crawled.returncode != 0
    assert "no such source; known: kremlin_en" in crawled.stderr
