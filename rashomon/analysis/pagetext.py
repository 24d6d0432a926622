"""The account in a saved page: its title, lead and body, not the site's menus and links.

A saved readout is mostly not the readout: kremlin.ru wraps a few paragraphs in menus, a
calendar, tags and related items, and their words ("Ukraine" in a menu) would be read as part
of the account. The article is taken with the configured sources' own selectors (`PageRules`
from `sources.toml`: the same chains the spiders use), tried in order; a page of no known site
falls back to its main block: the element that holds the most paragraph text, without
navigation, headers, footers, forms and link lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # parsel is imported where a page is read: plain-text accounts start faster
    from parsel import Selector

WHITESPACE = re.compile(r"\s+")
NOISE = "script, style, noscript, nav, header, footer, aside, form, menu, button, figcaption"
NOISY_NAME = re.compile(r"(?i)\b(nav|menu|footer|header|sidebar|related|share|breadcrumb|comment)")
BLOCKS = "h1, h2, h3, p, li, blockquote"
MIN_LINK_SHARE = 0.5


@dataclass(frozen=True)
class PageRules:
    """One site's article selectors: CSS fallback chains, the first that matches wins."""

    name: str
    title: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


def page_text(html: str, rules: Sequence[PageRules] = ()) -> str:
    """The account's text, one block per line: by the first site whose body matches, else the
    page's main block."""
    for site in rules:
        lines = _by_rules(html, site)
        if lines:
            return "\n".join(lines)
    return "\n".join(_main_block(html))


def _by_rules(html: str, site: PageRules) -> list[str]:
    from parsel import Selector

    selector = _without(Selector(text=html), site.remove)
    body = _texts(selector, site.body)
    if not body:
        return []
    heading = _texts(selector, site.title)[:1] + _texts(selector, site.lead)[:1]
    return heading + body


def _without(selector: Selector, removals: Iterable[str]) -> Selector:
    for css in removals:
        selector.css(css).drop()
    return selector


def _texts(selector: Selector, chain: Iterable[str]) -> list[str]:
    for css in chain:
        found = [_clean(_text_of(node)) for node in selector.css(css)]
        found = [text for text in found if text]
        if found:
            return found
    return []


def _text_of(node: Selector) -> str:
    return node.get() if isinstance(node.root, str) else "".join(node.css("::text").getall())


def _clean(text: str) -> str:
    return WHITESPACE.sub(" ", text.replace("\xa0", " ")).strip()


def _main_block(html: str) -> list[str]:
    """The blocks of the element with the most paragraph text, noise removed."""
    from parsel import Selector

    selector = Selector(text=html)
    selector.css(NOISE).drop()
    for node in selector.xpath("//*[@class or @id]"):
        if NOISY_NAME.search(f"{node.attrib.get('class', '')} {node.attrib.get('id', '')}"):
            node.drop()
    paragraphs = selector.css("p")
    parents = [p.xpath("..")[0] for p in paragraphs if p.xpath("..")]
    best = max(parents, key=_paragraph_chars, default=None)
    container = best if best is not None and _paragraph_chars(best) else selector
    lines = [_clean(_text_of(block)) for block in container.css(BLOCKS) if not _is_links(block)]
    title = _texts(selector, ["h1"])[:1]
    found = [line for line in lines if line]
    return title + [line for line in found if line not in title] if found else _all_text(selector)


def _paragraph_chars(node: Selector) -> int:
    return sum(len(_clean(_text_of(p))) for p in node.xpath("./p"))


def _is_links(block: Selector) -> bool:
    """A block that is mostly link text (a list of related items)."""
    text = len(_clean(_text_of(block)))
    links = sum(len(_clean(_text_of(a))) for a in block.css("a"))
    return text > 0 and links / text >= MIN_LINK_SHARE


def _all_text(selector: Selector) -> list[str]:
    text = _clean(" ".join(selector.css("body ::text").getall() or selector.css("::text").getall()))
    return [text] if text else []
