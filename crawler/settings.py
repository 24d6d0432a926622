"""Scrapy settings of the Rashomon crawler.

These are the fixed parts (middlewares, pipelines, no listening ports, quiet logs);
`scrapy_settings()` adds what comes from Rashomon's configuration (`[crawl]`).
"""

from __future__ import annotations

from typing import Any

from rashomon.settings import Settings

BOT_NAME = "rashomon"
SPIDER_MODULES = ["crawler.spiders"]
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# A daemon opens no port: no telnet console, no remote control (on by default in Scrapy 2.19).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# One request at a time per host; the delay comes from [crawl] download_delay.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
RANDOMIZE_DOWNLOAD_DELAY = True
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False

# 429 and 503 are retried by RetryAfterMiddleware, which waits as the server asks.
# EntryPointMiddleware sits below every retry and redirect: it sees each request's final answer.
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.ConditionalGetMiddleware": 560,
    "crawler.middlewares.RetryAfterMiddleware": 540,
    "crawler.entrypoints.EntryPointMiddleware": 530,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.StorePipeline": 800,
}
HTTPCACHE_ENABLED = False
LOG_LEVEL = "WARNING"
LOGSTATS_INTERVAL = 0


def scrapy_settings(settings: Settings, log_level: str = "WARNING") -> dict[str, Any]:
    """This module's settings plus the user's [crawl] table."""
    crawl = settings.crawl
    fixed = {name: value for name, value in globals().items() if name.isupper()}
    return {
        **fixed,
        "USER_AGENT": crawl.user_agent,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "DOWNLOAD_MAXSIZE": crawl.max_response_bytes,
        "DOWNLOAD_WARNSIZE": crawl.max_response_bytes // 2,
        "RETRY_TIMES": crawl.max_retries,
        "RASHOMON_RETRY_AFTER_MAX": crawl.retry_after_max,
        "RASHOMON_STORE_URL": settings.store.url,
        "LOG_LEVEL": log_level,
    }
