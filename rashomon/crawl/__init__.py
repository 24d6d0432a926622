"""Crawling, seen from the parent process: which sources changed (`check`, in-process and
conditional), the child process that crawls those (`child`, `crawler.runner`), and the runner
that does both (`runner`). `CrawlRunner` is what the composition root builds."""

from rashomon.crawl.child import OnEvent
from rashomon.crawl.runner import BACKFILL_TIMEOUT, CrawlRecords, CrawlRunner, OnOutcomes

__all__ = ["BACKFILL_TIMEOUT", "CrawlRecords", "CrawlRunner", "OnEvent", "OnOutcomes"]
