"""Xinhua: english.news.cn and www.news.cn (legacy www.xinhuanet.com).

Xinhua has no dependable feed. Discovery reads the HTML listing pages (`#list .item`) and/or
the `ds_<id>.json` data sources next to hub pages (their `datasource[].publishUrl`), and
follows the entries whose title matches the source's `follow` patterns. Article dates come
from the page, else from the URL (`/20220615/`), in Beijing time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response, TextResponse

from crawler.spiders.base import SourceSpider
from rashomon.errors import ParseError

# The article id as in the URL: /<32 hex>/c.html today, /c_1128743266.htm on older pages.
ARTICLE_ID = re.compile(r"/([0-9a-f]{32})/c\.html?$|/(c_\d+)\.html?$")


class XinhuaSpider(SourceSpider):
    family = "xinhua"

    def discover(self) -> Iterator[Request]:
        for path in self.source.path_list("listings"):
            yield self.discovery_request(self.source.url(path), self.parse_listing)
        for path in self.source.path_list("datasources"):
            yield self.discovery_request(self.source.url(path), self.parse_datasource)

    def parse_listing(self, response: TextResponse) -> Iterator[Request]:
        items = self.listing_items(response)
        if items is None:
            return
        for item in items:
            yield from self.follow_entry(self.entry_link(item, response), self.entry_title(item),
                                         response.url)

    def parse_datasource(self, response: Response) -> Iterator[Request]:
        if not self.fresh(response):
            return
        entries = _datasource_entries(response.body)
        if entries is None:
            raise ParseError(response.url, "not a Xinhua data source (no 'datasource' list)")
        for entry in entries:
            url = self.link(entry.get("publishUrl"), response)
            yield from self.follow_entry(url, str(entry.get("title", "")), response.url)

    def follow_entry(self, url: str | None, title: str, via: str) -> Iterator[Request]:
        if not self.follows(title):
            return
        request = self.article_request(url, self.parse_article, via=via)
        if request is not None:
            yield request

    def external_id(self, url: str) -> str | None:
        match = ARTICLE_ID.search(url)
        return (match[1] or match[2]) if match else None


def _datasource_entries(body: bytes) -> list[dict[str, Any]] | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    entries = data.get("datasource") if isinstance(data, dict) else None
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else None
