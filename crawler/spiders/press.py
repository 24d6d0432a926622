"""Press coverage from RSS/Atom feeds: one generic spider for every `press_*` source.

Entries are stored as `press` documents with their own link (press articles are not fetched:
the feed's summary or content is what the matcher needs to attach coverage to a call).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response

from crawler import extract, feeds
from crawler.spiders.base import SourceSpider
from rashomon.errors import ParseError
from rashomon.models import Document


class PressSpider(SourceSpider):
    family = "press"

    def discover(self) -> Iterator[Request]:
        yield self.discovery_request(self.source.url(self.source.path("feed")), self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Document | ParseError]:
        parsed = self.read_feed(response)
        if parsed is None:
            return
        for number, entry in enumerate(parsed.entries):
            document = self.entry_document(entry, parsed)
            if document is None:
                yield ParseError(f"{response.url}#entry-{number}",
                                 "entry without title, link or date")
            else:
                yield document

    def entry_document(self, entry: Any, parsed: Any) -> Document | None:
        published = feeds.entry_published(entry)
        link = entry.get("link")
        if not (entry.get("title") and link and published):
            return None
        summary = feeds.html_paragraphs(entry.get("summary", ""), [])
        content = feeds.html_paragraphs(feeds.entry_html(entry), [])
        language = (entry.get("language") or parsed.feed.get("language") or "")[:2].lower()
        return Document(
            source_id=self.source.id, side=self.source.side,
            language=language or self.source.language, kind="press", url=link,
            external_id=entry.get("id"), title=extract.clean(entry.title),
            published_at=published, paragraphs=tuple(content or summary or [entry.title]),
            summary=" ".join(summary),
        )
