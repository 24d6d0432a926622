"""Sentences: the unit of evidence. EN/RU end on . ! ?; Chinese on 。！？；.

Splitting is deliberately simple and keeps each sentence exactly as written; common
abbreviations ("U.S.", "Mr.", initials) do not end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SPACED_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bNo)(?<!\bvs)(?<!\bU\.S)"
    r"(?<!\bт\.е)(?<!\bг)(?<!\bгг)"
    r"[.!?…]+[\"'»”)]*(?=\s+|$)"
)
CJK_END = re.compile(r"[。！？；]+[”’」』）]*")
SPACED = ("en", "ru")


def split_sentences(text: str, language: str) -> list[str]:
    """The sentences of `text` (paragraph breaks always end a sentence), stripped, non-empty."""
    pattern = SPACED_END if language in SPACED else CJK_END
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n", text):
        sentences.extend(_split_block(block, pattern))
    return sentences


def _split_block(block: str, pattern: re.Pattern[str]) -> Iterable[str]:
    start = 0
    for match in pattern.finditer(block):
        yield from _clean(block[start:match.end()])
        start = match.end()
    yield from _clean(block[start:])


def _clean(piece: str) -> list[str]:
    piece = piece.strip()
    return [piece] if piece else []


def shorten(sentence: str, limit: int = 160) -> str:
    """A sentence cut at a word boundary to at most `limit` characters, with an ellipsis."""
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
