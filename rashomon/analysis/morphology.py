"""Word forms: every inflected form of a term's word, so that matching is an exact look-up.

Russian inflects: "военное сотрудничество" is written "военного сотрудничества",
"военному сотрудничеству", …. A bare stem ("Сири") also hits the wrong words ("центра «Сириус»"
is not Syria), so a Russian word in a term list stands for its lexeme: all the forms pymorphy3's
dictionary gives for it. pymorphy3 takes ~0.1 s to load and ~0.1 ms a word, so the forms of the
packaged term lists ship precomputed (`ru_forms.json`, written by `python -m
rashomon.analysis.morphology`); only words a user adds load the dictionary, once per
`RussianForms` (a topic index has one): no module keeps a table or a dictionary of its own.

English words take the simple suffixes (s, es, ed, d, ing, 's) on a phrase's last word.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("ru_forms.json")
EN_SUFFIXES = ("", "s", "es", "ed", "d", "ing", "'s", "’s")


def en_forms(word: str) -> frozenset[str]:
    """A word with the simple English suffixes, lower-cased."""
    return frozenset(word.lower() + suffix for suffix in EN_SUFFIXES)


class RussianForms:
    """Russian word → its inflected forms (lower case, `ё` as `е`), from a table or pymorphy3."""

    def __init__(self, table: Mapping[str, Iterable[str]]) -> None:
        self.table = {word: frozenset(forms) for word, forms in table.items()}
        self._dictionary: Any = None

    @classmethod
    def packaged(cls) -> RussianForms:
        """The forms of the packaged term lists (`ru_forms.json`)."""
        return cls(_packaged_table())

    def forms(self, word: str) -> frozenset[str]:
        key = _key(word)
        if key not in self.table:
            self.table[key] = lexeme(key, self.dictionary())
        return self.table[key]

    def dictionary(self) -> Any:
        """pymorphy3's analyser, loaded the first time a word is not in the table."""
        if self._dictionary is None:
            import pymorphy3  # loaded only for words the packaged table lacks

            self._dictionary = pymorphy3.MorphAnalyzer()
        return self._dictionary


def _packaged_table() -> dict[str, list[str]]:
    try:
        return dict(json.loads(TABLE.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


def _key(word: str) -> str:
    return word.lower().replace("ё", "е")


def lexeme(word: str, dictionary: Any) -> frozenset[str]:
    """The inflected forms of a word; the word itself when the dictionary does not know it.

    Parses whose dictionary form is the word win (the word was written in dictionary form);
    otherwise every parse that has the word among its forms counts. pymorphy3's lexemes also
    hold degrees of comparison, which are other words to a reader ("наивысший" is in the lexeme
    of "высокий", and "на высшем уровне" is not "at an all-time high"): comparatives are left
    out, and so is every form that does not keep the word's stem (`_same_stem`).
    """
    word = _key(word)
    parses = dictionary.parse(word)
    chosen = [p for p in parses if _key(p.normal_form) == word] or [
        p for p in parses if any(_key(f.word) == word for f in p.lexeme)
    ]
    forms = {
        _key(form.word) for parse in chosen for form in parse.lexeme
        if "COMP" not in form.tag and _same_stem(word, _key(form.word))
    }
    return frozenset(forms | {word})


def _same_stem(word: str, form: str) -> bool:
    """Russian inflects at the end: a form of the word keeps all but its last four letters."""
    keep = max(2, len(word) - 4)
    return form[:keep] == word[:keep]


def russian_words(topics: Mapping[str, Any]) -> set[str]:
    """Every inflecting Russian word of the packaged term lists (see `phrases.words_to_inflect`)."""
    from rashomon.analysis.phrases import words_to_inflect

    found: set[str] = set()
    for topic in topics.values():
        for terms in (topic.terms, topic.exclude):
            found |= words_to_inflect(terms.get("ru", []))
    return found


def write_table(path: Path = TABLE) -> int:
    """Write the packaged table for the packaged topics; the number of words in it."""
    from rashomon.settings import load_settings

    words = sorted(russian_words(load_settings(env={}).topics))
    forms = RussianForms({})
    table = {word: sorted(forms.forms(word)) for word in words}
    path.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                    encoding="utf-8")
    return len(table)


if __name__ == "__main__":
    count = write_table()
    print(f"{TABLE}: {count} Russian words", file=sys.stderr)
