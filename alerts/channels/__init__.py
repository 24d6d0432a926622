"""Alert channels: a registry keyed by kind, one module per kind.

To add a kind, write a `Channel` subclass in its own module and add it to `REGISTRY`
(and to `ChannelKind` in `rashomon.settings.alerts`).
"""

from __future__ import annotations

from collections.abc import Mapping

from alerts.channels.apprise import AppriseChannel
from alerts.channels.base import Channel, ChannelContext, Sent
from alerts.channels.redaction import redact
from alerts.channels.slack import SlackChannel
from alerts.channels.stdout import StdoutChannel
from alerts.channels.webhook import WebhookChannel

REGISTRY: dict[str, type[Channel]] = {
    "apprise": AppriseChannel,
    "slack": SlackChannel,
    "stdout": StdoutChannel,
    "webhook": WebhookChannel,
}

__all__ = ["REGISTRY", "Channel", "ChannelContext", "Sent", "all_secrets", "build_channels",
           "redact"]


def build_channels(context: ChannelContext) -> dict[str, Channel]:
    """Every effective channel by name; a missing secret is a `ConfigError` naming its variable."""
    configs = context.alerts.effective_channels()
    explicit = any(config.operational for config in configs)
    health = {c.name: bool(c.operational) if c.operational is not None else not explicit
              for c in configs}
    context.receives_health = health
    return {config.name: REGISTRY[config.kind](config, context) for config in configs}


def all_secrets(channels: Mapping[str, Channel]) -> tuple[str, ...]:
    """The secrets of every channel: what no log line, error or listing may show."""
    return tuple(secret for channel in channels.values() for secret in channel.secrets)
