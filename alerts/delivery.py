"""Sending what is due in the outbox: claim, send, record — with backoff and rate limits.

One message at a time: claim it (atomic, see `rashomon.store.outbox`), wait for the channel's rate
limit, send, and record the outcome. A retryable failure (network, 5xx, 429) pauses that
channel for the rest of the run and is tried again later, after a capped exponential backoff
with jitter and never earlier than the server's Retry-After; once the alert has kept failing
for the policy's time budget (24 h by default, counted from its first failed attempt), it is
given up on. A receiver back after an outage of hours is tried again within `backoff_cap`
seconds and gets what waited, with no one running `rashomon alerts retry`. A permanent
failure (other 4xx) fails at once with its reason.
Error texts are redacted with the channel's secrets before they are stored or logged.

A delivery the receiver accepted is recorded before anything else is done, and if the store
refuses the record (a full disk), the result is kept and the record tried again until the store
takes it: the alert is not sent again for it (only a process killed before the record is done
leaves it to be sent again, once its claim expires).

Time is bounded: each attempt by its channel (`[alerts] timeout` for the whole exchange), and
each pass by `budget` seconds (`[alerts] pass_budget`): a pass claims nothing once its budget is
spent, and what is still due waits for the next pass. So a pass ends within the budget plus
one rate-limit wait and one attempt, whatever the receivers do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerts.channels import Channel, Sent, all_secrets, redact
from rashomon.clock import Clock
from rashomon.errors import DeliveryError, PermanentDelivery, RetryableDelivery, StoreError
from rashomon.logs import log_event
from rashomon.settings.alerts import RetryPolicy
from rashomon.store.outbox import Message, OutboxRepository

log = logging.getLogger("rashomon.alerts")

Sleep = Callable[[float], None]
MIN_TICK = 0.05  # seconds: never spin while another process holds the only due message
RECORD_RETRY = 5.0  # seconds between tries to record a delivery the store refused


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt as the CLI and the daemon's exit code see it."""

    id: int
    channel: str
    type: str
    subject: str
    detail: str


@dataclass
class DeliveryReport:
    """What one `deliver_due` did: sent, scheduled for a retry, failed for good; and how many
    were due but left for the next pass when its time budget ran out."""

    sent: list[Attempt] = field(default_factory=list)
    retrying: list[Attempt] = field(default_factory=list)
    failed: list[Attempt] = field(default_factory=list)
    left: int = 0

    @property
    def ok(self) -> bool:
        """No channel failed in this run (a retry scheduled counts as a failure of the run)."""
        return not self.failed and not self.retrying

    def __str__(self) -> str:
        left = f", {self.left} left for the next pass" if self.left else ""
        return (f"{len(self.sent)} sent, {len(self.retrying)} to retry, "
                f"{len(self.failed)} failed{left}")


def backoff(policy: RetryPolicy, attempts: int, random: Callable[[], float],
            retry_after: float | None = None) -> float:
    """Seconds before attempt `attempts + 1`: base·2^(n-1), capped, minus up to `jitter` of it,
    and never less than the server's Retry-After, which is held to `retry_after_max`."""
    delay = min(policy.backoff_cap, policy.backoff_base * 2 ** min(max(attempts - 1, 0), 64))
    delay *= 1 - policy.jitter * random()
    return max(delay, min(retry_after or 0.0, policy.retry_after_max))


@dataclass
class Deliverer:
    """Delivers due outbox messages through the channels; time and randomness are injected."""

    outbox: OutboxRepository
    channels: Mapping[str, Channel]
    policy: RetryPolicy
    owner: str
    lease: float
    clock: Clock
    sleep: Sleep
    random: Callable[[], float]
    budget: float = 120.0  # seconds a pass may spend claiming (`[alerts] pass_budget`)
    last_sent: dict[str, datetime] = field(default_factory=dict)

    def redact(self, text: str) -> str:
        """Every channel's secrets out of `text` (a server may echo another channel's URL)."""
        return redact(text, all_secrets(self.channels))

    def deliver_due(self, wait: float = 0.0) -> DeliveryReport:
        """Send everything due now; then, for up to `wait` seconds, what becomes due; claim
        nothing after `budget` seconds."""
        report, paused = DeliveryReport(), dict[str, datetime]()
        start = self.clock()
        stop = start + timedelta(seconds=self.budget)
        deadline = start + timedelta(seconds=min(wait, self.budget))
        while self.clock() < stop:
            message = self._claim(paused)
            if message is not None:
                self._deliver(message, report, paused)
            elif not self._wait_for_next(deadline, paused):
                return report
        report.left = self.outbox.due_count(self.clock())
        return report

    def _claim(self, paused: dict[str, datetime]) -> Message | None:
        now = self.clock()
        for name in [name for name, until in paused.items() if until <= now]:
            del paused[name]
        until = now + timedelta(seconds=self.lease)
        return self.outbox.claim_next(self.owner, now, until, exclude=paused)

    def _wait_for_next(self, deadline: datetime, paused: dict[str, datetime]) -> bool:
        """Sleep until a message can next be claimed if that is before `deadline`; else False."""
        times = [self.outbox.next_due(exclude=paused), *paused.values()]
        soonest = min((t for t in times if t is not None), default=None)
        if soonest is None or soonest > deadline:
            return False
        self.sleep(max((soonest - self.clock()).total_seconds(), MIN_TICK))
        return True

    def _deliver(self, message: Message, report: DeliveryReport,
                 paused: dict[str, datetime]) -> None:
        channel = self.channels.get(message.channel)
        if channel is None:
            self._fail(message, report, f"channel {message.channel!r} is not configured", None)
            return
        self._respect_rate(channel)
        try:
            sent = channel.send(message.body, message.key, self.clock())
        except RetryableDelivery as exc:
            paused[channel.name] = self._retry(message, report, channel, exc)
        except PermanentDelivery as exc:
            self._fail(message, report, self.redact(str(exc)), _status(exc))
        except Exception as exc:  # a bug in a channel must not stop the other deliveries
            error = RetryableDelivery(f"unexpected {type(exc).__name__}: {exc}")
            paused[channel.name] = self._retry(message, report, channel, error)
        else:
            self._sent(message, report, sent)

    def _respect_rate(self, channel: Channel) -> None:
        """At most one message per `min_interval` seconds per channel."""
        last = self.last_sent.get(channel.name)
        if last is not None and channel.min_interval > 0:
            gap = channel.min_interval - (self.clock() - last).total_seconds()
            if gap > 0:
                self.sleep(gap)
        self.last_sent[channel.name] = self.clock()

    def _sent(self, message: Message, report: DeliveryReport, sent: Sent) -> None:
        """Record an accepted delivery: the first thing done after the receiver's 2xx (no log
        line, no other I/O before it), so that a process killed in between, which sends the
        alert again, is as unlikely as can be."""
        self._record_sent(message, sent)
        report.sent.append(_attempt(message, sent.detail))
        _log(message, "sent", detail=sent.detail)

    def _record_sent(self, message: Message, sent: Sent) -> None:
        """While the store refuses the write (a full disk), keep the accepted result and try
        again every `RECORD_RETRY` seconds: the receiver has the alert, and sending it again
        would be a duplicate. One log line says what to do, one says when it is done."""
        refused: StoreError | None = None
        while True:
            try:
                self.outbox.sent(message, self.owner, self.clock(), sent.status)
            except StoreError as exc:
                if refused is None:
                    _log(message, "delivered, not recorded", logging.ERROR, error=str(exc),
                         retry_in=RECORD_RETRY, resent="no")
                refused = exc
                self.sleep(RECORD_RETRY)
                continue
            if refused is not None:
                _log(message, "recorded", detail="the store accepted the delivery's record")
            return

    def _retry(self, message: Message, report: DeliveryReport, channel: Channel,
               exc: RetryableDelivery) -> datetime:
        error, attempts, now = self.redact(str(exc)), message.attempts + 1, self.clock()
        given_up = self._given_up(attempts, now - (message.failing_since or now))
        if given_up:
            self._fail(message, report, f"gave up after {given_up}: {error}", _status(exc))
            return now
        delay = backoff(self.policy, attempts, self.random, exc.retry_after)
        when = now + timedelta(seconds=delay)
        self.outbox.retry(message, self.owner, now, when, error, _status(exc))
        report.retrying.append(_attempt(message, f"{error}; next attempt in {delay:.0f} s"))
        _log(message, "retry", logging.WARNING, attempt=attempts, retry_in=round(delay),
             error=error)
        return when

    def _given_up(self, attempts: int, failing: timedelta) -> str | None:
        """Why an alert that failed its attempt number `attempts`, failing for `failing`, is
        given up on ("26 h of failed attempts (97 attempts)"), or None to try again."""
        limit = self.policy.max_attempts
        if limit is not None and attempts >= limit:
            return f"{attempts} attempts"
        if failing.total_seconds() >= self.policy.give_up_after:
            return f"{_span(failing)} of failed attempts ({attempts} attempts)"
        return None

    def _fail(self, message: Message, report: DeliveryReport, error: str,
              status: int | None) -> None:
        self.outbox.failed(message, self.owner, self.clock(), error, status)
        report.failed.append(_attempt(message, error))
        _log(message, "failed", logging.ERROR, error=error)


def _log(message: Message, outcome: str, level: int = logging.INFO, **fields: object) -> None:
    """One line per delivery attempt; `fields` are already redacted."""
    log_event(log, "delivery", level, alert=message.id, channel=message.channel,
              type=message.type, subject=message.subject, outcome=outcome, **fields)


def _span(delta: timedelta) -> str:
    """"26 h", "40 min", "12 s": how long an alert kept failing."""
    seconds = delta.total_seconds()
    if seconds >= 3600:
        return f"{seconds / 3600:.3g} h"
    return f"{seconds / 60:.3g} min" if seconds >= 60 else f"{seconds:.0f} s"


def _attempt(message: Message, detail: str) -> Attempt:
    return Attempt(message.id, message.channel, message.type, message.subject, detail)


def _status(exc: DeliveryError) -> int | None:
    """The HTTP status behind a failure, when there was a response (see `channels.http`)."""
    return getattr(exc, "status", None)
