"""Phrases found in one pass: an Aho–Corasick automaton over the text, each hit checked by its rule.

The term syntax, the same in every term list (config/topics.toml):

- words are separated by spaces, and a hyphen counts as a space ("military-technical");
- `en`: whole words, case-insensitive; a phrase's last word may take s, es, ed, d, ing, 's;
- `ru`: whole words in any inflected form; write the dictionary form ("военное сотрудничество"
  also finds "военного сотрудничества"), see `morphology`;
- a word ending in `*` is a stem: any ending ("Ukrain*"); a word starting with `=` is that form
  only ("=выборы": elections, not "выбор", a choice);
- a word in capitals ("US", "NATO", "США") is matched exactly as written;
- `zh` (and any language written without spaces): the term is a substring;
- `…` (or `...`) between two parts: the parts occur in this order in one sentence, at most
  `GAP_WORDS` words (`zh`: `GAP_CHARS` characters) apart: "look forward … in Beijing".

Each term's phrase is a key of one automaton per language (every combination of its words'
forms, up to `MAX_KEYS`); a hit is then checked at both edges (whole words), for capitals, and
for the words a key could not hold.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right as bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from rashomon.analysis.morphology import RussianForms, en_forms

SPACED = ("en", "ru")
GAP = re.compile(r"\s*(?:…|\.\.\.)\s*")
GAP_WORDS = 6
GAP_CHARS = 12
MAX_KEYS = 256
WORD = re.compile(r"\w+")
SEPARATORS = (("ё", "е"), ("Ё", "Е"), ("-", " "), ("‑", " "), ("‐", " "), ("\n", " "),
              ("\t", " "), ("\r", " "), ("\xa0", " "), ("’", "'"), ("‘", "'"))


@dataclass(frozen=True)
class Word:
    """One word of a term: its exact forms, or a stem; `caps` is matched case-sensitively."""

    forms: frozenset[str]
    stem: str = ""
    caps: str = ""

    def keys(self) -> frozenset[str]:
        return frozenset({self.stem}) if self.stem else self.forms

    def accepts(self, token: str) -> bool:
        return token.startswith(self.stem) if self.stem else token in self.forms


@dataclass(frozen=True)
class Segment:
    """Words that follow each other; the first `anchored` of them are in the automaton's keys."""

    words: tuple[Word, ...]
    anchored: int


@dataclass(frozen=True)
class Term:
    label: str
    text: str
    segments: tuple[Segment, ...]


class Hit(NamedTuple):
    """Where a term was found in a text: its label and the span of the words it matched."""

    label: str
    start: int
    end: int
    term: str


WHOLE, STEM, CAPS, OTHER = range(4)  # how a key's hit is checked (see `_Key.check`)


class _Key(NamedTuple):
    """One automaton key's meaning: which part of which term, and its words' lengths.
    `check` says how much a hit needs checking: WHOLE (the key is the whole part: its right
    edge), STEM (the part ends in a stem: run to the end of the word), CAPS (one word in
    capitals: as written, and its right edge) or OTHER (`PhraseSet._check`)."""

    term: int
    segment: int
    lengths: tuple[int, ...]
    check: int = OTHER
    caps: str = ""
    single: bool = True  # the term has one part (no gap)


class PhraseSet:
    """Labelled terms of one language, compiled into one automaton; `find` lists the hits."""

    def __init__(self, language: str, terms: Iterable[tuple[str, str]],
                 russian: RussianForms | None = None) -> None:
        self.language = language
        self.spaced = language in SPACED
        self._russian = russian or RussianForms.packaged()
        self.terms = [self._term(label, text) for label, text in terms if text.strip()]
        self._automaton = self._build()

    def _term(self, label: str, text: str) -> Term:
        parts = [p for p in GAP.split(text.strip()) if p]
        return Term(label, text, tuple(self._segment(part) for part in parts))

    def _segment(self, part: str) -> Segment:
        if not self.spaced:
            return Segment((_literal(part),), 1)
        raw = _separated(part).split()
        words = tuple(self._word(word, last=i == len(raw) - 1) for i, word in enumerate(raw))
        return Segment(words, _anchored(words))

    def _word(self, word: str, last: bool) -> Word:
        if word.endswith("*") and len(word) > 1:
            return Word(frozenset(), stem=_lower(word[:-1]))
        if word.startswith("=") and len(word) > 1:
            return Word(frozenset({_lower(word[1:])}))
        if _is_caps(word):
            forms = frozenset({_lower(word), _lower(word) + "'s", _lower(word) + "’s"})
            return Word(forms, caps=word)
        if self.language == "ru":
            return Word(self._russian.forms(word))
        return Word(en_forms(word) if last and self.language == "en" else frozenset({_lower(word)}))

    def _build(self) -> ahocorasick.Automaton:
        keys: dict[str, list[_Key]] = {}
        for number, term in enumerate(self.terms):
            for index, segment in enumerate(term.segments):
                check, caps = _check_of(segment)
                single = len(term.segments) == 1
                for combination in _combinations(segment):
                    key = " ".join(combination)
                    lengths = tuple(len(part) for part in combination)
                    keys.setdefault(key, []).append(
                        _Key(number, index, lengths, check, caps, single))
        automaton = ahocorasick.Automaton()
        for key, payload in keys.items():
            automaton.add_word(key, (len(key), payload))
        if keys:
            automaton.make_automaton()
        return automaton

    def find(self, text: str, sentences: Sequence[int] = ()) -> list[Hit]:
        """Every term found in `text`, in text order. `sentences`: where the sentences after
        the first start; the parts of a gapped term stay within one sentence."""
        if not self.terms:
            return []
        norm = normalise(text)
        ends: dict[tuple[int, int], int] = {}  # (term, start) → end, for one-part terms
        parts: dict[tuple[int, int], dict[int, int]] = {}  # (term, part) → {start: end}
        for start, key, end in self._spans(text, norm):
            if key.single:
                where = (key.term, start)
                if end > ends.get(where, 0):
                    ends[where] = end
            elif key.segment == 0 or (key.term, 0) in parts:
                by_start = parts.setdefault((key.term, key.segment), {})
                by_start[start] = max(end, by_start.get(start, 0))
        hits = [Hit(self.terms[number].label, start, end, self.terms[number].text)
                for (number, start), end in ends.items()]
        found = {where: sorted(by_start.items()) for where, by_start in parts.items()}
        for number in {number for number, part in found if part == 0}:
            if (number, len(self.terms[number].segments) - 1) in found:  # every part was seen
                hits += self._chain(number, found, norm, sentences)
        return sorted(hits, key=lambda hit: (hit.start, hit.end))

    def _spans(self, text: str, norm: str) -> list[tuple[int, _Key, int]]:
        """(start, key, end) of every automaton hit that passes its key's checks (a list, not
        a generator: this loop is the analysis's hot path)."""
        spaced, size, found = self.spaced, len(norm), []
        for end, (length, payload) in self._automaton.iter(norm):
            start, after = end + 1 - length, end + 1
            if spaced and start > 0 and norm[start - 1].isalnum():
                continue  # inside a word: "us" in "discuss"
            edge = not (spaced and after < size and norm[after].isalnum())
            for key in payload:
                if key.check == WHOLE:
                    if edge:
                        found.append((start, key, after))
                elif key.check == STEM:
                    found.append((start, key, _word_end(norm, after) if spaced else after))
                elif key.check == CAPS:
                    if edge and text.startswith(key.caps, start):
                        found.append((start, key, after))
                else:
                    span = self._check(key, text, norm, start)
                    if span is not None:
                        found.append((start, key, span[1]))
        return found

    def _check(self, key: _Key, text: str, norm: str, start: int) -> tuple[int, int] | None:
        """The span of the segment at `start`, if its capitals, right edge and last words agree
        (the left edge is checked once per automaton hit, in `find`)."""
        segment = self.terms[key.term].segments[key.segment]
        if not _caps_agree(segment.words, key.lengths, text, start):
            return None
        end = start + sum(key.lengths) + len(key.lengths) - 1
        return self._rest(segment, norm, start, end)

    def _rest(self, segment: Segment, norm: str, start: int, end: int) -> tuple[int, int] | None:
        """Check the words after the anchor, one token each, and the right edge."""
        words = segment.words
        if words[segment.anchored - 1].stem or not self.spaced:
            end = _word_end(norm, end) if self.spaced else end
        elif end < len(norm) and _is_word_char(norm[end]):
            return None
        for word in words[segment.anchored:]:
            token = WORD.match(norm, end + 1) if norm[end:end + 1] == " " else None
            if token is None or not word.accepts(token.group()):
                return None
            end = token.end()
        return start, end

    def _chain(self, number: int, found: Mapping[tuple[int, int], list[tuple[int, int]]],
               norm: str, sentences: Sequence[int]) -> list[Hit]:
        """Hits of a whole term: each segment after the previous one, within the gap."""
        term = self.terms[number]
        hits = []
        for first in found.get((number, 0), []):
            spans = [first]
            for index in range(1, len(term.segments)):
                following = [s for s in found.get((number, index), [])
                             if s[0] >= spans[-1][1] and self._near(norm, spans[-1][1], s[0])
                             and bisect(sentences, spans[-1][1]) == bisect(sentences, s[0])]
                if not following:
                    break
                spans.append(min(following))
            if len(spans) == len(term.segments):
                hits.append(Hit(term.label, spans[0][0], spans[-1][1], term.text))
        return hits

    def _near(self, norm: str, end: int, start: int) -> bool:
        """At most `GAP_WORDS` words (`GAP_CHARS` characters) between two parts; words are
        counted by the spaces between them (the normalised text has no other separators)."""
        if self.spaced:
            return norm.count(" ", end, start) - 1 <= GAP_WORDS
        return start - end <= GAP_CHARS


def normalise(text: str) -> str:
    """The matching form of a text: lower case, `ё` as `е`, typographic apostrophes as `'`,
    hyphens and spaces as one space each. It has the same length as `text`, so a span in one
    is the same span in the other."""
    text = _separated(text)
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower()[:1] or ch for ch in text)


def _separated(text: str) -> str:
    """`ё` as `е`, typographic apostrophes as `'`, hyphens and spaces as one space each."""
    for old, new in SEPARATORS:  # str.replace is many times faster than str.translate here
        text = text.replace(old, new)
    return text


def _lower(word: str) -> str:
    return _separated(word).lower()


def _is_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _word_end(norm: str, end: int) -> int:
    while end < len(norm) and _is_word_char(norm[end]):
        end += 1
    return end


def _literal(part: str) -> Word:
    return Word(frozenset({_lower(part)}))


def _anchored(words: Sequence[Word]) -> int:
    """How many leading words go into the keys: up to the first stem, within `MAX_KEYS`."""
    count, keys = 0, 1
    for word in words:
        keys *= max(1, len(word.keys()))
        if count and keys > MAX_KEYS:
            break
        count += 1
        if word.stem:
            break
    return count


def _check_of(segment: Segment) -> tuple[int, str]:
    """How hits of this part's keys are checked, and the word in capitals for CAPS."""
    words = segment.words
    if segment.anchored < len(words) or any(w.stem for w in words[:-1]):
        return OTHER, ""
    if len(words) == 1 and words[0].caps:
        return CAPS, words[0].caps
    if any(w.caps for w in words):
        return OTHER, ""
    return (STEM if words[-1].stem else WHOLE), ""


def _combinations(segment: Segment) -> Iterator[tuple[str, ...]]:
    words = segment.words[: segment.anchored]
    return itertools.product(*(sorted(word.keys()) for word in words))


def _caps_agree(words: Sequence[Word], lengths: Sequence[int], text: str, start: int) -> bool:
    """Words in capitals must stand in the text as written (not "us" for "US")."""
    position = start
    for word, length in zip(words, lengths, strict=False):
        if word.caps and not text.startswith(word.caps, position):
            return False
        position += length + 1
    return True


def words_to_inflect(terms: Iterable[str]) -> set[str]:
    """The Russian words of `terms` that stand for their inflected forms (not stems, not
    capitals): what the packaged table of forms must hold."""
    words: set[str] = set()
    for term in terms:
        for part in GAP.split(term.strip()):
            for word in _separated(part).split():
                if not word.endswith("*") and not word.startswith("=") and not _is_caps(word):
                    words.add(word.lower())
    return words
