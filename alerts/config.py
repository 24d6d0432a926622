"""Configuration of alert channels (`[[alerts.channels]]`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChannelConfig(_Model):
    name: str
    kind: str
    url: str | None = None
    url_env: str | None = None
    secret_env: str | None = None


class AlertsConfig(_Model):
    channels: list[ChannelConfig] = []
