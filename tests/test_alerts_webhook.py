"""The webhook: the documented JSON body, and Standard Webhooks signatures checked by an
implementation of the scheme written here, independently of `alerts.signing`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from alerts.fingerprint import idempotency_key
from rashomon.demo.receiver import Received, Receiver, Reply
from rashomon.errors import ConfigError
from rashomon.models import Framing
from rashomon.store import Store
from tests.test_alerts_support import (
    CN_URL,
    RU_URL,
    analysis,
    press,
    service,
    settings,
    webhook,
)

WHSEC = "whsec_" + base64.b64encode(b"the signing key, 24 bytes").decode()


def verify(request: Received, secret: str, tolerance: float = 300) -> dict:
    """What a receiver does (the Standard Webhooks spec, written from it, not from our code)."""
    msg_id = request.headers["webhook-id"]
    stamp = request.headers["webhook-timestamp"]
    key = (base64.b64decode(secret[len("whsec_"):]) if secret.startswith("whsec_")
           else secret.encode())
    signed = msg_id.encode() + b"." + stamp.encode() + b"." + request.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[1] for part in request.headers["webhook-signature"].split()
               if part.startswith("v1,")]
    assert any(hmac.compare_digest(expected, sig) for sig in offered), "bad signature"
    assert abs(time.time() - int(stamp)) < tolerance, "stale timestamp"
    return json.loads(request.body)


def deliver(store: Store, receiver: Receiver, secret: str, **extra: object) -> Received:
    config = settings(webhook(receiver.url, secret_env="HOOK_SECRET", **extra))
    with service(store, config, env={"HOOK_SECRET": secret}, real_time=True) as alerts:
        assert alerts.enqueue([analysis(press=(press(),))]) == 1
        assert alerts.deliver_due().ok
    return receiver.wait_for(1)[0]


@pytest.mark.parametrize("secret", [WHSEC, "a plain shared secret ✓"])
def test_the_signature_verifies_with_an_independent_implementation(
        store: Store, receiver: Receiver, secret: str) -> None:
    request = deliver(store, receiver, secret)
    body = verify(request, secret)
    assert body["id"] == request.headers["webhook-id"]
    assert request.headers["content-type"] == "application/json"


def test_a_wrong_secret_does_not_verify(store: Store, receiver: Receiver) -> None:
    request = deliver(store, receiver, WHSEC)
    with pytest.raises(AssertionError, match="bad signature"):
        verify(request, "whsec_" + base64.b64encode(b"another key").decode())


def test_the_body_follows_schema_version_1(store: Store, receiver: Receiver) -> None:
    body = verify(deliver(store, receiver, WHSEC), WHSEC)
    assert body["schema_version"] == 1 and body["type"] == "divergence"
    assert body["call"] == {"id": "2026-01-10-putin-xi-phone", "type": "phone",
                            "date": "2026-01-10T12:00:00Z", "date_only": False,
                            "participants": ["putin", "xi"], "initiator": "putin",
                            "report_url": None}
    assert body["sides"]["RU"]["documents"][0] == {
        "title": "Telephone conversation with President of China Xi Jinping", "url": RU_URL,
        "language": "en", "kind": "readout", "published": "2026-01-10T13:05:00Z"}
    assert body["sides"]["CN"]["documents"][0]["url"] == CN_URL
    assert body["only_in"] == {"CN": ["taiwan"], "RU": []}
    taiwan = next(t for t in body["topics"] if t["id"] == "taiwan")
    assert taiwan["only_in"] == "CN" and taiwan["evidence"][0]["sentence"]
    assert body["press"][0]["discusses_discrepancy"] is True
    assert body["framing"] == [] and body["changes"] == []


def test_framing_is_in_the_payload(store: Store, receiver: Receiver) -> None:
    config = settings(webhook(receiver.url))
    framing = (Framing("blame", "RU", "us", "CN", "external_forces"),)
    with service(store, config) as alerts:
        alerts.enqueue([analysis(framing=framing)])
        alerts.deliver_due()
    body = receiver.wait_for(1)[0].json()
    assert body["framing"] == [{"label": "blame", "side_a": "RU", "topic_a": "us",
                                "side_b": "CN", "topic_b": "external_forces"}]


def test_webhook_id_is_the_idempotency_key_on_every_attempt(store: Store,
                                                            receiver: Receiver) -> None:
    receiver.script(Reply(503))
    with service(store, settings(webhook(receiver.url))) as alerts:
        alerts.enqueue([analysis()])
        alerts.deliver_due(wait=60)
    first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    fingerprint = alerts.outbox.state("2026-01-10-putin-xi-phone", "hook")["fingerprint"]
    assert first.headers["webhook-id"] == idempotency_key("2026-01-10-putin-xi-phone", "hook",
                                                          fingerprint)


def test_unsigned_without_a_secret(store: Store, receiver: Receiver) -> None:
    with service(store, settings(webhook(receiver.url))) as alerts:
        alerts.enqueue([analysis()])
        alerts.deliver_due()
    request = receiver.wait_for(1)[0]
    assert "webhook-signature" not in request.headers and "webhook-id" in request.headers


def test_a_bad_whsec_secret_is_a_config_error(tmp_path: Path, store: Store) -> None:
    config = settings(webhook("http://127.0.0.1:9/hook", secret_env="S"))
    with pytest.raises(ConfigError, match="base64"):
        service(store, config, env={"S": "whsec_!!!not base64!!!"})
