"""Secrets (webhook URLs, signing secrets) never appear in logs, errors or stored reasons."""

from __future__ import annotations

import logging

import pytest

from alerts.channels import redact
from rashomon.demo.receiver import Receiver, Reply
from rashomon.errors import DeliveryError
from rashomon.store import Store
from tests.test_alerts_support import analysis, service, settings

TOKEN = "T00000000/B00000000/XXXXsecrettokenXXXX"
SIGNING = "whsec_c2VjcmV0IHNpZ25pbmcga2V5"


def channels(receiver: Receiver) -> tuple[dict, dict]:
    url = receiver.url + "/services/" + TOKEN
    env = {"SLACK_URL": url, "HOOK_URL": url + "/hook", "HOOK_SECRET": SIGNING}
    config = settings({"name": "desk", "kind": "slack", "url_env": "SLACK_URL"},
                      {"name": "ops", "kind": "webhook", "url_env": "HOOK_URL",
                       "secret_env": "HOOK_SECRET"})
    return {"config": config}, env


def test_errors_that_echo_the_url_are_redacted_everywhere(
        store: Store, receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    echo = f"no such hook: {receiver.url}/services/{TOKEN} (key {SIGNING})".encode()
    receiver.script(Reply(404, body=echo), Reply(500, body=echo))
    options, env = channels(receiver)
    caplog.set_level(logging.DEBUG, logger="rashomon")
    with service(store, options["config"], env=env) as alerts:
        alerts.enqueue([analysis()])
        report = alerts.deliver_due()
    stored = [m.last_error or "" for m in alerts.outbox.messages()]
    shown = [a.detail for a in (*report.failed, *report.retrying)]
    logged = [str(record.__dict__) for record in caplog.records]
    assert logged, "the deliveries were logged"
    everything = "\n".join([*stored, *shown, *logged])
    assert "/***/***/***/***" in everything  # the URL's shape, nothing of its secret
    assert TOKEN not in everything and SIGNING not in everything
    assert "secrettoken" not in everything


def test_test_message_errors_are_redacted(store: Store, receiver: Receiver) -> None:
    receiver.script(Reply(410, body=f"gone: {TOKEN}".encode()))
    options, env = channels(receiver)
    with service(store, options["config"], env=env) as alerts, \
            pytest.raises(DeliveryError) as caught:
        alerts.send_test("desk")
    assert "gone" in str(caught.value) and TOKEN not in str(caught.value)


def test_the_stored_bodies_hold_no_secret(store: Store, receiver: Receiver) -> None:
    options, env = channels(receiver)
    with service(store, options["config"], env=env) as alerts:
        alerts.enqueue([analysis()])
        bodies = [m.body for m in alerts.outbox.messages()]
    assert len(bodies) == 2 and not any(TOKEN in body or SIGNING in body for body in bodies)


def test_redact_hides_the_longest_secret_first() -> None:
    url = "https://hooks.example/services/abc"
    assert redact(f"POST {url} failed", ("abc", url)) == "POST https://hooks.example/***/*** failed"
