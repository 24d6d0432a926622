"""The alerts' entry point for the daemon's cycle and the CLI.

    alerts.enqueue(analyses); alerts.check_health(source_ids)
    report = alerts.deliver_due()          # report.ok False → a channel failed

`enqueue` and `check_health` write to the outbox (never send); `deliver_due` sends what is
due. They can run in different processes: the outbox in the store is the only thing they
share. The composition root (`rashomon.app`) builds the service and its parts once: the
channels, the HTTP client they share (the service closes it), the health checker and the
deliverer.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import httpx

from alerts.channels import Channel, Sent, all_secrets, redact
from alerts.delivery import Deliverer, DeliveryReport
from alerts.fingerprint import idempotency_key
from alerts.health import HealthChecker
from alerts.message import Alert, build_alert
from alerts.snapshot import Snapshot
from rashomon.clock import Clock
from rashomon.errors import ConfigError, DeliveryError
from rashomon.logs import log_event
from rashomon.models import CallAnalysis
from rashomon.settings.alerts import AlertsConfig
from rashomon.store.outbox import Change, NewMessage, OutboxRepository

log = logging.getLogger("rashomon.alerts")


def http_client(config: AlertsConfig, transport: httpx.BaseTransport | None = None
                ) -> httpx.Client:
    """The one client of every HTTP channel: timeouts on, redirects not followed, and a
    connection per attempt (none kept alive), so that each attempt's deadline covers its own
    connection (`alerts.channels.http`)."""
    timeout = httpx.Timeout(config.timeout, connect=config.connect_timeout)
    return httpx.Client(timeout=timeout, transport=transport, follow_redirects=False,
                        limits=httpx.Limits(max_keepalive_connections=0))


class AlertService:
    """Builds alerts into the outbox, checks source health, delivers what is due."""

    def __init__(self, outbox: OutboxRepository, channels: Mapping[str, Channel],
                 health: HealthChecker, deliverer: Deliverer, *, leaders: Mapping[str, str],
                 max_press: int, clock: Clock, client: httpx.Client | None = None,
                 sources: Mapping[str, str] | None = None,
                 page_url: Callable[[str], str | None] | None = None) -> None:
        self.outbox, self.channels, self.health = outbox, dict(channels), health
        self.deliverer, self.leaders, self.max_press = deliverer, dict(leaders), max_press
        self.clock, self.client = clock, client
        self.sources = dict(sources or {})  # source id → name, for press lines
        self.page_url = page_url or (lambda call_id: None)  # the call's report page, if any

    @property
    def owner(self) -> str:
        """Who claims outbox messages when this service delivers (host, pid, a random part)."""
        return self.deliverer.owner

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def __enter__(self) -> AlertService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the daemon's cycle
    def enqueue(self, analyses: Iterable[CallAnalysis]) -> int:
        """Write the alerts these analyses call for, per accepting channel; the count written."""
        return sum(self._enqueue(analysis, channel)
                   for analysis in analyses for channel in self.channels.values())

    def check_health(self, source_ids: Iterable[str]) -> int:
        """Write one `source_health` alert per change of a source's health; the count written."""
        transitions = self.health.transitions(list(source_ids))
        return sum(self._write(t.alert, t.change) for t in transitions)

    def deliver_due(self, wait: float = 0.0) -> DeliveryReport:
        """Send what is due; with `wait` > 0, also what becomes due within that many seconds
        (for `run --once`, so that a short Retry-After does not wait for the next cron run)."""
        return self.deliverer.deliver_due(wait)

    # ------------------------------------------------------------------ writing
    def _enqueue(self, analysis: CallAnalysis, channel: Channel) -> int:
        stored = self.outbox.state(analysis.call.id, channel.name)
        previous = None if stored is None else Snapshot.from_json(stored)
        alert = build_alert(analysis, previous, now=self.clock(), leaders=self.leaders,
                            max_press=self.max_press, sources=self.sources,
                            page_url=self.page_url(analysis.call.id))
        if alert is None or alert.snapshot is None:
            return 0
        change = self.outbox.advance_state(
            alert.subject, channel.name, alert.snapshot.fingerprint, alert.snapshot.to_json(),
            None if previous is None else previous.fingerprint, self.clock())
        if not channel.accepts(alert):  # filtered out: remember the picture, send nothing
            self.outbox.write([], change)
            return 0
        return self._write(alert, change, [channel])

    def _write(self, alert: Alert, change: Change, channels: list[Channel] | None = None) -> int:
        """One transaction: the messages for every accepting channel, and the state change."""
        targets = [c for c in (channels or self.channels.values()) if c.accepts(alert)]
        if not targets:
            return 0
        ids = self.outbox.write([self._message(alert, c) for c in targets], change)
        for message_id, channel in zip(ids, targets, strict=False):
            log_event(log, "alert queued", alert=message_id, type=alert.type,
                      subject=alert.subject, channel=channel.name)
        return len(ids)

    def _message(self, alert: Alert, channel: Channel) -> NewMessage:
        key = idempotency_key(alert.subject, channel.name, alert.fingerprint)
        return NewMessage(key=key, subject=alert.subject, channel=channel.name,
                          fingerprint=alert.fingerprint, kind=channel.kind, type=alert.type,
                          headline=alert.headline, body=channel.render(alert, key),
                          created_at=alert.created_at)

    # ------------------------------------------------------------------ the CLI
    def send_test(self, name: str) -> Sent:
        """Send a test message to one channel now, outside the outbox; the real outcome."""
        return send_test(self.channels, name, self.clock())


def send_test(channels: Mapping[str, Channel], name: str, now: datetime) -> Sent:
    """A test message to channel `name`, outside the outbox (no store needed); the real
    outcome, or a `DeliveryError` with every channel's secrets redacted."""
    channel = channels.get(name)
    if channel is None:
        known = ", ".join(sorted(channels)) or "none"
        raise ConfigError(f"no alerts channel named {name!r} (configured: {known})")
    key = f"msg_test_{uuid.uuid4().hex[:24]}"
    try:
        return channel.send(channel.render(test_alert(name, now), key), key, now)
    except DeliveryError as exc:
        raise DeliveryError(redact(str(exc), all_secrets(channels))) from None


def test_alert(channel: str, now: datetime) -> Alert:
    """The message `rashomon test-webhook` sends (type `test`, never stored)."""
    text = f"If you can read this, Rashomon can deliver to channel {channel!r}."
    return Alert(type="test", subject="test", headline=f"Rashomon test message ({channel})",
                 fingerprint="test", created_at=now, extra={"message": text})
