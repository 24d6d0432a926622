"""The kind of a document (readout, commentary, transcript, interview, …) from its own signals.

A site says what a page is in more than one way: the title ("Interview to…", "…答记者问"),
the address (the Kremlin's `/transcripts/` feed), the page's markers (its "Published in
sections: News, Transcripts" link, `article.announce`) and the text ("（评论员 …）" at the
end, a dateline lead "… (Xinhua) -- Chinese President Xi Jinping told visiting …"). Each
source lists its kinds in config in the order they are tried; the first kind with a matching
signal wins, and a page with no signal at all is an `article` (`DEFAULT_KIND`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from parsel import Selector

from rashomon.models import DEFAULT_KIND
from rashomon.settings import KindSignals


def kind_of(kinds: Mapping[str, KindSignals], *, title: str, urls: Iterable[str],
            paragraphs: Sequence[str], page: Selector | None = None) -> str:
    """The first configured kind whose signals match; `article` when none does.

    `urls`: the document's address and the feed or listing it was found through; `page`:
    the untouched page (markers often sit in blocks removed before the text is read).
    """
    addresses = list(urls)
    for kind, signals in kinds.items():
        if _matches(signals, title, addresses, paragraphs, page):
            return kind
    return DEFAULT_KIND


def _matches(signals: KindSignals, title: str, urls: list[str], paragraphs: Sequence[str],
             page: Selector | None) -> bool:
    return (_any(signals.title, [title]) or _any(signals.url, urls)
            or _any(signals.text, paragraphs)
            or (page is not None and any(page.css(css) for css in signals.marker)))


def _any(patterns: list[str], texts: Iterable[str]) -> bool:
    return any(re.search(pattern, text) for text in texts for pattern in patterns)
