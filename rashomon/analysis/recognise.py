"""Is a document an account of a leader call, and of which call?

Read from the title and the opening (summary + first paragraphs), in the document's language:
the call type (video, then phone, then in-person talks), the participants, the initiator ("at
the request of", "at the Chinese side's initiative", "по инициативе", "应约") and the time.

Participants: an official side's own leader in office is implied when only the counterpart is
named ("Telephone conversation with President of China Xi Jinping"), unless the text names
another official of any side as a party ("王毅会见德国总理默克尔": Merkel met Wang Yi, not Xi).
A title that names no one is read on into the opening only when it says it is about a call, the
document is a companion (commentary, transcript), or the opening's first sentence names the
leaders and then says they took part by video link ("Putin and Xi Jinping took part, via video
link, in the ceremony …": a joint event); a leader merely mentioned after the words ("told them
about his telephone conversation with Xi") is not a party.

Time: the publication time, aware UTC. A document that gives a date but no time (stored at
local midnight in its source's time zone) is dated by its local day, so a Beijing page of 16
February is a call of the 16th, not of the 15th in UTC (`Recognition.date_only`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from rashomon.analysis.leaders import LeaderIndex, Reference
from rashomon.analysis.sentences import split_sentences
from rashomon.analysis.terms import compile_by_language, normalise
from rashomon.models import Document
from rashomon.settings.analysis import CALL_TYPES, AnalysisConfig, Leader

INITIATOR_REACH = 120  # characters after "at the request of" within which the initiator is named
RECEIVER_REACH = 40  # characters before "应约" within which the one asked is named


@dataclass(frozen=True)
class Recognition:
    """What a document says about the call it reports."""

    type: str
    participants: tuple[str, ...]
    occurred_at: datetime
    initiator: str | None = None
    date_only: bool = False  # the document gave a date, no time: occurred_at is 00:00 UTC of it

    @property
    def pair(self) -> str:
        return ",".join(self.participants)

    @property
    def day(self) -> date:
        """The call's day: the UTC date, or the document's own date when it gave no time."""
        return self.occurred_at.astimezone(UTC).date()


class Recogniser:
    """Recognises call documents; build once with `Recogniser.build(leaders, analysis, zones)`."""

    def __init__(self, leaders: LeaderIndex, config: AnalysisConfig,
                 zones: Mapping[str, str] | None = None) -> None:
        self.leaders = leaders
        self.opening_paragraphs = config.opening_paragraphs
        self.types = {kind: compile_by_language(config.call_types.get(kind, {}))
                      for kind in CALL_TYPES}
        self.before = compile_by_language(config.initiator.before)
        self.receiver = compile_by_language(config.initiator.receiver)
        self.latter = compile_by_language(config.initiator.latter)
        self.officials = compile_by_language(config.officials)
        self.accounts = frozenset(config.kinds.accounts)
        self.companions = frozenset(config.kinds.companions)
        self.zones = {source: ZoneInfo(zone) for source, zone in (zones or {}).items()}

    @classmethod
    def build(cls, leaders: Mapping[str, Leader], config: AnalysisConfig,
              zones: Mapping[str, str] | None = None) -> Recogniser:
        """`zones`: each source's time zone, to tell a date-only document by its local day."""
        return cls(LeaderIndex(leaders), config, zones)

    def recognise(self, doc: Document) -> Recognition | None:
        """The call `doc` reports, or None when it is not an account of a call."""
        if doc.kind not in self.accounts | self.companions:
            return None
        occurred_at, date_only = self.occurrence(doc)
        day = occurred_at.date()
        opening = self.opening(doc)
        call_type = self.call_type(doc.title, opening, doc.language)
        refs = self._references(doc, opening, day, self._type_in(doc.title, doc.language))
        participants = self._participants(doc, refs, opening, day)
        if call_type is None or participants is None:
            return None
        text = normalise(f"{doc.title}\n{opening}")
        initiator = self.initiator(text, doc.language, participants, day)
        return Recognition(call_type, participants, occurred_at, initiator, date_only)

    def occurrence(self, doc: Document) -> tuple[datetime, bool]:
        """The publication time; 00:00 UTC of the local date when the document gave no time."""
        zone = self.zones.get(doc.source_id)
        local = doc.published_at.astimezone(zone) if zone is not None else None
        if local is None or local.time() != time(0, 0):
            return doc.published_at, False
        return datetime.combine(local.date(), time(0, 0), tzinfo=UTC), True

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
        """Leaders named in the title; else in the opening when the title says it is about a
        call or the document is a companion; else those named in the opening's first sentence
        before it says "by video link" (a joint event)."""
        in_title = self.leaders.references(doc.title, doc.language, day)
        if in_title:
            return in_title
        if title_type or doc.kind in self.companions:
            return self.leaders.references(opening, doc.language, day)
        first = normalise(next(iter(split_sentences(opening, doc.language)), ""))
        video = self.types["video"].get(doc.language)
        match = video.search(first) if video is not None else None
        if match is None:
            return []
        return [r for r in self.leaders.references(first, doc.language, day)
                if r.end <= match.start()]

    def _participants(self, doc: Document, refs: list[Reference], opening: str,
                      day: date) -> tuple[str, ...] | None:
        named = list(dict.fromkeys(ref.leader_id for ref in refs))
        host = self.leaders.host(doc.side, day)
        if host is None:
            return tuple(sorted(named[:2])) if len(named) >= 2 else None
        others = [leader for leader in named if self.leaders.side_of(leader) != doc.side]
        if not others:
            return None
        if host not in named and self._another_official(doc, opening, day, host):
            return None
        return tuple(sorted((host, others[0])))

    def _another_official(self, doc: Document, opening: str, day: date, host: str) -> bool:
        """The text names a minister, aide or party official as a party, and not the host."""
        text = normalise(f"{doc.title}\n{opening}")
        pattern = self.officials.get(doc.language)
        refs = self.leaders.references(text, doc.language, day)
        if pattern is None or host in {ref.leader_id for ref in refs}:
            return False
        return any(not _inside(match, refs) for match in pattern.finditer(text))

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


def _inside(match: re.Match[str], refs: list[Reference]) -> bool:
    """A role word that is part of a leader's own title ("德国总理" in "德国总理默克尔")."""
    return any(ref.position <= match.start() and match.end() <= ref.end for ref in refs)


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
