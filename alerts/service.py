"""The alerts' one entry point for the daemon and the CLI.

    service = AlertService.from_settings(store, settings, env=os.environ)
    ...each cycle:
    service.enqueue(analyses); service.check_health(source_ids)
    report = service.deliver_due()          # report.ok False → a channel failed

`enqueue` writes to the outbox (never sends); `deliver_due` sends what is due. They can run
in different processes: the outbox in the store is the only thing they share.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TextIO

import httpx

from alerts.channels import Channel, ChannelContext, Sent, build_channels
from alerts.config import AlertsConfig
from alerts.delivery import Clock, Deliverer, DeliveryReport, Sleep
from alerts.fingerprint import idempotency_key
from alerts.health import HealthChecker
from alerts.message import Alert, build_alert
from alerts.outbox import Guard, NewMessage, Outbox
from rashomon.clock import utcnow
from rashomon.errors import ConfigError, DeliveryError
from rashomon.logs import log_event
from rashomon.models import CallAnalysis
from rashomon.settings import Settings
from rashomon.store import Store

log = logging.getLogger("rashomon.alerts")



def http_client(config: AlertsConfig, transport: httpx.BaseTransport | None = None
                ) -> httpx.Client:
    """The one client of every HTTP channel: timeouts on, redirects not followed."""
    timeout = httpx.Timeout(config.timeout, connect=config.connect_timeout)
    return httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)


class AlertService:
    """Builds alerts into the outbox, checks source health, delivers what is due."""

    def __init__(self, store: Store, settings: Settings, channels: Mapping[str, Channel], *,
                 client: httpx.Client | None = None, clock: Clock = utcnow,
                 sleep: Sleep = time.sleep, random: Callable[[], float] = random.random,
                 owner: str | None = None) -> None:
        self.store, self.settings, self.channels = store, settings, dict(channels)
        self.config = settings.alerts
        self.client, self.clock = client, clock
        self.outbox = Outbox(store.engine)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.deliverer = Deliverer(self.outbox, self.channels, self.config.retry, self.owner,
                                   self.config.lease_seconds, clock, sleep, random)
        self.health = HealthChecker(store, settings.sources, self.config.health, clock)

    @classmethod
    def from_settings(cls, store: Store, settings: Settings, *, env: Mapping[str, str],
                      transport: httpx.BaseTransport | None = None,
                      stream: TextIO | None = None, **options: object) -> AlertService:
        """The service with the configured channels (or the default stdout channel).

        `env` holds the channels' secrets; `transport` replaces the network in tests;
        `options` go to the constructor (clock, sleep, random, owner).
        """
        client = http_client(settings.alerts, transport)
        context = ChannelContext(settings.alerts, env, client, stream)
        try:
            channels = build_channels(context)
        except ConfigError:
            client.close()
            raise
        return cls(store, settings, channels, client=client, **options)  # type: ignore[arg-type]

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

    def check_health(self, source_ids: Iterable[str] | None = None) -> int:
        """Write one `source_health` alert per change of a source's health (default: of every
        enabled source); the count written."""
        enabled = [source.id for source in self.settings.enabled_sources()]
        ids = enabled if source_ids is None else list(source_ids)
        return sum(self._write(t.alert, t.guard) for t in self.health.transitions(ids))

    def deliver_due(self, wait: float = 0.0) -> DeliveryReport:
        """Send what is due; with `wait` > 0, also what becomes due within that many seconds
        (for `run --once`, so that a short Retry-After does not wait for the next cron run)."""
        return self.deliverer.deliver_due(wait)

    def cycle(self, analyses: Iterable[CallAnalysis], source_ids: Iterable[str] | None = None,
              wait: float = 0.0) -> DeliveryReport:
        """All three in order, for a daemon that wants one call."""
        self.enqueue(analyses)
        self.check_health(source_ids)
        return self.deliver_due(wait)

    # ------------------------------------------------------------------ writing
    def _enqueue(self, analysis: CallAnalysis, channel: Channel) -> int:
        previous = self.outbox.state(analysis.call.id, channel.name)
        alert = build_alert(analysis, previous, now=self.clock(), leaders=self.leader_names,
                            min_topics=self.settings.analysis.min_divergent_topics,
                            max_press=self.config.max_press)
        if alert is None or alert.snapshot is None:
            return 0
        after = None if previous is None else previous.fingerprint
        guard = self.outbox.advance_state(alert.subject, channel.name, alert.snapshot, after,
                                          self.clock())
        if not channel.accepts(alert):  # filtered out: remember the picture, send nothing
            self.outbox.write([], guard)
            return 0
        return self._write(alert, guard, [channel])

    def _write(self, alert: Alert, guard: Guard, channels: list[Channel] | None = None) -> int:
        """One transaction: the messages for every accepting channel, and the state change."""
        targets = [c for c in (channels or self.channels.values()) if c.accepts(alert)]
        if not targets:
            return 0
        ids = self.outbox.write([self._message(alert, c) for c in targets], guard)
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

    @property
    def leader_names(self) -> dict[str, str]:
        """Display names: a leader's first English name, else the id."""
        return {lid: (leader.names.get("en") or [lid])[0]
                for lid, leader in self.settings.leaders.items()}

    # ------------------------------------------------------------------ the CLI
    def send_test(self, name: str) -> Sent:
        """Send a test message to one channel now, outside the outbox; the real outcome."""
        channel = self.channels.get(name)
        if channel is None:
            known = ", ".join(sorted(self.channels)) or "none"
            raise ConfigError(f"no alerts channel named {name!r} (configured: {known})")
        now = self.clock()
        alert = test_alert(name, now)
        key = f"msg_test_{uuid.uuid4().hex[:24]}"
        try:
            return channel.send(channel.render(alert, key), key, now)
        except DeliveryError as exc:
            raise DeliveryError(self.deliverer.redact(str(exc))) from None


def test_alert(channel: str, now: datetime) -> Alert:
    """The message `rashomon test-webhook` sends (type `test`, never stored)."""
    text = f"If you can read this, Rashomon can deliver to channel {channel!r}."
    return Alert(type="test", subject="test", headline=f"Rashomon test message ({channel})",
                 fingerprint="test", created_at=now, extra={"message": text})
