"""Comparing two accounts given as files (`rashomon diff A B`), without a store.

Files are plain text (`.txt`, `.md`; a leading front-matter block is metadata, not text) or
saved pages (`.html`, `.htm`: the article only, see `pagetext`); the language of each is told
by its script. The result partitions every topic found into
`only_in_a`, `only_in_b` and `shared`; `divergent` counts watched asymmetric topics only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rashomon.analysis.divergence import Passage, asymmetric, find_topics, framing_differences
from rashomon.analysis.language import detect_language
from rashomon.analysis.pagetext import PageRules, page_text
from rashomon.analysis.topics import TopicIndex
from rashomon.errors import AnalysisError
from rashomon.models import Framing, TopicFinding
from rashomon.settings import Settings, Source

RULE_FIELDS = ("title", "lead", "body", "remove")
TEXT_SUFFIXES = (".txt", ".md", ".markdown", "")
HTML_SUFFIXES = (".html", ".htm")
SIDES = ("a", "b")
WRAPPED = re.compile(r"(?<=\S)[ \t]*\n(?![ \t]*(?:\n|[-*+>]\s|#{1,6}\s|\d+\.\s))[ \t]*")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---[ \t]*\n", re.DOTALL)


def page_rules(sources: Iterable[Source]) -> list[PageRules]:
    """The article selectors of the configured sources, each distinct set once."""
    found: dict[tuple[tuple[str, ...], ...], PageRules] = {}
    for source in sources:
        chains = tuple(tuple(source.selectors.get(field, [])) for field in RULE_FIELDS)
        if chains[2]:
            found.setdefault(chains, PageRules(source.id, *chains))
    return list(found.values())


def read_text(path: Path, rules: Sequence[PageRules] = ()) -> str:
    """The text of a file: plain text as is, a saved page as its article, one block per line."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES + HTML_SUFFIXES:
        raise AnalysisError(f"{path}: unsupported file type {suffix!r} (.txt, .md or .html)")
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"{path}: cannot read: {exc}") from None
    text = page_text(raw, rules) if suffix in HTML_SUFFIXES else markdown_text(raw)
    if not text.strip():
        raise AnalysisError(f"{path}: no text found")
    return text


def markdown_text(raw: str) -> str:
    """Plain text read by Markdown's rules: front matter is metadata, a single line break
    continues the paragraph (saved readouts are often hard-wrapped), a blank line or a list item
    or heading starts a new one; emphasis, bullets and escapes are dropped."""
    text = FRONT_MATTER.sub("", raw.replace("\r\n", "\n"))
    text = WRAPPED.sub(" ", text)
    text = re.sub(r"(?m)^\s{0,3}(#{1,6}|[-*+]|>)\s+", "", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text)
    return re.sub(r"(\*\*|__|`)", "", text)


@dataclass(frozen=True)
class TextComparison:
    """Two accounts compared by topic; side "a" is the first file, "b" the second."""

    topics: tuple[TopicFinding, ...]
    framing: tuple[Framing, ...]
    languages: tuple[str, str]
    min_divergent_topics: int = 1

    @property
    def only_in_a(self) -> list[str]:
        return asymmetric(self.topics, "a", SIDES)

    @property
    def only_in_b(self) -> list[str]:
        return asymmetric(self.topics, "b", SIDES)

    @property
    def shared(self) -> list[str]:
        return sorted(t.topic_id for t in self.topics if {"a", "b"} <= t.sides)

    @property
    def divergent(self) -> bool:
        watched = [t for t in self.topics if t.watched and len(t.sides) == 1]
        return len(watched) >= self.min_divergent_topics

    def to_json(self) -> dict[str, Any]:
        """The one JSON object `rashomon diff --json` prints."""
        return {
            "divergent": self.divergent,
            "only_in_a": self.only_in_a,
            "only_in_b": self.only_in_b,
            "shared": self.shared,
            "topics": [_topic_json(t) for t in self.topics],
            "framing": [_framing_json(f) for f in self.framing],
        }


def _topic_json(finding: TopicFinding) -> dict[str, Any]:
    return {"id": finding.topic_id, "label": finding.label,
            "a": list(finding.sentences("a")), "b": list(finding.sentences("b"))}


def _framing_json(framing: Framing) -> dict[str, str]:
    a, b = (framing.topic_a, framing.topic_b) if framing.side_a == "a" else (
        framing.topic_b, framing.topic_a)
    return {"a": a, "b": b, "label": framing.label}


def compare_texts(
    text_a: str, text_b: str, settings: Settings, index: TopicIndex | None = None,
    languages: tuple[str | None, str | None] = (None, None),
) -> TextComparison:
    """Compare two texts; each language is detected from its script unless given."""
    index = index or TopicIndex.build(settings.topics)
    lang_a = languages[0] or detect_language(text_a)
    lang_b = languages[1] or detect_language(text_b)
    topics = find_topics(index, [Passage("a", text_a, lang_a), Passage("b", text_b, lang_b)])
    framing = framing_differences(topics, settings.framing, SIDES)
    return TextComparison(topics, framing, (lang_a, lang_b),
                          settings.analysis.min_divergent_topics)


def compare_files(path_a: Path, path_b: Path, settings: Settings) -> TextComparison:
    """`rashomon diff A B`: compare two files."""
    rules = page_rules(settings.sources.values())
    return compare_texts(read_text(path_a, rules), read_text(path_b, rules), settings)
