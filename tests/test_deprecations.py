"""Nothing Scrapy deprecates is silenced (issue 11, item 17): in this process, pytest turns
every warning into an error (pyproject's `filterwarnings`, with ScrapyDeprecationWarning named
last so that no later ignore can cover it); and the crawl child, where the spiders and every
Scrapy component run, is run here with every warning an error.

The child is a separate interpreter, so pytest's filters do not reach it: it is given
`PYTHONWARNINGS=error::Warning` (a Scrapy deprecation is a `Warning`, not a
`DeprecationWarning`). A deprecated setting or component signature then breaks the crawl, and
a deprecated call in a callback fails the page it parses; either fails the test.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from rashomon.app import Rashomon
from rashomon.demo.sample import OFFICIAL_SOURCES
from rashomon.demo.server import SampleSite
from tests.sites import site_settings

pytestmark = pytest.mark.slow
PYPROJECT = Path(__file__).parent.parent / "pyproject.toml"


def test_every_family_crawls_and_backfills_with_every_warning_an_error(
        site: SampleSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONWARNINGS", "error::Warning")  # inherited by the crawl child
    settings, _ = site_settings(site, tmp_path)
    ids = [source.id for source in settings.enabled_sources()]
    assert set(ids) == {*OFFICIAL_SOURCES, "press_demo"}  # every family: Atom, listing, RSS
    with Rashomon(settings, create_store=True) as rashomon:
        crawled = rashomon.crawler.run(ids)
        walked = [rashomon.crawler.backfill(source_id, date(2019, 1, 1), lambda _event: None)
                  for source_id in ("kremlin_en", "mfa_en")]  # the families with an archive
    problems = [(o.source_id, o.error, o.failures) for o in [*crawled, *walked] if not o.ok]
    assert problems == []
    assert all(outcome.items_stored > 0 for outcome in crawled)


def test_scrapy_deprecations_are_errors_and_nothing_of_scrapy_or_twisted_is_ignored() -> None:
    filters = tomllib.loads(PYPROJECT.read_text())["tool"]["pytest"]["ini_options"][
        "filterwarnings"]
    assert filters[0] == "error"
    assert filters[-1] == "error::scrapy.exceptions.ScrapyDeprecationWarning"
    ignored = [entry for entry in filters if entry.startswith("ignore")]
    assert not [entry for entry in ignored if "scrapy" in entry or "twisted" in entry], ignored
