"""Which way a language is written, and where the matched words are in a sentence.

Finding the matched words is shared with the alerts (`rashomon.text.mark_spans`,
`split_marked`), so the report and an alert always mark the same words.
"""

from __future__ import annotations

from rashomon.text import Span, mark_spans, split_marked

# Languages written right to left (ISO 639-1/-3 codes); every other one is left to right.
RTL = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "ug", "ckb", "sd", "syr"})

__all__ = ["RTL", "Span", "direction", "mark_spans", "split_marked"]


def direction(language: str) -> str:
    """`rtl` or `ltr`, for an element's `dir` attribute."""
    return "rtl" if language.split("-")[0].lower() in RTL else "ltr"
