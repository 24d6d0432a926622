"""Press coverage of a call: pieces naming both leaders near the call, and whether they discuss
the discrepancy between the official accounts ("the Chinese readout did not mention …")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from rashomon.analysis.language import detect_language
from rashomon.analysis.leaders import LeaderIndex
from rashomon.analysis.terms import compile_by_language, normalise
from rashomon.models import Document, PressItem


class PressMatcher:
    """Attaches press documents to a call; build with the leaders and `analysis` settings."""

    def __init__(
        self, leaders: LeaderIndex, discrepancy: Mapping[str, Iterable[str]],
        before_hours: float, after_hours: float,
    ) -> None:
        self.leaders = leaders
        self.discrepancy: dict[str, re.Pattern[str]] = compile_by_language(discrepancy)
        self.before = timedelta(hours=before_hours)
        self.after = timedelta(hours=after_hours)

    def window(self, occurred_at: datetime) -> tuple[datetime, datetime]:
        """Press published in this range may be about a call at `occurred_at`."""
        return occurred_at - self.before, occurred_at + self.after

    def item(self, doc: Document, participants: Iterable[str]) -> PressItem | None:
        """The press item, when `doc` names every participant (in any language)."""
        text = "\n".join((doc.title, doc.summary, doc.text))
        if not set(participants) <= self.leaders.named_anywhere(text, doc.published_at.date()):
            return None
        return PressItem(doc.title, doc.url, doc.source_id, doc.published_at,
                         self.discusses_discrepancy(text, doc.language))

    def discusses_discrepancy(self, text: str, language: str = "") -> bool:
        """Whether the text talks about the accounts themselves (readouts, omissions), in its
        source's language or the one its script shows."""
        text = normalise(text)
        patterns = (self.discrepancy.get(lang) for lang in {language, detect_language(text)})
        return any(p is not None and p.search(text) is not None for p in patterns)
