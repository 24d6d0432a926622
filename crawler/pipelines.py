"""Item pipelines: small ordered steps, enabled in `ITEM_PIPELINES` (crawler/settings.py).

validate → store → archive. A document without a title, a date or a body never reaches the
store: it is dropped and counted as a parse failure of its URL. The store step writes the
documents and remembers the pages that hold none; the archive step (`crawler.archive`)
records a backfill's progress. Each step passes on the items that are not its own.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import SkippedPage
from crawler.outcome import ITEMS_STORED, record_failure
from rashomon.models import Document
from rashomon.store.documents import DocumentRepository

log = logging.getLogger("crawler")


class ValidatePipeline:
    """Refuse incomplete documents; the spider should never yield one, this is the last guard."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Document):
            return item
        missing = [name for name in ("title", "paragraphs", "published_at", "url")
                   if not getattr(item, name)]
        if item.published_at.tzinfo is None:
            missing.append("time zone")
        if missing:
            record_failure(self.crawler, item.url, f"incomplete document: no {', '.join(missing)}")
            raise DropItem(f"incomplete document {item.url}")
        return item


class StorePipeline:
    """Write documents (the same wording twice is a no-op, a changed wording a new version),
    and remember the pages that hold none, so they are not fetched again."""

    def __init__(self, crawler: Crawler, documents: DocumentRepository) -> None:
        self.crawler, self.documents = crawler, documents

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        store = crawler.settings.get("RASHOMON_STORE")
        if store is None:
            raise NotConfigured("no store to write documents to")
        return cls(crawler, store.documents)

    def process_item(self, item: Any) -> Any:
        stats = self.crawler.stats
        assert stats is not None
        if isinstance(item, Document):
            result = self.documents.save(item)
            stats.inc_value(f"rashomon/documents_{result}")
            if result != "unchanged":
                stats.inc_value(ITEMS_STORED)
        elif isinstance(item, SkippedPage):
            self.documents.skip(item.source_id, item.url, item.reason)
            stats.inc_value(f"rashomon/{item.reason}_pages")
            log.info("%s page skipped: %s", item.reason, item.url)
        return item
