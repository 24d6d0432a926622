"""Which topics a text mentions, sentence by sentence, in its own language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rashomon.analysis.config import FramingPair, Topic
from rashomon.analysis.sentences import split_sentences
from rashomon.analysis.terms import compile_by_language, normalise
from rashomon.errors import ConfigError


@dataclass(frozen=True)
class Mention:
    """One sentence that mentions one topic."""

    topic_id: str
    sentence: str


@dataclass(frozen=True)
class CompiledTopic:
    id: str
    label: str
    watched: bool
    patterns: Mapping[str, re.Pattern[str]]

    def found_in(self, normalised: str, language: str) -> bool:
        pattern = self.patterns.get(language)
        return pattern is not None and pattern.search(normalised) is not None


class TopicIndex:
    """The configured topics, compiled once; build with `TopicIndex.build(settings.topics)`."""

    def __init__(self, topics: Iterable[CompiledTopic]) -> None:
        self.topics = {topic.id: topic for topic in topics}

    @classmethod
    def build(cls, topics: Mapping[str, Topic]) -> TopicIndex:
        return cls(
            CompiledTopic(topic_id, topic.label, topic.watched, compile_by_language(topic.terms))
            for topic_id, topic in topics.items()
        )

    def check_framing(self, framing: Iterable[FramingPair]) -> None:
        """A framing pair naming an unknown topic is a configuration error."""
        for pair in framing:
            for topic_id in (pair.a, pair.b):
                if topic_id not in self.topics:
                    raise ConfigError(f"framing {pair.label!r}: unknown topic {topic_id!r}")

    def sentence_topics(self, sentence: str, language: str) -> list[str]:
        """Ids of the topics one sentence mentions."""
        text = normalise(sentence)
        return [t.id for t in self.topics.values() if t.found_in(text, language)]

    def mentions(self, text: str, language: str) -> list[Mention]:
        """Every (topic, sentence) of `text`, in text order."""
        return [
            Mention(topic_id, sentence)
            for sentence in split_sentences(text, language)
            for topic_id in self.sentence_topics(sentence, language)
        ]
