"""One spider per site family; a source's `family` (config) picks it from `FAMILIES`."""

from crawler.spiders.base import SourceSpider
from crawler.spiders.kremlin import KremlinSpider
from crawler.spiders.mfa import MfaSpider
from crawler.spiders.press import PressSpider
from crawler.spiders.xinhua import XinhuaSpider

FAMILIES: dict[str, type[SourceSpider]] = {
    spider.family: spider for spider in (KremlinSpider, XinhuaSpider, MfaSpider, PressSpider)
}

__all__ = ["FAMILIES", "SourceSpider"]
