"""Small text helpers shared by every alert rendering: capitals, call kinds, local times.

Kept apart from the channels so that Slack, stdout and the webhook say the same thing the
same way (a time is always UTC plus the capitals' local times). Shortening and the UTC time
for people are `rashomon.text`'s, shared with the terminal views.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rashomon.text import utc_text

CAPITALS: dict[str, tuple[str, str]] = {
    "RU": ("Moscow", "Europe/Moscow"),
    "CN": ("Beijing", "Asia/Shanghai"),
}
CALL_KINDS = {"phone": "phone call", "video": "video call", "talks": "talks"}


def place(side: str) -> str:
    """How a message names a side: its capital when known ("Moscow"), else the side code."""
    return CAPITALS.get(side, (side, ""))[0]


def call_kind(call_type: str) -> str:
    return CALL_KINDS.get(call_type, call_type)


def utc_iso(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, to the second: the one time format of the JSON payload."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def local_times(moment: datetime, sides: tuple[str, ...]) -> str:
    """"2026-01-10 12:00 UTC · 15:00 Moscow · 20:00 Beijing" (a day shift is spelled out)."""
    parts = [utc_text(moment)]
    for side in sides:
        if side in CAPITALS:
            parts.append(_local(moment, *CAPITALS[side]))
    return " · ".join(parts)


def _local(moment: datetime, capital: str, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    same_day = local.date() == moment.astimezone(UTC).date()
    return f"{local:%H:%M} {capital}" if same_day else f"{local:%Y-%m-%d %H:%M} {capital}"


def capital_sides(sides: tuple[str, ...]) -> tuple[str, ...]:
    """The sides whose capitals a time is shown in; both capitals when the call has none."""
    known = tuple(side for side in sides if side in CAPITALS)
    return known or tuple(CAPITALS)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
