"""One side's account as a reader sees it: paragraph by paragraph, each sentence with the
topics it carries and its matched words.

The analysis compares whole documents (`divergence.passages_of`: title, lead and paragraphs,
a line each, so no sentence runs from one part into the next). Reading each part on its own
with the same `TopicIndex.mentions` therefore finds the same sentences with the same topics;
only the topics the analysis kept count (a topic skipped for the call's sides is not marked).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from rashomon.analysis.sentences import split_sentences
from rashomon.analysis.topics import Mention, TopicIndex
from rashomon.models import Document
from rashomon.report.marks import direction, mark_spans

Json = dict[str, Any]


@dataclass(frozen=True)
class TopicRoles:
    """How the call's topics count: `kept` (found by the analysis), `watched` among them, and
    `divergent` (watched topics only one side raised); `order` sorts topic ids for display."""

    kept: Collection[str]
    watched: Collection[str]
    divergent: Collection[str]
    order: Callable[[str], Any]

    def highlight(self, topics: Collection[str]) -> str | None:
        """The strongest role among a sentence's topics."""
        if any(t in self.divergent for t in topics):
            return "divergent"
        if any(t in self.watched for t in topics):
            return "watched"
        return "context" if topics else None


def document_paragraphs(doc: Document, index: TopicIndex, roles: TopicRoles) -> list[Json]:
    """The title, the lead (unless the body opens with it) and each paragraph, as sentences."""
    parts = [("title", doc.title), *_lead(doc), *(("body", text) for text in doc.paragraphs)]
    return [{"role": role, "sentences": sentences(text, doc.language, index, roles)}
            for role, text in parts if text.strip()]


def sentences(text: str, language: str, index: TopicIndex, roles: TopicRoles) -> list[Json]:
    """Every sentence of one paragraph, with the kept topics it mentions and their words."""
    found = _by_sentence(index.mentions(text, language), roles)
    none: tuple[list[str], list[str]] = ([], [])
    return [sentence_json(s, *found.get(s, none), language=language, roles=roles)
            for s in split_sentences(text, language)]


def sentence_json(text: str, topics: Collection[str], words: Collection[str], language: str,
                  roles: TopicRoles) -> Json:
    return {"text": text, "topics": sorted(topics, key=roles.order), "matched": list(words),
            "marks": [list(span) for span in mark_spans(text, words, language)],
            "highlight": roles.highlight(topics)}


def language_json(language: str) -> Json:
    return {"language": language, "dir": direction(language)}


def _by_sentence(mentions: list[Mention], roles: TopicRoles
                 ) -> dict[str, tuple[list[str], list[str]]]:
    """sentence → (topic ids, matched words), for the kept topics only."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for mention in mentions:
        if mention.topic_id in roles.kept:
            topics, words = found.setdefault(mention.sentence, ([], []))
            topics.append(mention.topic_id)
            words += [w for w in mention.matched if w not in words]
    return found


def _lead(doc: Document) -> list[tuple[str, str]]:
    """The lead, unless it is empty or the first paragraph already opens with it."""
    lead = " ".join(doc.summary.split())
    first = " ".join(doc.paragraphs[0].split()) if doc.paragraphs else ""
    return [] if not lead or first.startswith(lead) else [("lead", doc.summary)]
