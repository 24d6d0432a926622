"""The crawl child process: `python -m crawler.runner` reads one job as JSON on stdin.

Scrapy's reactor cannot restart within a process, and long-lived crawling processes grow; so
every crawl runs here, in a fresh process the parent (`rashomon.crawl`) kills after a hard
timeout. The job carries the parent's already-loaded settings: configuration is read once.
Progress events go to stdout as JSON lines; outcomes go to the store.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.settings import scrapy_settings
from crawler.spiders import FAMILIES
from rashomon.settings import Settings
from rashomon.store import Store


def emit(event: dict[str, Any]) -> None:
    """One progress event for the parent, as a JSON line."""
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def run(job: dict[str, Any]) -> None:
    settings = Settings.model_validate(job["settings"])
    store = Store.open(settings.store.url)
    process = CrawlerProcess(scrapy_settings(settings, job.get("log_level", "WARNING")))
    since = date.fromisoformat(job["since"]) if job.get("since") else None
    for source_id in job["sources"]:
        source = settings.source(source_id)
        process.crawl(FAMILIES[source.family], source=source, store=store, run_id=job["run_id"],
                      mode=job.get("mode", "crawl"), since=since,
                      max_pages=settings.crawl.max_listing_pages, emit=emit)
    process.start()
    store.close()


def main() -> None:
    run(json.load(sys.stdin))


if __name__ == "__main__":
    main()
