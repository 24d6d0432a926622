"""Delivery under the receiver faults of issue 11, each for real on 127.0.0.1: a Retry-After of
years, a receiver that accepts and never answers, one that drips its answer, one that answers
2xx and never finishes, an outage of hours. Nothing lost, nothing sent twice, every wait bounded.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from alerts.delivery import DeliveryReport
from alerts.service import AlertService
from rashomon.demo.receiver import Receiver, Reply
from rashomon.errors import ConfigError
from rashomon.settings import load_settings
from rashomon.store import Store
from rashomon.store.outbox import FAILED, PENDING, SENT
from tests.faulty_servers import (
    FaultyServer,
    accept_and_stall,
    answer,
    drip,
    hang,
    seconds_since,
    smtp_drip,
    stall_first,
)
from tests.test_alerts_support import FakeClock, analysis, service, settings, webhook

ROOT = Path(__file__).resolve().parent.parent
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


# ---------------------------------------------------------------- accepted means recorded (item 12)
def test_a_2xx_whose_body_never_comes_is_recorded_at_once_and_never_resent(store: Store) -> None:
    """The receiver accepted: waiting for the rest of its answer could only turn an accepted
    request into a retry, and the retry into a duplicate (Slack cannot drop one)."""
    with FaultyServer(accept_and_stall) as server:
        config = settings({"name": "desk", "kind": "slack", "url": server.url}, timeout=2,
                          connect_timeout=1)
        with service(store, config, real_time=True) as alerts:
            alerts.enqueue([analysis()])
            first = alerts.deliver_due(wait=30)
            again = alerts.deliver_due(wait=30)
    assert [a.detail for a in first.sent] == ["HTTP 200 OK"] and not first.retrying
    assert not again.sent and not again.retrying
    assert len(server.requests) == 1
    message = alerts.outbox.messages()[0]
    assert (message.status, message.attempts, message.http_status) == (SENT, 1, 200)


DELIVER = ("import sys; from pathlib import Path; from rashomon.app import Rashomon; "
           "from rashomon.settings import load_settings; "
           "Rashomon(load_settings(Path(sys.argv[1]), env={})).alerts.deliver_due()")


def test_a_delivering_process_killed_just_after_a_2xx_has_already_recorded_it(
        tmp_path: Path) -> None:
    """A real process, a real SIGKILL one second after the receiver accepted (it sends its
    status line and headers at once and stalls the body): the next process sends nothing."""
    store_url = f"sqlite:///{tmp_path / 'store.db'}"
    with FaultyServer(stall_first) as server:
        path = tmp_path / "rashomon.toml"
        path.write_text(f'[store]\nurl = "{store_url}"\n[alerts]\ntimeout = 5.0\n'
                        f'lease_seconds = 7.0\n[[alerts.channels]]\nname = "desk"\n'
                        f'kind = "slack"\nurl = "{server.url}"\n', encoding="utf-8")
        config = load_settings(path, env={})
        store = Store.open(store_url)
        with service(store, config, real_time=True) as alerts:
            alerts.enqueue([analysis()])
        child = subprocess.Popen([sys.executable, "-c", DELIVER, str(path)], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_until(lambda: bool(server.requests), timeout=60)
            time.sleep(1.0)
        finally:
            child.kill()
            child.wait()
        time.sleep(7.5)  # the killed process's claim expires, should it still hold one
        with service(store, config, real_time=True) as alerts:
            alerts.deliver_due()
        store.close()
    assert len(server.requests) == 1
    assert alerts.outbox.messages()[0].status == SENT


def _wait_until(condition: Callable[[], bool], timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.02)


# ---------------------------------------------------------------- a long outage (item 4)
def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on: connecting is refused, as to a receiver down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_passes(alerts: AlertService, clock: FakeClock, hours: float,
               every: float = 30.0) -> DeliveryReport:
    """The daemon's delivery passes, one every `every` seconds of the clock, for `hours`."""
    total = DeliveryReport()
    end = clock.now + timedelta(hours=hours)
    while clock.now < end:
        report = alerts.deliver_due()
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
        clock.advance(seconds=every)
    return total


def test_a_receiver_down_for_hours_gets_every_alert_once_when_it_is_back(store: Store) -> None:
    """Down 3 hours (the old policy failed every alert after 8 attempts, about 20 minutes):
    nothing fails, and the daemon's own passes deliver on recovery."""
    port, clock = closed_port(), FakeClock()
    config = settings(webhook(f"http://127.0.0.1:{port}/hook"))
    calls = [analysis(call_id=f"call-{n}") for n in range(3)]
    with service(store, config, clock) as alerts:
        alerts.enqueue(calls)
        down = run_passes(alerts, clock, hours=3)
        assert not down.sent and not down.failed
        assert "network error (ConnectError)" in down.retrying[-1].detail
        assert {m.status for m in alerts.outbox.messages()} == {PENDING}
        with FaultyServer(answer(), port=port) as server:
            back = clock.now
            up = run_passes(alerts, clock, hours=1)
    assert not up.failed and len(up.sent) == 3
    assert len(server.requests) == 3  # each alert once
    assert {m.status for m in alerts.outbox.messages()} == {SENT}
    last = max(m.sent_at for m in alerts.outbox.messages() if m.sent_at)
    assert last - back <= timedelta(seconds=900 + 30 + 3)  # within backoff_cap of recovery


def test_an_alert_failing_past_the_time_budget_is_given_up_on_and_says_so(
        store: Store) -> None:
    port, clock = closed_port(), FakeClock()
    config = settings(webhook(f"http://127.0.0.1:{port}/hook"),
                      retry={"give_up_after_hours": 2, "backoff_cap": 600})
    with service(store, config, clock) as alerts:
        alerts.enqueue([analysis()])
        first = alerts.outbox.messages()[0]
        before = run_passes(alerts, clock, hours=2 - 1 / 60)
        assert not before.failed and alerts.outbox.messages()[0].status == PENDING
        after = run_passes(alerts, clock, hours=(600 + 90) / 3600)  # the next attempt is due
    [failed] = after.failed
    assert re.match(r"gave up after 2\.?\d* h of failed attempts \(\d+ attempts\): ",
                    failed.detail), failed.detail
    assert "network error (ConnectError)" in failed.detail
    message = alerts.outbox.messages()[0]
    assert message.status == FAILED and message.failing_since == first.created_at
    assert len(before.retrying) + len(after.retrying) == message.attempts - 1


def test_a_retry_policy_that_would_give_up_after_one_wait_is_refused() -> None:
    with pytest.raises(ConfigError, match=re.escape(
            "backoff_cap (7200 s) must not exceed give_up_after_hours (1 h)")):
        settings(retry={"give_up_after_hours": 1, "backoff_cap": 7200})
