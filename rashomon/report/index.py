"""The index page's view: every call newest first, the filters' choices, and the timeline.

Each row is the call's own view model (`viewmodel.call_view`), so the index and the call
pages can never disagree about a call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rashomon.report.chart import timeline

Json = dict[str, Any]


def index_view(calls: Iterable[Json]) -> Json:
    """`{calls, pairs: [{key, label}], years, chart}`; calls newest first, pairs by label,
    years newest first, and no chart when there is no call."""
    rows = sorted(calls, key=_newest, reverse=True)
    pairs = {view["pair"]["key"]: view["pair"] for view in rows}
    return {
        "calls": rows,
        "pairs": sorted(pairs.values(), key=lambda pair: pair["label"].casefold()),
        "years": sorted({view["year"] for view in rows}, reverse=True),
        "chart": timeline(rows) if rows else None,
    }


def _newest(view: Json) -> tuple[str, str, str]:
    """By date, then time (a date-only call counts as the start of its day), then id."""
    return (view["time"]["date"], view["time"]["utc"] or "", view["id"])
