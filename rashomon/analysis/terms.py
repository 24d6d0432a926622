"""Term lists compiled into regular expressions, one rule per language.

- `en`: whole words, case-insensitive, simple suffixes (s, es, ed, d, ing, 's); a trailing `*`
  allows any ending; spaces and hyphens inside a phrase are interchangeable.
- `ru`: every word of a phrase is a stem matched at a word start (Russian inflects); `ё` = `е`.
- `zh` (and any language written without spaces): substrings.
- A term written in capitals (`US`, `NATO`, `США`) is matched case-sensitively.

Names of people are matched as written (`compile_names`): whole words, case-sensitive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

EN_SUFFIX = r"(?:s|es|ed|d|ing|'s|’s)?"
SPACED = ("en", "ru")
NEVER = re.compile(r"(?!x)x")


def normalise(text: str) -> str:
    """The form every text is matched in: `ё` → `е` (same length, so offsets stay valid)."""
    return text.replace("ё", "е").replace("Ё", "Е")


def _is_caps(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _en(term: str) -> str:
    stem, any_ending = (term[:-1], True) if term.endswith("*") else (term, False)
    words = re.split(r"[\s\-‑]+", stem.strip())
    body = r"[\s\-‑]+".join(re.escape(word) for word in words)
    ending = r"\w*" if any_ending else ("(?:'s|’s)?" if _is_caps(term) else EN_SUFFIX)
    start = r"(?<!\w)" if stem[:1].isalnum() else ""  # "'s meeting with" follows a word
    return rf"{start}{body}{ending}(?!\w)"


def _ru(term: str) -> str:
    words = [re.escape(word) for word in normalise(term).split()]
    return r"(?<!\w)" + r"\w*\s+".join(words) + r"\w*"


def _zh(term: str) -> str:
    return re.escape(term)


RULES = {"en": _en, "ru": _ru}


def term_pattern(term: str, language: str) -> str:
    """The regular expression of one term in one language (without flags)."""
    rule = RULES.get(language, _zh)
    pattern = rule(term.strip())
    return pattern if _is_caps(term) or rule is _zh else f"(?i:{pattern})"


def compile_terms(terms: Iterable[str], language: str) -> re.Pattern[str]:
    """One pattern matching any of `terms`; longer terms are tried first."""
    ordered = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not ordered:
        return NEVER
    return re.compile("|".join(term_pattern(term, language) for term in ordered))


def compile_names(names: Iterable[str], language: str) -> re.Pattern[str]:
    """Names as written: whole words where words are spaced, substrings otherwise."""
    ordered = sorted({n for n in names if n.strip()}, key=len, reverse=True)
    if not ordered:
        return NEVER
    escaped = [re.escape(normalise(name)) for name in ordered]
    if language not in SPACED:
        return re.compile("|".join(escaped))
    return re.compile(r"(?<!\w)(?:" + "|".join(escaped) + r")(?!\w)")


def compile_by_language(terms: Mapping[str, Iterable[str]]) -> dict[str, re.Pattern[str]]:
    """`{language: pattern}` for a per-language term table."""
    return {language: compile_terms(words, language) for language, words in terms.items()}
