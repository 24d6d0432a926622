"""Times as a reader wants them: the call in UTC and in the sides' capitals, and how long after
the call each account and press piece appeared.

A call whose accounts gave only a date (`Call.date_only`: its time is 00:00 UTC of that date)
has no time of day to convert, so it shows the date only, and a delay is counted in days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rashomon.models import Call
from rashomon.report.info import SideInfo

Json = dict[str, Any]


def iso(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def call_time(call: Call, places: Iterable[tuple[str, SideInfo]]) -> Json:
    """`{utc, date, date_only, text, local: [{side, place, zone, at, text}]}`."""
    moment = call.occurred_at.astimezone(UTC)
    if call.date_only:
        return {"utc": None, "date": moment.date().isoformat(), "date_only": True,
                "text": f"{moment:%Y-%m-%d}", "local": []}
    return {"utc": iso(moment), "date": moment.date().isoformat(), "date_only": False,
            "text": f"{moment:%Y-%m-%d %H:%M} UTC",
            "local": [_local(moment, side, info) for side, info in places]}


def _local(moment: datetime, side: str, info: SideInfo) -> Json:
    local = moment.astimezone(ZoneInfo(info.zone))
    shown = f"{local:%H:%M}" if local.date() == moment.date() else f"{local:%Y-%m-%d %H:%M}"
    return {"side": side, "place": info.place, "zone": info.zone,
            "at": local.replace(microsecond=0).isoformat(), "text": f"{shown} {info.place}"}


def after_call(call: Call, moment: datetime, zone: str = "UTC") -> Json:
    """`{seconds, text}`: how long after the call `moment` is ("2 h 5 min after the call");
    for a date-only call, the days between the call's date and `moment`'s date in `zone`."""
    if call.date_only:
        days = (moment.astimezone(ZoneInfo(zone)).date() - call.occurred_at.date()).days
        return {"seconds": None, "days": days, "text": _days(days)}
    seconds = int((moment - call.occurred_at).total_seconds())
    side = "after" if seconds >= 0 else "before"
    text = f"{duration(abs(seconds))} {side} the call" if abs(seconds) >= 60 else (
        "within a minute of the call")
    return {"seconds": seconds, "days": None, "text": text}


def duration(seconds: int) -> str:
    """"3 d 4 h", "2 h 5 min", "12 min" (minutes rounded down)."""
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def _days(days: int) -> str:
    if days == 0:
        return "the same day"
    count = f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
    return f"{count} after the call" if days > 0 else f"{count} before the call"
