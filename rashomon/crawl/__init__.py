"""Crawling, seen from the parent process: which sources to crawl, how, and the child process
that does it (`crawler.runner`). `CrawlRunner` is what the composition root builds."""

from rashomon.crawl.child import OnEvent
from rashomon.crawl.runner import BACKFILL_TIMEOUT, CrawlRunner

__all__ = ["BACKFILL_TIMEOUT", "CrawlRunner", "OnEvent"]
