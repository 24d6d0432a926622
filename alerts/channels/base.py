"""What every channel is: a name, filters, a renderer and a sender.

A channel renders an alert once, when it is written to the outbox (the stored body is what
is sent, byte for byte, on every attempt), and sends a stored body later. `send` returns a
`Sent` or raises `RetryableDelivery` / `PermanentDelivery`; it never swallows a failure.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, TextIO

import httpx

from alerts.message import Alert
from rashomon.errors import ConfigError
from rashomon.settings.alerts import AlertsConfig, ChannelConfig


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
        """Values that must never appear in a log line, an error or the CLI's output: its URL
        and signing secret, as `redaction.redact` takes them."""
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


def secret(secrets: Mapping[str, str], variable: str, channel: str) -> str:
    """A secret by the name of its variable; the error names the variable, never a value."""
    value = secrets.get(variable, "").strip()
    if not value:
        raise ConfigError(f"alerts channel {channel!r}: environment variable {variable} is not set")
    return value
