"""The language of a text, told by its script: Cyrillic → ru, CJK → zh, Latin → en."""

from __future__ import annotations

import re

SCRIPTS = {
    "ru": re.compile(r"[\u0400-\u04ff]"),
    "zh": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
    "en": re.compile(r"[A-Za-z]"),
}
# One CJK character carries about as much as a short word: weigh it against Latin letters.
WEIGHTS = {"ru": 1.0, "zh": 3.0, "en": 1.0}


def script_shares(text: str) -> dict[str, float]:
    """Each script's weighted share of the letters of `text` (all zero for no letters)."""
    counts = {lang: len(pattern.findall(text)) * WEIGHTS[lang] for lang, pattern in SCRIPTS.items()}
    total = sum(counts.values())
    return {lang: (count / total if total else 0.0) for lang, count in counts.items()}


def detect_language(text: str, default: str = "en") -> str:
    """The language whose script has the largest share; `default` for text without letters."""
    shares = script_shares(text)
    best = max(shares, key=lambda lang: shares[lang])
    return best if shares[best] > 0 else default
