"""Sentences: the unit of evidence. EN/RU end on . ! ?; Chinese on 。！？；.

Splitting is deliberately simple and keeps each sentence exactly as written; common
abbreviations ("U.S.", "Mr.", "Jr.", titles, initials) do not end a sentence.
"""

from __future__ import annotations

import re

SPACED_END = re.compile(  # the look-ahead first: most positions fail at once
    r"(?=[.!?…])(?<!\b[A-Z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNo)(?<!\bvs)"
    r"(?<!\bU\.S)(?<!\bJr)(?<!\bSr)(?<!\bGen)(?<!\bSen)(?<!\bGov)(?<!\bProf)"
    r"(?<!\bт\.е)(?<!\bг)(?<!\bгг)"
    r"[.!?…]+[\"'»”)]*(?=\s+|$)"
)
CJK_END = re.compile(r"[。！？；]+[”’」』）]*")
SPACED_BREAK = re.compile(rf"{SPACED_END.pattern}|\n")
CJK_BREAK = re.compile(rf"{CJK_END.pattern}|\n")
SPACED = ("en", "ru")


def split_sentences(text: str, language: str) -> list[str]:
    """The sentences of `text` (line breaks always end a sentence), stripped, non-empty."""
    return [text[start:end] for start, end in sentence_spans(text, language)]


def sentence_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Where the sentences of `text` are: (start, end) offsets, stripped, in order. One pass:
    every end mark and every line break closes the sentence before it."""
    pattern = SPACED_BREAK if language in SPACED else CJK_BREAK
    spans: list[tuple[int, int]] = []
    start = 0
    for match in pattern.finditer(text):
        _add(text, start, match.end(), spans)
        start = match.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append [start, end) without its surrounding white space, unless nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
