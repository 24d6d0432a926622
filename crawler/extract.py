"""Selector fallback chains and the date and text clean-up the official sites need.

Sites change their templates; every field is a chain of CSS selectors from config, tried in
order. A chain that matches nothing returns None/empty, and the spider raises `ParseError`
for it (counted with its URL by `crawler.outcome`) — never an empty item stored as if it
were fine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from parsel import Selector, SelectorList
from scrapy.http import TextResponse

WHITESPACE = re.compile(r"\s+")
LINE_BREAK = "\ue000"  # stands for a <br> until `clean` decides what a reader sees there
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
CJK_BREAK = re.compile(rf"(?<=[{CJK}])\s*{LINE_BREAK}\s*(?=[{CJK}])")
ISO_DATE = re.compile(r"(\d{4})(?:[-/.年]|\s+)(\d{1,2})[-/.月](\d{1,2})")  # Xinhua: "2024 02/09"
CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)")
CLOSING_TAG = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
URL_DATE = re.compile(r"(?<!\d)(20\d{2})[-/]?(\d{2})[-/]?(\d{2})(?!\d)")
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}
WORDY_DATE = re.compile(
    r"(?:(?P<d1>\d{1,2})\s+(?P<m1>[^\W\d_]+)|(?P<m2>[^\W\d_]+)\s+(?P<d2>\d{1,2}),?)\s+(?P<y>\d{4})"
)


def clean(text: str) -> str:
    """Collapse whitespace (including non-breaking spaces) the way a reader sees the text.

    A line break is a space between words, but nothing between two Chinese characters: the
    ministry breaks long titles with <br> ("…针对<br>中国公民…"), and a space there would split
    the words the analysis looks for.
    """
    text = CJK_BREAK.sub("", text).replace(LINE_BREAK, " ")
    return WHITESPACE.sub(" ", text.replace("\xa0", " ")).strip()


Node = Selector | SelectorList[Selector] | TextResponse


def first_match(node: Node, chain: Iterable[str]) -> SelectorList[Selector]:
    """The nodes of the first selector in `chain` that matches anything."""
    for css in chain:
        found = node.css(css)
        if found:
            return found
    return SelectorList([])


def first_text(node: Node, chain: Iterable[str]) -> str | None:
    """Visible text of the first match of `chain` that has any (attribute selectors give the
    attribute). An empty match falls through to the next selector: the ministry's English
    pages keep an empty `#News_Body_Time`, Xinhua's Chinese pages an empty `<h1>`."""
    for css in chain:
        for found in node.css(css):
            text = clean(_visible_text(found) if _is_element(found) else found.get())
            if text:
                return text
    return None


def texts(node: Node, chain: Iterable[str]) -> list[str]:
    """Visible text of every node of the first matching selector; empty ones dropped."""
    found = first_match(node, chain)
    values = (clean(_visible_text(item)) for item in found)
    return [value for value in values if value]


def without(html: str, removals: Iterable[str]) -> Selector:
    """A selector over `html` with the elements of `removals` dropped (tooltips, share blocks)."""
    selector = Selector(text=html)
    for line_break in selector.css("br"):
        line_break.root.tail = LINE_BREAK + (line_break.root.tail or "")
    for css in removals:
        for element in selector.css(css):
            element.drop()
    return selector


def _visible_text(element: Selector) -> str:
    """Text nodes joined as a reader sees them: inline markup adds no space of its own."""
    return "".join(element.css("::text").getall())


def _is_element(found: Selector) -> bool:
    return found.type in ("html", "xml") and not isinstance(found.root, str)


def cut_short(html: str) -> bool:
    """Whether an HTML page ends before its closing `</body>` or `</html>`: it was cut short in
    transit (a dropped connection, a server that gave up), and what it holds is half a text."""
    return CLOSING_TAG.search(html) is None


def parse_local_date(text: str) -> date | None:
    """A calendar date from '2022-06-15', '2022年06月15日', 'June 15, 2022' or '15 июня 2022'."""
    if match := ISO_DATE.search(text):
        return _date(*match.groups())
    if match := WORDY_DATE.search(text):
        day = match["d1"] or match["d2"]
        month = MONTHS.get((match["m1"] or match["m2"]).lower())
        return _date(match["y"], str(month), day) if month else None
    return None


def parse_clock(text: str) -> time | None:
    """The first hh:mm[:ss] in `text`."""
    match = CLOCK.search(text)
    if not match or int(match[1]) > 23:
        return None
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def date_in_url(url: str) -> date | None:
    """Xinhua and the Foreign Ministry put the date in the URL: /20220615/ or t20220615_."""
    match = URL_DATE.search(url)
    return _date(*match.groups()) if match else None


def to_utc(day: date, clock: time | None, zone: str) -> datetime:
    """A local date and (optional) time on a site's wall clock, as aware UTC."""
    local = datetime.combine(day, clock or time(0, 0), tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
