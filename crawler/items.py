"""Items. The spiders yield `Document` records (Scrapy accepts dataclass items) — the same
typed record the store, the matcher and the alerts use, so nothing is converted on the way."""

from rashomon.models import Document

__all__ = ["Document"]
