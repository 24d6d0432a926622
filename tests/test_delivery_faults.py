"""Delivery under the receiver faults of issue 11, each for real on 127.0.0.1: a Retry-After of
years, a receiver that accepts and never answers, one that drips its answer, one that answers
2xx and never finishes, an outage of hours. Nothing lost, nothing sent twice, every wait bounded.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from rashomon.demo.receiver import Receiver, Reply
from rashomon.errors import ConfigError
from rashomon.store import Store
from rashomon.store.outbox import PENDING, SENT
from tests.faulty_servers import FaultyServer, drip, hang, seconds_since, smtp_drip
from tests.test_alerts_support import FakeClock, analysis, service, settings, webhook

YEARS = ["99999999999999", "864000000", "Fri, 31 Dec 9999 23:59:59 GMT", "9" * 400]


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("value", YEARS)
def test_a_retry_after_of_years_waits_the_configured_maximum_then_delivers(
        store: Store, receiver: Receiver, status: int, value: str) -> None:
    receiver.script(Reply(status, {"Retry-After": value}))
    clock = FakeClock()
    config = settings(webhook(receiver.url), retry={"retry_after_max": 600})
    with service(store, config, clock) as alerts:
        alerts.enqueue([analysis()])
        report = alerts.deliver_due()
        assert len(report.retrying) == 1 and not report.failed
        waiting = alerts.outbox.messages()[0]
        assert waiting.status == PENDING
        assert waiting.next_attempt_at == clock.now + timedelta(seconds=600)
        clock.advance(seconds=600)
        assert len(alerts.deliver_due().sent) == 1
    assert [r.status for r in receiver.requests] == [status, 200]
    assert alerts.outbox.messages()[0].status == SENT


def test_the_default_maximum_retry_after_is_an_hour(store: Store, receiver: Receiver) -> None:
    receiver.script(Reply(429, {"Retry-After": "99999999999999"}))
    clock = FakeClock()
    with service(store, settings(webhook(receiver.url)), clock) as alerts:
        alerts.enqueue([analysis()])
        alerts.deliver_due()
    assert alerts.outbox.messages()[0].next_attempt_at == clock.now + timedelta(hours=1)


# ---------------------------------------------------------------- every wait bounded (item 3)
DRIPPED = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\n" + b"x" * 40
SLACK = {"name": "desk", "kind": "slack"}


@pytest.mark.parametrize("channel", [{"name": "hook", "kind": "webhook"}, SLACK])
def test_an_answer_dripped_a_byte_at_a_time_is_cut_at_the_attempt_deadline(
        store: Store, channel: dict[str, str]) -> None:
    """1 byte every 0.5 s never trips a per-read timeout: the whole answer would take 50 s."""
    with FaultyServer(drip(DRIPPED, 0.5)) as server:
        config = settings({**channel, "url": server.url}, timeout=2, connect_timeout=1)
        with service(store, config, real_time=True) as alerts:
            alerts.enqueue([analysis()])
            started = time.monotonic()
            report = alerts.deliver_due()
            took = seconds_since(started)
    assert took < 15, took  # the attempt's bound (2 s), not the drip's 50 s
    assert [a.detail for a in report.retrying] == [
        "no complete answer within 2 s; next attempt in 2 s"]
    message = alerts.outbox.messages()[0]
    assert message.status == PENDING and message.attempts == 1


def test_a_pass_claims_nothing_past_its_budget(store: Store) -> None:
    """A receiver that never answers, many alerts, a pass asked to wait an hour for retries:
    the pass ends after its budget (plus the attempt under way), the rest left for the next."""
    with FaultyServer(hang) as server:
        config = settings(webhook(server.url), {"name": "second", "kind": "webhook",
                                                "url": server.url},
                          timeout=1, connect_timeout=1, pass_budget=3,
                          retry={"backoff_base": 0.1})
        calls = [analysis(call_id=f"call-{n}") for n in range(5)]
        with service(store, config, real_time=True) as alerts:
            alerts.enqueue(calls)
            started = time.monotonic()
            report = alerts.deliver_due(wait=3600)
            took = seconds_since(started)
    assert took < 15, took  # budget 3 s + one rate-limit wait + one attempt of 1 s
    assert not report.sent and report.retrying
    assert report.left > 0 and "left for the next pass" in str(report)
    assert len(server.requests) <= 8


def test_an_smtp_server_dripping_its_greeting_is_cut_at_the_attempt_deadline(
        store: Store) -> None:
    """Apprise's own socket timeout (15 s per read for e-mail) never trips on a drip."""
    with FaultyServer(smtp_drip(0.3)) as server:
        url = f"mailto://127.0.0.1:{server.port}?from=rashomon@example.org&to=desk@example.org"
        config = settings({"name": "mail", "kind": "apprise", "url_env": "MAIL_URL"},
                          timeout=2, connect_timeout=1)
        with service(store, config, real_time=True, env={"MAIL_URL": url}) as alerts:
            alerts.enqueue([analysis()])
            started = time.monotonic()
            report = alerts.deliver_due()
            took = seconds_since(started)
    assert took < 15, took  # the whole greeting would take 280 s
    assert report.retrying[0].detail.startswith("no complete answer within 2 s")
    assert len(server.requests) == 1


@pytest.mark.parametrize(("alerts", "problem"), [
    ({"lease_seconds": 10, "timeout": 10}, "lease_seconds (10) must exceed timeout (10 s) plus"),
    ({"connect_timeout": 20}, "connect_timeout (20 s) must not exceed timeout (10 s)"),
])
def test_time_limits_that_would_let_two_processes_send_one_alert_are_refused_at_load(
        alerts: dict[str, float], problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)):
        settings(webhook("http://127.0.0.1:9/hook"), **alerts)
