"""What every channel is: a name, filters, a renderer and a sender.

A channel renders an alert once, when it is written to the outbox (the stored body is what
is sent, byte for byte, on every attempt), and sends a stored body later. `send` returns a
`Sent` or raises `RetryableDelivery` / `PermanentDelivery`; it never swallows a failure.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, TextIO
from urllib.parse import urlsplit

import httpx

from alerts.message import Alert
from rashomon.errors import ConfigError
from rashomon.settings.alerts import AlertsConfig, ChannelConfig

REDACTED = "[redacted]"
MIN_SECRET = 6


@dataclass(frozen=True)
class Sent:
    """A delivery that the other end accepted: its HTTP status (None for stdout) and a word."""

    status: int | None
    detail: str


@dataclass
class ChannelContext:
    """What channels are built with: the settings, the secrets the settings loader read from
    the environment (by variable name), the shared HTTP client, the stdout channel's stream."""

    alerts: AlertsConfig
    secrets: Mapping[str, str]
    client: httpx.Client | None = None
    stream: TextIO | None = None
    receives_health: Mapping[str, bool] = field(default_factory=dict)


class Channel(ABC):
    """One configured destination."""

    kind: ClassVar[str]

    def __init__(self, config: ChannelConfig, context: ChannelContext) -> None:
        self.config = config
        self.name = config.name
        self.receives_health = context.receives_health.get(config.name, True)

    @abstractmethod
    def render(self, alert: Alert, message_id: str) -> str:
        """The body to store and send for this alert."""

    @abstractmethod
    def send(self, body: str, message_id: str, now: datetime) -> Sent:
        """Deliver a stored body once; raise a `DeliveryError` when it did not arrive."""

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in a log line, an error or the CLI's output."""
        return ()

    @property
    def min_interval(self) -> float:
        return self.config.min_interval

    def accepts(self, alert: Alert) -> bool:
        """Whether the channel's filters let this alert through."""
        if alert.type == "source_health":
            return self.receives_health
        if alert.type == "test":
            return True
        return alert.type in self.config.types and self._sides_ok(alert) and self._topics_ok(alert)

    def _sides_ok(self, alert: Alert) -> bool:
        sides = alert.call.sides if alert.call else ()
        return not self.config.sides or bool(set(self.config.sides) & set(sides))

    def _topics_ok(self, alert: Alert) -> bool:
        return not self.config.topics or bool(set(self.config.topics) & alert.topic_ids)


def url_secrets(url: str) -> tuple[str, ...]:
    """A URL and the parts of it that carry its secret (a Slack webhook's token is its path),
    so that an error quoting only part of the URL is redacted too."""
    parts = urlsplit(url)
    pieces = [url, parts.netloc + parts.path, parts.path, parts.query]
    pieces += [p for p in re.split(r"[/?&=]", parts.path + "?" + parts.query) if len(p) >= 16]
    return tuple(piece for piece in pieces if len(piece) > 1)


def signing_secrets(secret: str) -> tuple[str, ...]:
    return (secret, secret.removeprefix("whsec_"))


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every secret replaced (longest first, so a URL hides its own parts too).

    Values under `MIN_SECRET` characters are left alone: replacing "x" would garble every
    message and protect nothing (the whole URL they are part of is still replaced)."""
    for secret in sorted((s for s in secrets if len(s) >= MIN_SECRET), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def secret(secrets: Mapping[str, str], variable: str, channel: str) -> str:
    """A secret by the name of its variable; the error names the variable, never a value."""
    value = secrets.get(variable, "").strip()
    if not value:
        raise ConfigError(f"alerts channel {channel!r}: environment variable {variable} is not set")
    return value
