"""Delivery faults against a real local HTTP receiver: nothing lost, nothing sent twice."""

from __future__ import annotations

import socket
import threading
from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime

import httpx
import pytest

from alerts.delivery import backoff
from rashomon.demo.receiver import Receiver, Reply
from rashomon.settings.alerts import RetryPolicy
from rashomon.store import Store
from rashomon.store.outbox import FAILED, PENDING, SENT
from tests.test_alerts_support import (
    CN_URL,
    FakeClock,
    analysis,
    document,
    one_sided,
    service,
    settings,
    webhook,
    with_documents,
)


def accepted(receiver: Receiver) -> int:
    return sum(200 <= request.status < 300 for request in receiver.requests)


def test_500_twice_then_200_is_exactly_one_delivery(store: Store, receiver: Receiver) -> None:
    receiver.script(Reply(500), Reply(500))
    clock = FakeClock()
    with service(store, settings(webhook(receiver.url)), clock) as alerts:
        alerts.enqueue([analysis()])
        report = alerts.deliver_due(wait=60)
        assert [len(report.sent), len(report.retrying), len(report.failed)] == [1, 2, 0]
        assert alerts.deliver_due(wait=60).sent == []
    assert [r.status for r in receiver.wait_for(3)] == [500, 500, 200]
    assert accepted(receiver) == 1
    assert clock.sleeps == [2.0, 4.0]  # backoff 2 s, then 4 s (no jitter in tests)
    message = alerts.outbox.messages()[0]
    assert (message.status, message.attempts, message.http_status) == (SENT, 3, 200)


def test_429_retry_after_is_respected(store: Store, receiver: Receiver) -> None:
    receiver.script(Reply(429, {"Retry-After": "2"}))
    clock = FakeClock()
    config = settings(webhook(receiver.url), retry={"backoff_base": 0.5})
    with service(store, config, clock) as alerts:
        alerts.enqueue([analysis()])
        start = clock.now
        assert alerts.deliver_due().retrying  # without waiting: deferred, not re-sent
        assert len(receiver.requests) == 1
        clock.advance(seconds=1.9)
        assert alerts.deliver_due().sent == [] and len(receiver.requests) == 1
        report = alerts.deliver_due(wait=10)
    assert len(report.sent) == 1 and clock.now - start >= timedelta(seconds=2)


def test_429_retry_after_in_real_time(store: Store, receiver: Receiver) -> None:
    receiver.script(Reply(429, {"Retry-After": "2"}))
    with service(store, settings(webhook(receiver.url)), real_time=True) as alerts:
        alerts.enqueue([analysis()])
        assert len(alerts.deliver_due(wait=5).sent) == 1
    first, second = receiver.wait_for(2)
    assert second.at - first.at >= 2.0


def test_retry_after_as_an_http_date(store: Store, receiver: Receiver) -> None:
    clock = FakeClock()
    later = format_datetime(clock.now + timedelta(seconds=30), usegmt=True)
    receiver.script(Reply(503, {"Retry-After": later}))
    with service(store, settings(webhook(receiver.url)), clock) as alerts:
        alerts.enqueue([analysis()])
        alerts.deliver_due()
    assert alerts.outbox.messages()[0].next_attempt_at == clock.now + timedelta(seconds=30)


def test_written_then_died_before_sending_is_delivered_once_by_the_next_run(
        store: Store, receiver: Receiver) -> None:
    config = settings(webhook(receiver.url))
    dying = service(store, config)
    assert dying.enqueue([analysis()]) == 1
    dying.close()  # the process "dies" here: the alert is in the store, nothing was sent
    assert receiver.requests == []
    with service(store, config) as next_run:
        assert next_run.enqueue([analysis()]) == 0
        assert len(next_run.deliver_due().sent) == 1
    with service(store, config) as third_run:
        assert third_run.deliver_due().sent == []
    assert len(receiver.wait_for(1)) == 1


def test_died_while_holding_a_claim_is_sent_after_the_lease(store: Store,
                                                            receiver: Receiver) -> None:
    clock = FakeClock()
    config = settings(webhook(receiver.url))
    with service(store, config, clock) as dying:
        dying.enqueue([analysis()])
        lease = clock.now + timedelta(seconds=120)
        assert dying.outbox.claim_next(dying.owner, clock.now, lease) is not None
    with service(store, config, clock) as next_run:
        assert next_run.deliver_due().sent == []
        clock.advance(seconds=121)
        assert len(next_run.deliver_due().sent) == 1
    assert len(receiver.requests) == 1


def test_410_fails_for_good_with_the_reason_and_no_retry(store: Store,
                                                         receiver: Receiver) -> None:
    receiver.script(Reply(410, body=b"webhook deleted"))
    with service(store, settings(webhook(receiver.url))) as alerts:
        alerts.enqueue([analysis()])
        report = alerts.deliver_due(wait=3600)
        assert len(report.failed) == 1 and not report.ok
        assert alerts.deliver_due(wait=3600).failed == []
    message = alerts.outbox.messages()[0]
    assert message.status == FAILED and message.http_status == 410
    assert message.last_error.startswith("gone: the webhook no longer exists (HTTP 410 Gone)")
    assert "webhook deleted" in message.last_error
    assert len(receiver.requests) == 1


def test_other_4xx_fail_permanently_too(store: Store, receiver: Receiver) -> None:
    receiver.script(Reply(400, body=b"invalid_payload"))
    with service(store, settings(webhook(receiver.url))) as alerts:
        alerts.enqueue([analysis()])
        assert alerts.deliver_due(wait=60).failed[0].detail.startswith("HTTP 400 Bad Request")
    assert len(receiver.requests) == 1


def test_rerunning_enqueue_and_deliver_sends_nothing_new(store: Store,
                                                         receiver: Receiver) -> None:
    config = settings(webhook(receiver.url))
    for _ in range(3):
        with service(store, config) as alerts:
            alerts.enqueue([analysis(), one_sided()])
            alerts.deliver_due()
    assert [r.json()["type"] for r in receiver.wait_for(2)] == ["divergence", "one_sided"]
    assert len(receiver.requests) == 2


def test_two_services_claiming_the_same_alert_send_it_once(store: Store,
                                                           receiver: Receiver) -> None:
    config = settings(webhook(receiver.url))
    clock = FakeClock()
    with service(store, config, clock) as first, service(store, config, clock) as second:
        first.enqueue([analysis()])
        lease = clock.now + timedelta(seconds=120)
        claims = [first.outbox.claim_next(first.owner, clock.now, lease),
                  second.outbox.claim_next(second.owner, clock.now, lease)]
    assert sum(claim is not None for claim in claims) == 1


def test_two_services_delivering_in_parallel_send_once(tmp_path, receiver: Receiver) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    config = settings(webhook(receiver.url), {"name": "second", "kind": "webhook",
                                              "url": receiver.url})
    stores = [Store.open(url), Store.open(url)]
    services = [service(s, config, real_time=True) for s in stores]
    services[0].enqueue([analysis(), one_sided()])
    threads = [threading.Thread(target=s.deliver_due) for s in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = [r.headers["webhook-id"] for r in receiver.wait_for(4)]
    assert len(keys) == 4 and len(set(keys)) == 4
    for item in (*services, *stores):
        item.close()


def test_a_network_error_is_retried(store: Store) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed when the block ends: nothing listens there
    with service(store, settings(webhook(f"http://127.0.0.1:{port}/hook"))) as alerts:
        alerts.enqueue([analysis()])
        report = alerts.deliver_due()
    assert "network error (ConnectError)" in report.retrying[0].detail
    assert alerts.outbox.messages()[0].status == PENDING


def test_a_timeout_is_retried(store: Store) -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    config = settings(webhook("http://127.0.0.1:9/hook"))
    with service(store, config, transport=httpx.MockTransport(hang)) as alerts:
        alerts.enqueue([analysis()])
        assert alerts.deliver_due().retrying[0].detail.startswith("timed out (ReadTimeout)")


def test_giving_up_after_max_attempts(store: Store, receiver: Receiver) -> None:
    receiver.script(*[Reply(502)] * 5)
    config = settings(webhook(receiver.url), retry={"max_attempts": 3})
    with service(store, config) as alerts:
        alerts.enqueue([analysis()])
        report = alerts.deliver_due(wait=3600)
    assert len(receiver.requests) == 3
    assert report.failed[0].detail.startswith("gave up after 3 attempts: HTTP 502")


def test_at_most_one_message_per_second_per_webhook(store: Store, receiver: Receiver) -> None:
    clock = FakeClock()
    calls = [analysis(call_id=f"call-{n}") for n in range(4)]
    with service(store, settings(webhook(receiver.url)), clock) as alerts:
        alerts.enqueue(calls)
        assert len(alerts.deliver_due().sent) == 4
    assert clock.sleeps == [1.0, 1.0, 1.0]


def test_the_default_stdout_channel_prints(store: Store, capsys: pytest.CaptureFixture) -> None:
    with service(store, settings()) as alerts:
        assert alerts.enqueue([analysis()]) == 1
        assert len(alerts.deliver_due().sent) == 1
    out = capsys.readouterr().out
    assert "[divergence]" in out and "Only Beijing:" in out and "— Taiwan source" in out


def test_backoff_grows_caps_and_never_undercuts_retry_after() -> None:
    policy = RetryPolicy(backoff_base=2, backoff_cap=10, jitter=0.5)
    assert [backoff(policy, n, lambda: 0.0) for n in (1, 2, 3, 4, 5)] == [2, 4, 8, 10, 10]
    assert backoff(policy, 1, lambda: 1.0) == 1.0
    assert backoff(policy, 1, lambda: 1.0, retry_after=30) == 30


def test_a_filtered_channel_gets_what_changed_from_the_picture_it_did_not_receive(
        store: Store, receiver: Receiver) -> None:
    config = settings(webhook(receiver.url, "updates", types=["update"]))
    with service(store, config) as alerts:
        assert alerts.enqueue([one_sided()]) == 0
        both = with_documents(one_sided(), document("CN", CN_URL, "Xi speaks with Putin"))
        assert alerts.enqueue([replace(both, one_sided=False)]) == 1
        alerts.deliver_due()
    body = receiver.wait_for(1)[0].json()
    assert body["type"] == "update" and body["changes"][0] == "Beijing's account arrived"
