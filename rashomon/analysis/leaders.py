"""Leaders found in a text: by name (as written) or by title (whoever held it that day)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rashomon.analysis.terms import NEVER, compile_names, normalise, term_pattern
from rashomon.settings.analysis import Leader


@dataclass(frozen=True)
class Reference:
    """A leader named (or titled) at a position of a text, up to `end`."""

    position: int
    leader_id: str
    end: int = 0


@dataclass(frozen=True)
class _Owner:
    """What a group of the combined pattern stands for: one leader's names, or one title."""

    leader_ids: tuple[str, ...]
    is_title: bool


class LeaderIndex:
    """The configured leaders, compiled once per language into one pattern with a group each."""

    def __init__(self, leaders: Mapping[str, Leader]) -> None:
        self.leaders = dict(leaders)
        languages = {lang for lead in leaders.values() for lang in (*lead.names, *lead.titles)}
        self._compiled = {lang: self._compile(lang) for lang in languages}

    def _compile(self, language: str) -> tuple[re.Pattern[str], list[_Owner]]:
        owners: list[_Owner] = []
        parts: list[str] = []
        for title, ids in sorted(self._titles(language).items(), key=lambda kv: -len(kv[0])):
            owners.append(_Owner(ids, True))
            parts.append(f"(?P<g{len(parts)}>{term_pattern(title, language)})")
        for leader_id, leader in self.leaders.items():
            names = compile_names(leader.names.get(language, []), language)
            if names is not NEVER:
                owners.append(_Owner((leader_id,), False))
                parts.append(f"(?P<g{len(parts)}>{names.pattern})")
        return (re.compile("|".join(parts)) if parts else NEVER), owners

    def _titles(self, language: str) -> dict[str, tuple[str, ...]]:
        titles: dict[str, tuple[str, ...]] = {}
        for leader_id, leader in self.leaders.items():
            for title in leader.titles.get(language, []):
                titles[title] = (*titles.get(title, ()), leader_id)
        return titles

    def references(self, text: str, language: str, day: date) -> list[Reference]:
        """Leaders named in `text`, in order; a title counts for whoever held it on `day`."""
        pattern, owners = self._compiled.get(language, (NEVER, []))
        found: list[Reference] = []
        for match in pattern.finditer(normalise(text)):
            owner = owners[int(match.lastgroup[1:])] if match.lastgroup else None
            leader_id = self._resolve(owner, day) if owner else None
            if leader_id is not None:
                found.append(Reference(match.start(), leader_id, match.end()))
        return found

    def _resolve(self, owner: _Owner, day: date) -> str | None:
        if not owner.is_title:
            return owner.leader_ids[0]
        serving = [i for i in owner.leader_ids if self.leaders[i].in_office(day)]
        return serving[0] if serving else None

    def named(self, text: str, language: str, day: date) -> list[str]:
        """Distinct leaders named in `text`, in order of first mention."""
        return list(dict.fromkeys(ref.leader_id for ref in self.references(text, language, day)))

    def host(self, side: str, day: date) -> str | None:
        """The leader of `side` in office on `day` (the first listed, if several)."""
        serving = [i for i, lead in self.leaders.items()
                   if lead.side == side and lead.in_office(day)]
        return serving[0] if serving else None

    def side_of(self, leader_id: str) -> str:
        return self.leaders[leader_id].side

    def named_anywhere(self, text: str, day: date) -> set[str]:
        """Leaders named in `text` in any configured language (press comes in any language)."""
        return {ref.leader_id
                for lang in self._compiled for ref in self.references(text, lang, day)}
