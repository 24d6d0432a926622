"""Names one part of the configuration gives another, checked when it is loaded.

A framing pair names two topics, a channel filters by topics and sides, a topic skips sides,
`[analysis.kinds]` names document kinds. Each model is valid alone; whether the names exist
is known only once the whole ladder is merged. Found here, an unknown name is a configuration
error before any work, naming the key and the nearest known name, rather than a cycle that
fails after crawling or a filter that silently lets nothing through.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rashomon.models import KINDS

if TYPE_CHECKING:
    from rashomon.settings import Settings

Location = tuple[str | int, ...]
LISTED = 20  # known names listed in full when there are no more than this many


@dataclass(frozen=True)
class Unknown:
    """One name that nothing defines: where it was given, of what sort, and the known ones."""

    location: Location
    sort: str  # "topic", "side", "kind"
    name: str
    known: Collection[str]

    @property
    def problem(self) -> str:
        return f"unknown {self.sort} {self.name!r}{hint(self.name, self.known)}"


def hint(name: str, known: Collection[str]) -> str:
    """" (did you mean 'x'?)" for a close known name, else the known names when they are few."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if len(known) <= LISTED:
        return f" (known: {', '.join(sorted(known))})"
    return ""


def sides(settings: Settings) -> set[str]:
    """Every side code the configuration defines: those of the sources and of the leaders."""
    return ({source.side for source in settings.sources.values()}
            | {leader.side for leader in settings.leaders.values()})


def unknown_names(settings: Settings) -> Iterator[Unknown]:
    """Every name given that nothing defines, in the order the file is read."""
    topics, known_sides = set(settings.topics), sides(settings)
    for topic_id, topic in settings.topics.items():
        yield from _missing(("topics", topic_id, "skip_sides"), "side", topic.skip_sides,
                            known_sides)
    for number, pair in enumerate(settings.framing):
        yield from _missing(("framing", number, "a"), "topic", [pair.a], topics)
        yield from _missing(("framing", number, "b"), "topic", [pair.b], topics)
    kinds = settings.analysis.kinds
    yield from _missing(("analysis", "kinds", "accounts"), "kind", kinds.accounts, KINDS)
    yield from _missing(("analysis", "kinds", "companions"), "kind", kinds.companions, KINDS)
    for number, channel in enumerate(settings.alerts.channels):
        where = ("alerts", "channels", number)
        yield from _missing((*where, "topics"), "topic", channel.topics, topics)
        yield from _missing((*where, "sides"), "side", channel.sides, known_sides)


def _missing(location: Location, sort: str, names: Collection[str],
             known: Collection[str]) -> Iterator[Unknown]:
    for name in names:
        if name not in known:
            yield Unknown(location, sort, name, known)
