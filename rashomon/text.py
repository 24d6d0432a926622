"""Text helpers every rendering shares (the terminal views, Slack, stdout, e-mail, the report,
the health notes): the one way Rashomon shortens a text, finds and keeps the words that matched
a topic, and prints a UTC time for people.

The analysis tells which words of a sentence matched a topic (`Evidence.matched`,
`Mention.matched`), as they are written in it; `mark_spans` finds them where they stand, and
`excerpt` shortens a sentence around them, so a reader always sees why it was quoted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

ELLIPSIS = "…"
GAP = " … "  # between two kept fragments of one sentence
# Languages written with spaces between words (ISO 639-1 codes): a matched word is marked only
# where it stands whole, and a sentence is cut between words.
SPACED = frozenset({"en", "ru", "fr", "de", "es", "pt", "uk", "be", "kk", "tr", "ar", "he"})

Span = tuple[int, int]


def shorten(text: str, limit: int) -> str:
    """`text` on one line in at most `limit` characters: cut at a word boundary when the
    language has spaces, anywhere in CJK text; '…' marks the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6 and not _is_cjk(cut[space - 1 : space]):
        cut = cut[:space]
    return cut.rstrip(" ,;:") + ELLIPSIS


def _is_cjk(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in ("W", "F")


def utc_text(moment: datetime) -> str:
    """"2026-01-10 12:00 UTC"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# ---------------------------------------------------------------- matched words
def mark_spans(sentence: str, words: Iterable[str], language: str) -> list[Span]:
    """(start, end) offsets of the matched words in the sentence, in order, never overlapping
    (the longest word wins where two overlap). In languages written with spaces a word is
    marked only where it stands whole (so "US" is not marked inside "USSR"), unless it occurs
    nowhere whole (a stem); in Chinese, anywhere."""
    found: list[Span] = []
    for word in sorted(set(words), key=len, reverse=True):
        found += [s for s in _occurrences(sentence, word, language) if not _overlaps(s, found)]
    return sorted(found)


def split_marked(text: str, spans: Iterable[Span]) -> list[tuple[str, bool]]:
    """The text cut into (piece, marked) runs, for a renderer."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        pieces += [(text[at:start], False)] if start > at else []
        pieces.append((text[start:end], True))
        at = end
    return pieces + ([(text[at:], False)] if at < len(text) else [])


def spaced(language: str) -> bool:
    return language.split("-")[0].lower() in SPACED


def _occurrences(sentence: str, word: str, language: str) -> list[Span]:
    if not word:
        return []
    loose = [m.span() for m in re.finditer(re.escape(word), sentence)]
    if not spaced(language):
        return loose
    whole = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", sentence)]
    return whole or loose


def _overlaps(span: Span, spans: Iterable[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


# ---------------------------------------------------------------- shortening around them
def excerpt(sentence: str, words: Iterable[str], language: str, limit: int
            ) -> tuple[str, list[Span]]:
    """The sentence on one line in at most `limit` characters, cut so that the matched words
    stay (with as much of their context as fits, '…' where text was left out), and where they
    stand in the result. A sentence that fits is kept whole; words that cannot all fit are
    kept from the first on."""
    text = " ".join(sentence.split())
    spans = mark_spans(text, words, language)
    if len(text) <= limit:
        return text, spans
    if not spans:
        return shorten(text, limit), []
    while spans and _length(text, _windows(text, spans, 0, language)) > limit:
        spans = spans[:-1]  # even bare, these words do not fit together: keep the first ones
    if not spans:
        return shorten(text, limit), []
    pad = _widest_pad(text, spans, language, limit)
    return _join(text, _windows(text, spans, pad, language), spans)


def _widest_pad(text: str, spans: Sequence[Span], language: str, limit: int) -> int:
    """The most context around each word (in characters) that keeps within `limit`."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _length(text, _windows(text, spans, middle, language)) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _windows(text: str, spans: Sequence[Span], pad: int, language: str) -> list[Span]:
    """Each word with `pad` characters either side, cut between words, overlaps merged."""
    merged: list[Span] = []
    for start, end in spans:
        window = _snap(text, max(0, start - pad), min(len(text), end + pad), start, end,
                       spaced(language))
        if merged and window[0] <= merged[-1][1] + len(GAP):
            merged[-1] = (merged[-1][0], max(merged[-1][1], window[1]))
        else:
            merged.append(window)
    return merged


def _snap(text: str, start: int, end: int, word_start: int, word_end: int,
          between_words: bool) -> Span:
    """Move a window's edges inwards to the nearest spaces, never past the word it keeps."""
    if between_words and start > 0 and not text[start - 1].isspace():
        space = text.find(" ", start, word_start)
        start = space + 1 if space >= 0 else word_start
    if between_words and end < len(text) and not text[end].isspace():
        space = text.rfind(" ", word_end, end)
        end = space if space >= 0 else word_end
    return start, end


def _length(text: str, windows: Sequence[Span]) -> int:
    body = sum(end - start for start, end in windows) + len(GAP) * (len(windows) - 1)
    return body + (windows[0][0] > 0) + (windows[-1][1] < len(text))


def _join(text: str, windows: Sequence[Span], spans: Sequence[Span]) -> tuple[str, list[Span]]:
    """The kept windows joined by '…', and the words' offsets in that result."""
    out = ELLIPSIS if windows[0][0] > 0 else ""
    moved: list[Span] = []
    for number, (start, end) in enumerate(windows):
        out += GAP if number else ""
        shift = len(out) - start
        moved += [(a + shift, b + shift) for a, b in spans if start <= a and b <= end]
        out += text[start:end]
    return out + (ELLIPSIS if windows[-1][1] < len(text) else ""), moved
