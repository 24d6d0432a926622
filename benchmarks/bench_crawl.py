"""The crawler's cost against the sample site (served on 127.0.0.1 by this process).

One crawl = all seven sample sources, as a daemon cycle runs it: each source's feeds and
listings asked in this process, conditionally, and a crawl child for the sources that changed.
The first crawl of an empty store fetches listings, feeds and articles (one child); the second
is conditional: every feed and listing answers 304 and no child starts. Median of 5 runs each,
each run on a new store. A crawl of one unchanged source is timed too; and the start-up of a
crawl child (starting Python and importing the crawler), which a crawl pays only when
something changed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.support import median
from rashomon.app import Rashomon
from rashomon.crawl import CrawlRunner
from rashomon.demo.sample import sample_config
from rashomon.demo.server import SampleSite
from rashomon.models import CrawlOutcome
from rashomon.settings import load_settings

RUNS = 5
ONE_SOURCE = "kremlin_en"


class Crawl:
    """The figures of one `CrawlRunner.run` call."""

    def __init__(self, seconds: float, outcomes: list[CrawlOutcome]) -> None:
        self.seconds = seconds
        self.pages = sum(outcome.requests for outcome in outcomes)
        self.stored = sum(outcome.items_stored for outcome in outcomes)
        self.ok = all(outcome.ok for outcome in outcomes)
        self.statuses: Counter[str] = Counter()
        for outcome in outcomes:
            self.statuses.update(outcome.responses)


def timed(crawler: CrawlRunner, ids: list[str]) -> Crawl:
    start = time.perf_counter()
    outcomes = crawler.run(ids)
    return Crawl(time.perf_counter() - start, outcomes)


def one_run(site: SampleSite, folder: Path, number: int) -> tuple[Crawl, Crawl, Crawl]:
    """First crawl, conditional crawl, then one source alone (304), on a new store."""
    config = folder / f"crawl-{number}.toml"
    config.write_text(sample_config(site.origin, f"sqlite:///{folder / f'crawl-{number}.db'}"),
                      encoding="utf-8")
    settings = load_settings(config, env={})
    ids = [source.id for source in settings.enabled_sources()]
    with Rashomon(settings) as rashomon:  # the crawl runner as `rashomon crawl` builds it
        crawler = rashomon.crawler
        return timed(crawler, ids), timed(crawler, ids), timed(crawler, [ONE_SOURCE])


def import_seconds() -> float:
    """A new Python process that imports the crawl child's code and exits, median of 5."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import crawler.runner"], check=True, timeout=60)
        times.append(time.perf_counter() - start)
    return median(times)


def line(label: str, crawls: list[Crawl]) -> str:
    seconds = median([crawl.seconds for crawl in crawls])
    pages = median([crawl.pages for crawl in crawls])
    stored = median([crawl.stored for crawl in crawls])
    statuses = " ".join(f"{code}×{count}" for code, count in sorted(crawls[0].statuses.items()))
    failed = sum(not crawl.ok for crawl in crawls)
    return (f"crawl: {label}: {seconds:5.2f} s per crawl, {pages:.0f} pages ({statuses}), "
            f"{stored:.0f} documents stored, {pages / seconds:5.1f} pages/s "
            f"(median of {len(crawls)}; min {min(c.seconds for c in crawls):.2f} s, "
            f"max {max(c.seconds for c in crawls):.2f} s{f'; {failed} not ok' if failed else ''})")


def main() -> None:
    firsts, seconds, singles = [], [], []
    with SampleSite() as site, tempfile.TemporaryDirectory() as tmp:
        for number in range(RUNS):
            first, second, single = one_run(site, Path(tmp), number)
            firsts.append(first)
            seconds.append(second)
            singles.append(single)
    print(line("first crawl of 7 sources (one child)   ", firsts), flush=True)
    print(line("second crawl (conditional, no child)   ", seconds), flush=True)
    print(line(f"one source ({ONE_SOURCE}, 304, no child)", singles), flush=True)
    imports = import_seconds()
    print(f"crawl: an unchanged source costs {median([c.seconds for c in singles]):.3f} s, all 7 "
          f"{median([c.seconds for c in seconds]):.3f} s (conditional requests in this process); "
          f"a crawl child, started only for what changed, costs {imports:.2f} s to start "
          "(Python and the crawler's imports)", flush=True)


if __name__ == "__main__":
    main()
