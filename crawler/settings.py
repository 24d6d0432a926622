"""Scrapy settings of the Rashomon crawler, and the module `scrapy.cfg` names.

These are the fixed parts (the components, no listening ports, quiet logs); `scrapy_settings()`
adds what comes from Rashomon's configuration (`[crawl]`) and what the crawl child hands its
components (`configured()`): the open store (`RASHOMON_STORE`, whose repositories the
components own), the run id, the progress reporter and the clock. Scrapy's own commands
(`scrapy list`, `scrapy crawl SOURCE_ID`) find one spider per configured source through
`crawler.project.SourceSpiderLoader`, which adds the same to each spider's settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crawler.job import Prefetched
from crawler.middlewares import HostGate
from rashomon.clock import Clock, utcnow
from rashomon.settings import CrawlConfig
from rashomon.store import Store

BOT_NAME = "rashomon"
SPIDER_LOADER_CLASS = "crawler.project.SourceSpiderLoader"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# A daemon opens no port: no telnet console, no remote control (on by default in Scrapy 2.19).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# One request at a time per host; the delay comes from [crawl] download_delay.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY_JITTER = 0.5  # each delay is 0.5 to 1.5 times download_delay
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False

# 429 and 503 are retried by RetryAfterMiddleware, which waits as the server asks.
# EntryPointMiddleware and FetchMiddleware sit below every retry and redirect: they see each
# request's final answer. robots.txt is read from the store (RobotsMiddleware, in the place of
# Scrapy's). Last before the network: the answers the parent already got (PrefetchMiddleware),
# then one request at a time per host across the process's spiders (HostGateMiddleware).
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsMiddleware": 100,
    "crawler.conditional.ConditionalGetMiddleware": 560,
    "crawler.middlewares.RetryAfterMiddleware": 540,
    "crawler.entrypoints.EntryPointMiddleware": 530,
    "crawler.outcome.FetchMiddleware": 520,
    "crawler.prefetch.PrefetchMiddleware": 900,
    "crawler.middlewares.HostGateMiddleware": 950,
}
# ParseFailureMiddleware handles a callback's ParseError before ValidatorMiddleware's output
# ends, so a page that failed keeps no validators.
SPIDER_MIDDLEWARES = {
    "crawler.outcome.ParseFailureMiddleware": 60,
    "crawler.conditional.ValidatorMiddleware": 70,
    "crawler.known.KnownUrlsMiddleware": 80,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.StorePipeline": 800,
    "crawler.archive.ArchivePipeline": 900,
}
EXTENSIONS = {"crawler.outcome.OutcomeExtension": 0}
HTTPCACHE_ENABLED = False
LOG_LEVEL = "WARNING"
LOGSTATS_INTERVAL = 0


def scrapy_settings(crawl: CrawlConfig, store: Store | None = None, *, run_id: str = "",
                    progress: Callable[[dict[str, Any]], None] | None = None,
                    clock: Clock = utcnow, log_level: str = "WARNING",
                    prefetched: list[Prefetched] | None = None,
                    gate: HostGate | None = None) -> dict[str, Any]:
    """This module's settings, the user's [crawl] table, and what the components are given:
    also, in the crawl child, the answers the parent prefetched and the process's host gate."""
    fixed = {name: value for name, value in globals().items() if name.isupper()}
    return {**fixed, **configured(crawl, store, run_id=run_id, progress=progress, clock=clock),
            "LOG_LEVEL": log_level, "RASHOMON_PREFETCHED": prefetched or [],
            "RASHOMON_HOST_GATE": gate}


def configured(crawl: CrawlConfig, store: Store | None, *, run_id: str = "",
               progress: Callable[[dict[str, Any]], None] | None = None,
               clock: Clock = utcnow) -> dict[str, Any]:
    """The user's [crawl] table as Scrapy settings, and what the components are given."""
    return {
        "USER_AGENT": crawl.user_agent,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "DOWNLOAD_MAXSIZE": crawl.max_response_bytes,
        "DOWNLOAD_WARNSIZE": crawl.max_response_bytes // 2,
        "RETRY_TIMES": crawl.max_retries,
        "RASHOMON_RETRY_AFTER_MAX": crawl.retry_after_max,
        "RASHOMON_MAX_NEW_ITEMS": crawl.max_new_items,
        "RASHOMON_ROBOTS_TTL": crawl.robots_ttl_hours * 3600,
        "RASHOMON_STORE": store,
        "RASHOMON_RUN_ID": run_id,
        "RASHOMON_PROGRESS": progress,
        "RASHOMON_CLOCK": clock,
    }
