"""Typed records that flow from the crawler to the alerts: documents in, calls and analyses out.

They are frozen so that a stage can never change what an earlier stage produced; every
time is an aware UTC `datetime` (sites publish in Moscow or Beijing time: convert at the edge).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

# Document kinds. Official pages get theirs from the page's own signals (each source's `kinds`
# in config/sources.toml, checked in order); a page that shows no signal is an `article`.
#   readout     the official account of a leaders' call, talks or meeting
#   article     a news or event report without a kind signal (it may still report a call)
#   commentary  an aide's or spokesperson's comment, remarks, answers to a question
#   transcript  a transcript (a meeting, a press conference, opening remarks)
#   interview   an interview given by the leader
#   statement   a statement, an address, press statements, an announcement by a spokesperson
#   other       a page that is not an article (an announcement of a coming event)
#   press       a press piece from a press feed
KINDS = ("readout", "article", "commentary", "transcript", "interview", "statement", "other",
         "press")
DEFAULT_KIND = "article"


@dataclass(frozen=True)
class Document:
    """One published text of a source: a readout, an article, a transcript, … (see `KINDS`).

    A page that gives a date but no time is stored at local midnight in its source's time zone
    (the analysis tells such a document by that, see `analysis.recognise`).
    """

    source_id: str
    side: str
    language: str
    kind: str
    url: str
    title: str
    published_at: datetime
    paragraphs: tuple[str, ...]
    external_id: str | None = None
    summary: str = ""
    tags: tuple[str, ...] = ()
    fetched_at: datetime | None = None
    id: int | None = None
    version: int = 1

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def content_hash(self) -> str:
        """same title and paragraphs → same hash (re-storing is a no-op)."""
        digest = hashlib.sha256()
        for part in (self.title, *self.paragraphs):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()


@dataclass(frozen=True)
class CrawlOutcome:
    """What one crawl of one source did; feeds `rashomon sources` and the health alerts.

    `reasons` says why each of `failed_urls` failed, in the same order. `deferred` counts the
    new items the crawl left for the next one (more than `[crawl] max_new_items` were new).
    """

    source_id: str
    started_at: datetime
    finished_at: datetime
    requests: int = 0
    responses: Mapping[str, int] = field(default_factory=dict)
    items_stored: int = 0
    parse_failures: int = 0
    failed_urls: tuple[str, ...] = ()
    error: str | None = None
    reasons: tuple[str, ...] = ()
    deferred: int = 0

    @property
    def failures(self) -> tuple[str, ...]:
        """Each failed URL with its reason: "http://…/68656: no title matched"."""
        return tuple(f"{url}: {reason}" if reason else url
                     for url, reason in zip(self.failed_urls, self._padded_reasons(), strict=True))

    def _padded_reasons(self) -> tuple[str, ...]:
        missing = len(self.failed_urls) - len(self.reasons)
        return self.reasons[:len(self.failed_urls)] + ("",) * max(missing, 0)

    @property
    def ok(self) -> bool:
        """A crawl succeeded when it ran to the end and every page parsed."""
        return self.error is None and self.parse_failures == 0


@dataclass(frozen=True)
class EntryPoint:
    """The state of one configured address of a source (a feed, a listing, a data source).

    A source can answer while one of its addresses fails (a 404 on the transcripts feed, on
    the fallback listing): each address keeps its own last answer and failure count, so the
    failure is seen and can raise a health alert of its own.
    """

    source_id: str
    url: str
    last_status: str  # "HTTP 200", "HTTP 304", "HTTP 404", "TimeoutError", …
    checked_at: datetime
    failures: int = 0  # consecutive crawls in which it failed; 0 when it last answered
    failing_since: datetime | None = None

    @property
    def failing(self) -> bool:
        return self.failures > 0


@dataclass(frozen=True)
class Evidence:
    """A sentence of one side's account that mentions a topic, in its original language, with
    the words in it that matched the topic's terms (so a reader sees why)."""

    side: str
    sentence: str
    url: str
    language: str
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicFinding:
    """Which sides' accounts mention one topic, with the sentences as evidence."""

    topic_id: str
    label: str
    watched: bool
    evidence: tuple[Evidence, ...]

    @property
    def sides(self) -> frozenset[str]:
        return frozenset(item.side for item in self.evidence)

    def sentences(self, side: str) -> tuple[str, ...]:
        return tuple(item.sentence for item in self.evidence if item.side == side)


@dataclass(frozen=True)
class Framing:
    """One side names a topic, the other its counterpart (the US vs "external forces")."""

    label: str
    side_a: str
    topic_a: str
    side_b: str
    topic_b: str


@dataclass(frozen=True)
class PressItem:
    """A press piece that names both leaders near the time of the call."""

    title: str
    url: str
    source_id: str
    published_at: datetime
    discusses_discrepancy: bool = False


@dataclass(frozen=True)
class Call:
    """One leader call as recognised from the documents of one or both sides."""

    id: str
    type: str  # "phone" | "video" | "talks"
    participants: tuple[str, ...]  # leader ids, sorted
    occurred_at: datetime
    documents: tuple[Document, ...]
    initiator: str | None = None
    date_only: bool = False  # no account gave a time: occurred_at is 00:00 UTC of the date

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(sorted({doc.side for doc in self.documents}))

    def documents_of(self, side: str) -> tuple[Document, ...]:
        return tuple(doc for doc in self.documents if doc.side == side)


@dataclass(frozen=True)
class CallAnalysis:
    """The comparison of the sides' accounts of one call."""

    call: Call
    topics: tuple[TopicFinding, ...]
    framing: tuple[Framing, ...] = ()
    press: tuple[PressItem, ...] = ()
    one_sided: bool = False
    min_divergent_topics: int = 1  # analysis.min_divergent_topics when it was analysed

    @property
    def divergent(self) -> bool:
        """Both sides' accounts are in and at least `min_divergent_topics` watched topics were
        raised by one side only. A one-sided call is not divergent (it has no second account
        to differ from): it is `one_sided`, the other kind of news; the two never hold together."""
        return not self.one_sided and len(self.asymmetric) >= max(self.min_divergent_topics, 1)

    @property
    def asymmetric(self) -> tuple[TopicFinding, ...]:
        """Watched topics that exactly one side mentioned: the divergences."""
        if len(self.call.sides) < 2:
            return ()
        return tuple(t for t in self.topics if t.watched and len(t.sides) == 1)

    def only_in(self, side: str) -> tuple[str, ...]:
        return tuple(sorted(t.topic_id for t in self.asymmetric if side in t.sides))
