"""Configuration of the analysis: leaders, topics, framing pairs and thresholds (see config/)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Leader(_Model):
    """A leader as named in each language; `names` are matched as written (Russian: all forms)."""

    side: str
    country: str = ""
    names: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}


class Topic(_Model):
    """A language-free topic id with terms per language; `watched` topics can raise alerts."""

    label: str
    watched: bool = True
    terms: dict[str, list[str]] = {}


class FramingPair(_Model):
    """One side names topic `a` where the other names topic `b`."""

    a: str
    b: str
    label: str


class AnalysisConfig(_Model):
    match_window_hours: float = Field(36, gt=0)
    one_sided_after_hours: float = Field(24, ge=0)
    min_divergent_topics: int = Field(1, ge=1)
