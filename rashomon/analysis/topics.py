"""Which topics a text mentions, sentence by sentence, in its own language.

Every topic's terms of one language go into one `PhraseSet`, so a sentence is scanned once for
all topics. A topic's `exclude` terms veto the hits they overlap ("US dollars" does not name the
United States; "访问取得圆满成功" is a visit that is over).
"""

from __future__ import annotations

from bisect import bisect_right as bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rashomon.analysis.morphology import RussianForms
from rashomon.analysis.phrases import Hit, PhraseSet
from rashomon.analysis.sentences import sentence_spans
from rashomon.errors import ConfigError
from rashomon.settings.analysis import FramingPair, Topic

EXCLUDE = "!"


@dataclass(frozen=True)
class Mention:
    """One sentence that mentions one topic, with the words that matched."""

    topic_id: str
    sentence: str
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicInfo:
    id: str
    label: str
    watched: bool
    skip_sides: frozenset[str] = frozenset()


class TopicIndex:
    """The configured topics; build with `TopicIndex.build(settings.topics)`. Each language's
    automaton is compiled the first time a text in that language is read, so `rashomon diff`
    of two English files never compiles the Russian one."""

    def __init__(self, topics: Iterable[TopicInfo], terms: Mapping[str, list[tuple[str, str]]],
                 russian: RussianForms | None = None) -> None:
        self.topics = {topic.id: topic for topic in topics}
        self.terms = dict(terms)
        self.russian = russian
        self.compiled: dict[str, PhraseSet] = {}

    @classmethod
    def build(cls, topics: Mapping[str, Topic], russian: RussianForms | None = None) -> TopicIndex:
        info = [TopicInfo(topic_id, topic.label, topic.watched, frozenset(topic.skip_sides))
                for topic_id, topic in topics.items()]
        return cls(info, _labelled_terms(topics), russian)

    def phrases(self, language: str) -> PhraseSet | None:
        """The compiled terms of one language (None when no topic has terms in it)."""
        if language not in self.compiled and language in self.terms:
            self.russian = self.russian or RussianForms.packaged()
            self.compiled[language] = PhraseSet(language, self.terms[language], self.russian)
        return self.compiled.get(language)

    def check_framing(self, framing: Iterable[FramingPair]) -> None:
        """A framing pair naming an unknown topic is a configuration error."""
        for pair in framing:
            for topic_id in (pair.a, pair.b):
                if topic_id not in self.topics:
                    raise ConfigError(f"framing {pair.label!r}: unknown topic {topic_id!r}")

    def sentence_topics(self, sentence: str, language: str) -> list[str]:
        """Ids of the topics one sentence mentions."""
        return sorted({mention.topic_id for mention in self.mentions(sentence, language)})

    def mentions(self, text: str, language: str) -> list[Mention]:
        """Every (topic, sentence) of `text`, in text order, with the words that matched: the
        whole text is scanned once, and each hit is filed under its sentence."""
        phrases = self.phrases(language)
        if phrases is None:
            return []
        spans = sentence_spans(text, language)
        starts = [start for start, _ in spans]
        matched: dict[tuple[int, str], list[str]] = {}
        for hit in _kept(phrases.find(text, starts[1:])):
            words = matched.setdefault((bisect(starts, hit.start) - 1, hit.label), [])
            found = text[hit.start:hit.end]
            words += [] if found in words else [found]
        return [Mention(topic_id, text[slice(*spans[number])], tuple(words))
                for (number, topic_id), words in sorted(matched.items())]


def _labelled_terms(topics: Mapping[str, Topic]) -> dict[str, list[tuple[str, str]]]:
    """`{language: [(label, term), …]}`: a topic's terms under its id, exclusions under `!id`."""
    found: dict[str, list[tuple[str, str]]] = {}
    for topic_id, topic in topics.items():
        for prefix, table in (("", topic.terms), (EXCLUDE, topic.exclude)):
            for language, terms in table.items():
                found.setdefault(language, []).extend((prefix + topic_id, t) for t in terms)
    return found


def _kept(hits: list[Hit]) -> list[Hit]:
    """Hits that no exclusion of their own topic overlaps ("国事访问" in "国事访问取得…")."""
    vetoes = [hit for hit in hits if hit.label.startswith(EXCLUDE)]
    if not vetoes:
        return hits
    return [
        hit for hit in hits
        if not hit.label.startswith(EXCLUDE)
        and not any(v.label[1:] == hit.label and v.start < hit.end and hit.start < v.end
                    for v in vetoes)
    ]
