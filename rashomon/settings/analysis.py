"""Configuration of the analysis: leaders, topics, framing pairs and thresholds (see config/).

Term lists are keyed by language (`en`, `ru`, `zh`). A topic's terms and exclusions are
written in the term syntax of `analysis.phrases` (every inflected form of a Russian word, `*`
stems, `=` exact forms, `…` gaps); leaders' names and titles, call-type words, initiator
phrases, officials and discrepancy words are matched by `analysis.terms` (`en` on word
boundaries with simple suffixes, `ru` as stems at word starts, `zh` as substrings). In both,
a term in capitals (`US`, `NATO`, `США`) is matched case-sensitively.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from rashomon.settings.model import ConfigModel

Terms = dict[str, list[str]]
CALL_TYPES = ("video", "phone", "talks")


class Term(ConfigModel):
    """One term of office; `end` empty while the leader is in office."""

    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


class Leader(ConfigModel):
    """A leader: `names` matched as written (Russian: list every form); `titles` ("President of
    China", "Председател КНР") are matched like topic terms and name whoever held office that day.
    """

    side: str
    country: str = ""
    names: Terms = {}
    titles: Terms = {}
    terms: list[Term] = []

    def in_office(self, day: date) -> bool:
        return any(term.covers(day) for term in self.terms)


class Topic(ConfigModel):
    """A language-free topic id with terms per language; `watched` topics can raise alerts.

    `exclude` terms veto the topic's hits inside them ("US dollar*" for the United States);
    `skip_sides`: the topic is not compared in a call where one of these sides takes part
    (the United States "named" in a White House readout says nothing).
    """

    label: str
    watched: bool = True
    terms: Terms = {}
    exclude: Terms = {}
    skip_sides: list[str] = []


class FramingPair(ConfigModel):
    """One side names topic `a` where the other names topic `b`."""

    a: str
    b: str
    label: str


class Initiator(ConfigModel):
    """Who asked for the call: `before` phrases precede the initiator ("at the request of"),
    `receiver` phrases follow the one who was asked ("应约"), `latter` phrases point back at the
    leader named last ("at the request of the latter")."""

    before: Terms = {}
    receiver: Terms = {}
    latter: Terms = {}


class CallKinds(ConfigModel):
    """Document kinds that report a call (`accounts`) and those that join one (`companions`)."""

    accounts: list[str] = ["readout", "article", "transcript"]
    companions: list[str] = ["commentary"]


class AnalysisConfig(ConfigModel):
    match_window_hours: float = Field(36, gt=0)
    one_sided_after_hours: float = Field(24, ge=0)
    min_divergent_topics: int = Field(1, ge=1)
    press_before_hours: float = Field(12, ge=0)
    press_after_hours: float = Field(96, ge=0)
    opening_paragraphs: int = Field(2, ge=1)
    call_types: dict[str, Terms] = {}
    initiator: Initiator = Initiator()
    officials: Terms = {}
    kinds: CallKinds = CallKinds()
    discrepancy: Terms = {}

    @model_validator(mode="after")
    def _known_types(self) -> AnalysisConfig:
        unknown = sorted(set(self.call_types) - set(CALL_TYPES))
        if unknown:
            raise ValueError(f"unknown call types {unknown} (known: {', '.join(CALL_TYPES)})")
        return self
