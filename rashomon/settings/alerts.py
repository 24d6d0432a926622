"""Configuration of alert channels and delivery (`[alerts]`, `[[alerts.channels]]`).

Secrets never live in a file: a channel names the environment variables that hold its URL
(`url_env`) and signing secret (`secret_env`); the settings loader reads them into
`Settings.secrets`, and the channels are built with those (`alerts.channels.build_channels`).
A literal `url` is accepted for local receivers and tests, but not for an `apprise` channel: an
Apprise URL (`mailtos://user:password@host`, `tgram://bot-token/chat`) carries its credentials.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from rashomon.settings.model import ConfigModel

AlertType = Literal["divergence", "update", "one_sided", "source_health"]
CallAlertType = Literal["divergence", "update", "one_sided"]
ChannelKind = Literal["slack", "webhook", "stdout", "apprise"]
CALL_TYPES: tuple[CallAlertType, ...] = ("divergence", "update", "one_sided")
CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HTTP_KINDS = ("slack", "webhook")
RATE_LIMITED = ("slack", "webhook", "apprise")  # 1 message per second unless configured


class ChannelConfig(ConfigModel):
    """One destination. Filters narrow what it receives; empty `sides`/`topics` accept all."""

    name: str
    kind: ChannelKind
    url: str | None = None
    url_env: str | None = None
    secret_env: str | None = None
    sides: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    types: tuple[CallAlertType, ...] = CALL_TYPES
    # True: receives source_health; False: never; None: only if no channel says True.
    operational: bool | None = None
    # None: 1 message per second for slack/webhook/apprise, unlimited for stdout.
    rate_per_second: float | None = Field(None, gt=0)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not CHANNEL_NAME.match(value):
            raise ValueError(f"channel name {value!r}: letters, digits, '_', '.', '-' only")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must be an http(s) URL")  # the value itself may be a secret
        return value

    @model_validator(mode="after")
    def _destination(self) -> ChannelConfig:
        has_url = self.url is not None or self.url_env is not None
        if self.kind in HTTP_KINDS and (self.url is None) == (self.url_env is None):
            raise ValueError(f"a {self.kind} channel needs exactly one of url or url_env")
        if self.kind == "stdout" and (has_url or self.secret_env):
            raise ValueError("a stdout channel takes no url, url_env or secret_env")
        if self.kind == "apprise" and (self.url_env is None or self.url or self.secret_env):
            raise ValueError("an apprise channel needs url_env (the variable holding its Apprise "
                             "URL, which carries credentials), and no url or secret_env")
        return self

    @property
    def min_interval(self) -> float:
        """Seconds between two messages to this channel (0: no limit)."""
        rate = self.rate_per_second
        if rate is None:
            rate = 1.0 if self.kind in RATE_LIMITED else None
        return 0.0 if rate is None else 1.0 / rate


class RetryPolicy(ConfigModel):
    """Retries for a time, not a count: an alert is given up on once it has kept failing for
    `give_up_after_hours` since its first failed attempt (a webhook down for hours is normal);
    `max_attempts`, when set, gives up after that many attempts too (it once was the only
    limit, 8 by default, which failed every alert of a 20-minute outage). Between attempts,
    exponential backoff with jitter, capped at `backoff_cap` seconds, so that a receiver that
    recovers is tried again within that long; a server's Retry-After is never shortened, but
    is held to `retry_after_max` seconds (a server asking for years would park an alert)."""

    give_up_after_hours: float = Field(24.0, gt=0)
    max_attempts: int | None = Field(None, ge=1)
    backoff_base: float = Field(2.0, gt=0)
    backoff_cap: float = Field(900.0, gt=0)
    jitter: float = Field(0.2, ge=0, le=1)
    retry_after_max: float = Field(3600.0, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> RetryPolicy:
        if self.backoff_base > self.backoff_cap:
            raise ValueError(f"backoff_base ({self.backoff_base:g} s) must not exceed "
                             f"backoff_cap ({self.backoff_cap:g} s)")
        if self.backoff_cap > self.give_up_after:
            raise ValueError(f"backoff_cap ({self.backoff_cap:g} s) must not exceed "
                             f"give_up_after_hours ({self.give_up_after_hours:g} h): an alert "
                             "would be given up on after one wait")
        return self

    @property
    def give_up_after(self) -> float:
        """Seconds of failing after which an alert is given up on."""
        return self.give_up_after_hours * 3600


class HealthConfig(ConfigModel):
    failures_before_alert: int = Field(3, ge=1)


class AlertsConfig(ConfigModel):
    channels: list[ChannelConfig] = []
    retry: RetryPolicy = RetryPolicy()
    health: HealthConfig = HealthConfig()
    connect_timeout: float = Field(5.0, gt=0)
    timeout: float = Field(10.0, gt=0)  # the whole of one attempt, connecting included
    pass_budget: float = Field(120.0, gt=0)
    lease_seconds: float = Field(120.0, gt=0)
    max_press: int = Field(5, ge=0)
    max_call_age_days: float = Field(30.0, ge=0)
    evidence_chars: int = Field(240, ge=40)

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: list[ChannelConfig]) -> list[ChannelConfig]:
        names = [channel.name for channel in value]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate channel names: {', '.join(duplicates)}")
        return value

    @model_validator(mode="after")
    def _time_limits(self) -> AlertsConfig:
        """A claim must outlast the attempt it is for, or another process may send the same
        alert meanwhile; connecting is part of an attempt."""
        if self.connect_timeout > self.timeout:
            raise ValueError(f"connect_timeout ({self.connect_timeout:g} s) must not exceed "
                             f"timeout ({self.timeout:g} s), the whole of an attempt")
        wait = max((c.min_interval for c in self.effective_channels()), default=0.0)
        if self.lease_seconds <= self.timeout + wait:
            raise ValueError(f"lease_seconds ({self.lease_seconds:g}) must exceed timeout "
                             f"({self.timeout:g} s) plus the slowest channel's rate-limit wait "
                             f"({wait:g} s): a claim must outlast its attempt")
        return self

    def effective_channels(self) -> list[ChannelConfig]:
        """The configured channels, or one stdout channel so alerts work out of the box."""
        return self.channels or [ChannelConfig(name="stdout", kind="stdout")]
