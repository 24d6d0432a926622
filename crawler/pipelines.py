"""Item pipelines: small ordered steps, enabled in `ITEM_PIPELINES` (crawler/settings.py).

validate → store. A document without a title, a date or a body never reaches the store: it is
dropped and counted as a parse failure of its URL.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.spiders.base import spider_of
from rashomon.models import Document


class ValidatePipeline:
    """Refuse incomplete documents; the spider should never yield one, this is the last guard."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Document) -> Document:
        missing = [name for name in ("title", "paragraphs", "published_at", "url")
                   if not getattr(item, name)]
        if item.published_at.tzinfo is None:
            missing.append("time zone")
        if missing:
            spider_of(self.crawler).fail(item.url, f"incomplete document: no {', '.join(missing)}")
            raise DropItem(f"incomplete document {item.url}")
        return item


class StorePipeline:
    """Write documents; the same wording twice is a no-op, a changed wording a new version."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Document) -> Document:
        result = spider_of(self.crawler).store.save_document(item)
        self.crawler.stats.inc_value(f"rashomon/documents_{result}")
        if result != "unchanged":
            self.crawler.stats.inc_value("rashomon/items_stored")
        return item
