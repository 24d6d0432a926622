"""Is a document an account of a leader call, and of which call?

Read from the title and the opening (summary + first paragraphs), in the document's language:
the call type (video, then phone, then in-person talks), the participants (an official side's
own leader in office is implied when only the counterpart is named), the initiator ("at the
request of", "по инициативе", "应约") and the time (the publication time, aware UTC).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from rashomon.analysis.config import CALL_TYPES, AnalysisConfig, Leader
from rashomon.analysis.leaders import LeaderIndex, Reference
from rashomon.analysis.terms import compile_by_language, normalise
from rashomon.models import Document

COMPANIONS = ("commentary", "transcript")
INITIATOR_REACH = 120  # characters after "at the request of" within which the initiator is named
RECEIVER_REACH = 40  # characters before "应约" within which the one asked is named


@dataclass(frozen=True)
class Recognition:
    """What a document says about the call it reports."""

    type: str
    participants: tuple[str, ...]
    occurred_at: datetime
    initiator: str | None = None

    @property
    def pair(self) -> str:
        return ",".join(self.participants)


class Recogniser:
    """Recognises call documents; build once with `Recogniser.build(leaders, analysis)`."""

    def __init__(self, leaders: LeaderIndex, config: AnalysisConfig) -> None:
        self.leaders = leaders
        self.opening_paragraphs = config.opening_paragraphs
        self.types = {kind: compile_by_language(config.call_types.get(kind, {}))
                      for kind in CALL_TYPES}
        self.before = compile_by_language(config.initiator.before)
        self.receiver = compile_by_language(config.initiator.receiver)
        self.latter = compile_by_language(config.initiator.latter)

    @classmethod
    def build(cls, leaders: Mapping[str, Leader], config: AnalysisConfig) -> Recogniser:
        return cls(LeaderIndex(leaders), config)

    def recognise(self, doc: Document) -> Recognition | None:
        """The call `doc` reports, or None when it is not an account of a call."""
        if doc.kind not in ("readout", *COMPANIONS):
            return None
        day = doc.published_at.date()
        opening = self.opening(doc)
        call_type = self.call_type(doc.title, opening, doc.language)
        refs = self._references(doc, opening, day, self._type_in(doc.title, doc.language))
        participants = self._participants(doc.side, refs, day)
        if call_type is None or participants is None:
            return None
        text = normalise(f"{doc.title}\n{opening}")
        initiator = self.initiator(text, doc.language, participants, day)
        return Recognition(call_type, participants, doc.published_at, initiator)

    def opening(self, doc: Document) -> str:
        return "\n".join((doc.summary, *doc.paragraphs[: self.opening_paragraphs])).strip()

    def call_type(self, title: str, opening: str, language: str) -> str | None:
        """Title first; a title saying "talks" becomes "video" when the opening says so."""
        in_title = self._type_in(title, language)
        if in_title in ("video", "phone"):
            return in_title
        in_opening = self._type_in(opening, language)
        if in_title == "talks":
            return "video" if in_opening == "video" else "talks"
        return in_opening

    def _type_in(self, text: str, language: str) -> str | None:
        text = normalise(text)
        for kind, patterns in self.types.items():
            pattern = patterns.get(language)
            if pattern is not None and pattern.search(text):
                return kind
        return None

    def _references(
        self, doc: Document, opening: str, day: date, title_type: str | None
    ) -> list[Reference]:
        """Leaders named in the title; in the opening when the title names none but says it is
        about a call (or the document is a companion item: commentary, transcript)."""
        in_title = self.leaders.references(doc.title, doc.language, day)
        if in_title or not (title_type or doc.kind in COMPANIONS):
            return in_title
        return self.leaders.references(opening, doc.language, day)

    def _participants(self, side: str, refs: list[Reference], day: date) -> tuple[str, ...] | None:
        named = list(dict.fromkeys(ref.leader_id for ref in refs))
        host = self.leaders.host(side, day)
        if host is None:
            return tuple(sorted(named[:2])) if len(named) >= 2 else None
        others = [leader for leader in named if self.leaders.side_of(leader) != side]
        return tuple(sorted((host, others[0]))) if others else None

    def initiator(
        self, text: str, language: str, participants: tuple[str, ...], day: date
    ) -> str | None:
        """Who asked for the call, when the text says so."""
        phrases = (self.latter.get(language), self.before.get(language),
                   self.receiver.get(language))
        if not any(p is not None and p.search(text) for p in phrases):
            return None
        refs = [r for r in self.leaders.references(text, language, day)
                if r.leader_id in participants]
        return (
            _named_last_before(text, self.latter.get(language), refs)
            or _named_after(text, self.before.get(language), refs)
            or _other_than_receiver(text, self.receiver.get(language), refs, participants)
        )


def _named_last_before(
    text: str, pattern: re.Pattern[str] | None, refs: list[Reference]
) -> str | None:
    match = pattern.search(text) if pattern is not None else None
    before = [r for r in refs if match is not None and r.position < match.start()]
    return before[-1].leader_id if before else None


def _named_after(text: str, pattern: re.Pattern[str] | None, refs: list[Reference]) -> str | None:
    match = pattern.search(text) if pattern is not None else None
    if match is None:
        return None
    after = [r for r in refs if match.end() <= r.position <= match.end() + INITIATOR_REACH]
    return after[0].leader_id if after else None


def _other_than_receiver(
    text: str, pattern: re.Pattern[str] | None, refs: list[Reference], participants: tuple[str, ...]
) -> str | None:
    match = pattern.search(text) if pattern is not None else None
    if match is None or len(participants) != 2:
        return None
    before = [r for r in refs if match.start() - RECEIVER_REACH <= r.position < match.start()]
    if not before:
        return None
    receiver = before[-1].leader_id
    return next(p for p in participants if p != receiver)
