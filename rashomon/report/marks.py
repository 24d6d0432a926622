"""Where the matched words are in a sentence, and which way a language is written.

The analysis tells which words of a sentence matched a topic (`Evidence.matched`,
`Mention.matched`), as they are written in it; the report marks them where they stand.
In languages written with spaces a word is marked only where it stands whole (so "US" is
not marked inside "USSR"), unless it occurs nowhere whole (a stem); in Chinese, anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Languages written right to left (ISO 639-1/-3 codes); every other one is left to right.
RTL = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "ug", "ckb", "sd", "syr"})
SPACED = frozenset({"en", "ru", "fr", "de", "es", "pt", "uk", "be", "kk", "tr", "ar", "he"})

Span = tuple[int, int]


def direction(language: str) -> str:
    """`rtl` or `ltr`, for an element's `dir` attribute."""
    return "rtl" if language.split("-")[0].lower() in RTL else "ltr"


def mark_spans(sentence: str, words: Iterable[str], language: str) -> list[Span]:
    """(start, end) offsets of the matched words in the sentence, in order, never overlapping
    (the longest word wins where two overlap)."""
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


def _occurrences(sentence: str, word: str, language: str) -> list[Span]:
    if not word:
        return []
    loose = [m.span() for m in re.finditer(re.escape(word), sentence)]
    if language.split("-")[0].lower() not in SPACED:
        return loose
    whole = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", sentence)]
    return whole or loose


def _overlaps(span: Span, spans: Iterable[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)
