"""Scrapy's own commands on Rashomon's sources: `scrapy list`, `scrapy crawl SOURCE_ID`.

`scrapy.cfg` names `crawler.settings`, whose `SPIDER_LOADER_CLASS` is `SourceSpiderLoader`: it
reads Rashomon's configuration (the packaged defaults, the user's file from `RASHOMON_CONFIG`)
and offers one spider per source, named by the source id: its family's spider bound to the
source. This is the composition root of those commands, as `crawler.runner` is the crawl
child's: a bound spider opens the configured store and hands it to the components in its
settings, with the `[crawl]` table (user agent, delay, robots.txt, limits), so that
`scrapy crawl xinhua_en` crawls, stores and records its outcome exactly as `rashomon crawl`
does. The configuration is read only when a command asks for a spider, never when the crawl
child (which passes its spider classes itself) builds its process.
"""

from __future__ import annotations

import builtins
import uuid
from datetime import date
from functools import cached_property
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.settings import BaseSettings

from crawler.runner import spider_arguments
from crawler.settings import configured
from crawler.spiders import FAMILIES, SourceSpider
from rashomon.settings import Settings, Source, load_settings
from rashomon.store import Store


class SourceSpiderLoader:
    """One spider per configured source (Scrapy's `SpiderLoaderProtocol`)."""

    def __init__(self, settings: BaseSettings) -> None:
        self._scrapy_settings = settings

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    @cached_property
    def config(self) -> Settings:
        """Rashomon's settings, read on first use (`RASHOMON_CONFIG` names the user's file)."""
        return load_settings()

    @cached_property
    def store(self) -> Store:
        return Store.open(self.config.store.url)

    def list(self) -> list[str]:
        """The ids of the enabled sources."""
        return sorted(source.id for source in self.config.enabled_sources())

    def load(self, spider_name: str) -> type[SourceSpider]:
        """The spider of source `spider_name`; `KeyError` for an id that is not configured."""
        source = self.config.sources.get(spider_name)
        if source is None:
            raise KeyError(f"Spider not found: {spider_name} (no such source; known: "
                           f"{', '.join(sorted(self.config.sources))})")
        return bound_spider(source, self.config, self.store)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        """The sources on the request's host."""
        host = urlsplit(request.url).netloc
        return sorted(source.id for source in self.config.sources.values()
                      if host == source.host)


def bound_spider(source: Source, config: Settings, store: Store) -> type[SourceSpider]:
    """The source's family spider, bound to the source, its `[crawl]` table and the store."""
    family = FAMILIES[source.family]

    @classmethod  # type: ignore[misc]
    def update_settings(cls: type[SourceSpider], settings: BaseSettings) -> None:
        family.update_settings(settings)
        settings.setdict(configured(config.crawl, store, run_id=uuid.uuid4().hex),
                         priority="spider")

    @classmethod  # type: ignore[misc]
    def from_crawler(cls: type[SourceSpider], crawler: Crawler, *args: Any,
                     **kwargs: Any) -> SourceSpider:
        since = kwargs.pop("since", None)
        arguments = spider_arguments(source, store, config.crawl, kwargs.pop("mode", "crawl"),
                                     date.fromisoformat(since) if since else None)
        crawler.signals.connect(store.close, signal=signals.engine_stopped)
        return family.from_crawler(crawler, *args, **{**arguments, **kwargs})

    return type(f"{family.__name__}_{source.id}", (family,), {
        "name": source.id, "update_settings": update_settings, "from_crawler": from_crawler,
        "__doc__": f"{family.__doc__ or family.__name__} Bound to source {source.id!r}."})
