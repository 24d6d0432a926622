"""The index's timeline: which calls the two capitals told differently, and on what.

Drawn at build time as geometry for an inline SVG (no charting library in the browser). Time
runs left to right; each divergent topic has a lane, and a call puts one mark in the lane of
each topic only one side raised, coloured by that side. Calls reported by one side only, and
calls whose accounts raise the same watched topics, get a lane each so that every call shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

Json = dict[str, Any]
WIDTH, RIGHT = 960, 24  # the picture's width and its right margin
CHAR, LABEL_ROOM = 6.8, (90, 300)  # a 12px label character's width; the labels' room
TOP, LANE, AXIS = 12, 24, 30  # top margin, one lane's height, the time axis's room
ONE_SIDE, ALIKE = "Reported by one side only", "No divergent topic"
TONES = 6  # side colours in the stylesheet: .tone-0 … .tone-5


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    kind: str  # divergent | one_sided | awaiting | agreeing
    tone: int  # the colour of the side that alone raised the topic (divergent marks)
    page: str
    pair: str
    year: int
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    left: int
    right: int
    axis_y: int
    lanes: tuple[tuple[str, float], ...]  # (label, y)
    ticks: tuple[Tick, ...]
    marks: tuple[Mark, ...]
    legend: tuple[tuple[str, int], ...]  # (place, tone)


def timeline(calls: Sequence[Json]) -> Timeline:
    """The chart of these call views (see `viewmodel`)."""
    lanes = _lanes(calls)
    ys = {label: TOP + LANE * (n + 0.5) for n, label in enumerate(lanes)}
    left = round(min(max(CHAR * max(map(len, lanes)) + 14, LABEL_ROOM[0]), LABEL_ROOM[1]))
    scale = TimeScale.of([_day(view) for view in calls], left)
    tones = _tones(calls)
    marks = tuple(m for view in calls for m in _marks(view, ys, scale, tones))
    axis_y = TOP + LANE * len(lanes) + 4
    return Timeline(WIDTH, axis_y + AXIS, left, WIDTH - RIGHT, axis_y,
                    tuple(ys.items()), scale.ticks(), marks, tuple(tones.items()))


def _lanes(calls: Sequence[Json]) -> list[str]:
    topics = sorted({t["label"] for view in calls for t in view["divergent_topics"]},
                    key=str.casefold)
    extra = [ONE_SIDE] if any(v["status"] in ("one_sided", "awaiting") for v in calls) else []
    return topics + extra + ([ALIKE] if any(_alike(v) for v in calls) else [])


def _alike(view: Json) -> bool:
    return view["status"] in ("agreeing", "divergent") and not view["divergent_topics"]


def _tones(calls: Sequence[Json]) -> dict[str, int]:
    """A colour per place that alone raised a topic, in order of first appearance."""
    places = dict.fromkeys(t["place"] for v in calls for t in v["divergent_topics"])
    return {place: n % TONES for n, place in enumerate(places)}


def _marks(view: Json, ys: dict[str, float], scale: TimeScale, tones: dict[str, int]
           ) -> list[Mark]:
    x, when = scale.x(_day(view)), view["time"]["date"]
    common = {"x": x, "page": view["page"], "pair": view["pair"]["key"], "year": view["year"]}
    marks = [Mark(y=ys[t["label"]], kind="divergent", tone=tones[t["place"]],
                  title=f"{when} {view['pair']['label']}: {t['label']}, only {t['place']}",
                  **common) for t in view["divergent_topics"]]
    if view["status"] in ("one_sided", "awaiting"):
        marks.append(Mark(y=ys[ONE_SIDE], kind=view["status"], tone=0,
                          title=f"{when} {view['pair']['label']}: one account only", **common))
    elif _alike(view):
        marks.append(Mark(y=ys[ALIKE], kind="agreeing", tone=0,
                          title=f"{when} {view['pair']['label']}: no divergent topic", **common))
    return marks


def _day(view: Json) -> date:
    return date.fromisoformat(view["time"]["date"])


@dataclass(frozen=True)
class TimeScale:
    """Days → x from `left` to the right margin; padded so that the first and last marks
    are not on the edge."""

    start: date
    end: date
    left: int

    @classmethod
    def of(cls, days: Sequence[date], left: int) -> TimeScale:
        first, last = min(days), max(days)  # the index draws no chart without calls
        pad = timedelta(days=max(20, (last - first).days // 25))
        return cls(first - pad, last + pad, left)

    def x(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        return round(self.left + (WIDTH - RIGHT - self.left) * (day - self.start).days / span, 1)

    def ticks(self) -> tuple[Tick, ...]:
        """1 January of every year in range; months when the range holds fewer than two."""
        years = [date(y, 1, 1) for y in range(self.start.year + 1, self.end.year + 1)]
        if len(years) >= 2:
            step = -(-len(years) // 12)  # at most 12 labels
            return tuple(Tick(self.x(d), str(d.year)) for d in years[::step])
        months = _months(self.start, self.end)
        step = -(-len(months) // 8)
        return tuple(Tick(self.x(d), f"{d:%Y-%m}") for d in months[::step])


def _months(start: date, end: date) -> list[date]:
    """The first of every month after `start` up to `end`."""
    found: list[date] = []
    year, month = start.year, start.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if date(year, month, 1) > end:
            return found
        found.append(date(year, month, 1))
