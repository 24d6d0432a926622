"""Text helpers every rendering shares (the terminal views, Slack, stdout, the health notes):
the one way Rashomon shortens a text, and the one way it prints a UTC time for people."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

ELLIPSIS = "…"


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
