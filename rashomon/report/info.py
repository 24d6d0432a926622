"""What the report needs to know besides the analyses: how to name and place things.

A `ReportInfo` is built once by the composition root (`ReportInfo.from_settings(settings)`)
and passed in; the report package never loads settings itself, so a test can hand it any
names and zones it likes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rashomon.settings import Settings

# The capital and the time zone of the sides the packaged leaders belong to; a side with
# sources of its own takes its sources' time zone instead (it is the zone they publish in).
CAPITALS: dict[str, tuple[str, str]] = {
    "RU": ("Moscow", "Europe/Moscow"),
    "CN": ("Beijing", "Asia/Shanghai"),
    "US": ("Washington", "America/New_York"),
    "FR": ("Paris", "Europe/Paris"),
    "DE": ("Berlin", "Europe/Berlin"),
    "IN": ("New Delhi", "Asia/Kolkata"),
    "BR": ("Brasília", "America/Sao_Paulo"),
    "TR": ("Ankara", "Europe/Istanbul"),
    "UA": ("Kyiv", "Europe/Kyiv"),
    "BY": ("Minsk", "Europe/Minsk"),
    "KZ": ("Astana", "Asia/Almaty"),
}
# Places named after the zone a side publishes in, where the zone's city is not the capital.
ZONE_PLACES = {"Europe/Moscow": "Moscow", "Asia/Shanghai": "Beijing"}


@dataclass(frozen=True)
class LeaderInfo:
    """A leader as a reader knows them: "Xi Jinping", of side "CN"."""

    name: str
    side: str = ""


@dataclass(frozen=True)
class SideInfo:
    """A side as a reader places it: its capital ("Moscow") and the zone it keeps time in."""

    place: str
    zone: str = "UTC"


@dataclass(frozen=True)
class TopicLabel:
    """A topic as shown: its label, and whether it is watched (else context only)."""

    label: str
    watched: bool = True


@dataclass(frozen=True)
class ReportInfo:
    """Display names and zones, keyed by leader id, side code, topic id and source id.

    Anything missing falls back to something readable: a leader id becomes "Xi", a side
    code stands for its own place in UTC, a source id is shown as is.
    """

    leaders: Mapping[str, LeaderInfo] = field(default_factory=dict)
    sides: Mapping[str, SideInfo] = field(default_factory=dict)
    topics: Mapping[str, TopicLabel] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def leader(self, leader_id: str) -> LeaderInfo:
        return self.leaders.get(leader_id) or LeaderInfo(leader_id.replace("_", " ").title())

    def side(self, side: str) -> SideInfo:
        return self.sides.get(side) or SideInfo(side)

    def source(self, source_id: str) -> str:
        return self.sources.get(source_id) or source_id

    def topic(self, topic_id: str, label: str = "", watched: bool = True) -> TopicLabel:
        """The configured label, else the one the analysis carried, else the id."""
        return self.topics.get(topic_id) or TopicLabel(label or topic_id, watched)

    @classmethod
    def from_settings(cls, settings: Settings) -> ReportInfo:
        """Names from the loaded settings: a leader's first English name, each source's name,
        each side's capital and the zone its own sources publish in."""
        leaders = {lid: LeaderInfo((leader.names.get("en") or [lid])[0], leader.side)
                   for lid, leader in settings.leaders.items()}
        topics = {tid: TopicLabel(topic.label, topic.watched)
                  for tid, topic in settings.topics.items()}
        sources = {sid: source.name or sid for sid, source in settings.sources.items()}
        zones = {s.side: s.timezone for s in settings.sources.values()
                 if s.side != "press" and s.timezone != "UTC"}
        return cls(leaders, side_infos(zones), topics, sources)


def side_infos(zones: Mapping[str, str]) -> dict[str, SideInfo]:
    """Every known capital, with the zones the sides' own sources publish in taking over."""
    sides = {side: SideInfo(place, zone) for side, (place, zone) in CAPITALS.items()}
    for side, zone in zones.items():
        known = sides.get(side)
        place = ZONE_PLACES.get(zone) or (known.place if known else _city(zone))
        sides[side] = SideInfo(place, zone)
    return sides


def _city(zone: str) -> str:
    """"America/New_York" → "New York"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")
