"""The `webhook` channel: the versioned JSON body (`alerts.payload`), signed per Standard Webhooks.

The body is serialised once, when the alert enters the outbox; every attempt sends the same
bytes with the same `webhook-id` (the idempotency key) and a fresh timestamp and signature,
so a receiver can drop duplicates by `webhook-id`.
"""

from __future__ import annotations

import json
from datetime import datetime

from alerts import signing
from alerts.channels.base import Channel, ChannelContext, Sent, secret
from alerts.channels.http import post
from alerts.channels.redaction import signing_secrets
from alerts.message import Alert
from alerts.payload import payload
from rashomon.settings.alerts import ChannelConfig

USER_AGENT = "Rashomon-Webhook/1"


class WebhookChannel(Channel):
    kind = "webhook"

    def __init__(self, config: ChannelConfig, context: ChannelContext) -> None:
        super().__init__(config, context)
        self.url = config.url or secret(context.secrets, config.url_env or "", config.name)
        variable = config.secret_env
        self.secret = secret(context.secrets, variable, config.name) if variable else None
        self.key = None if self.secret is None else signing.signing_key(self.secret)
        self.client = context.client
        self.limit = context.alerts.timeout  # seconds for a whole attempt

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.url, *(signing_secrets(self.secret) if self.secret else ()))

    def render(self, alert: Alert, message_id: str) -> str:
        return json.dumps(payload(alert, message_id), ensure_ascii=False, separators=(",", ":"))

    def send(self, body: str, message_id: str, now: datetime) -> Sent:
        assert self.client is not None, "an HTTP channel needs a client"
        data = body.encode("utf-8")
        headers = {"content-type": "application/json", "user-agent": USER_AGENT,
                   **signing.headers(self.key, message_id, int(now.timestamp()), data)}
        return post(self.client, self.url, data, headers, now, self.limit)
