"""`rashomon alerts`, `alerts retry` and `test-webhook`: thin commands over the outbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.demo.receiver import Receiver, Reply
from rashomon.settings import load_settings
from rashomon.store import Store
from tests.test_alerts_support import analysis, one_sided, service

TOKEN = "T00000000/B00000000/XXXXsecrettokenXXXX"
SIGNING = "whsec_c2VjcmV0IHNpZ25pbmcga2V5"


@pytest.fixture
def setup(tmp_path: Path, receiver: Receiver) -> dict:
    config = tmp_path / "rashomon.toml"
    config.write_text("""
[[alerts.channels]]
name = "desk"
kind = "slack"
url_env = "DESK_URL"

[[alerts.channels]]
name = "ops"
kind = "webhook"
url_env = "OPS_URL"
secret_env = "OPS_SECRET"
""", encoding="utf-8")
    # COLUMNS: rich wraps at the terminal's width (80 under xdist); wide enough for whole reasons
    env = {"DESK_URL": f"{receiver.url}/services/{TOKEN}", "OPS_URL": f"{receiver.url}/ops",
           "OPS_SECRET": SIGNING, "COLUMNS": "250", "RASHOMON_CONFIG": ""}
    store_url = f"sqlite:///{tmp_path / 'store.db'}"
    return {"config": config, "env": env, "store": store_url}


def invoke(setup: dict, *args: str):
    result = CliRunner().invoke(
        app, ["--config", str(setup["config"]), "--store", setup["store"], *args],
        env=setup["env"])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert TOKEN not in output and SIGNING not in output and "secrettoken" not in output
    return result, output


def fill_outbox(setup: dict, receiver: Receiver) -> None:
    """One sent, one failed (410) per channel; then the CLI looks at the store."""
    settings = load_settings(setup["config"], env={})
    store = Store.open(setup["store"])
    with service(store, settings, env=setup["env"]) as alerts:
        alerts.enqueue([analysis()])
        alerts.deliver_due()
        receiver.script(Reply(410, body=b"hook removed"), Reply(410, body=b"hook removed"))
        alerts.enqueue([one_sided()])
        alerts.deliver_due()
    store.close()


def test_alerts_lists_sent_and_failed_with_reasons(setup: dict, receiver: Receiver) -> None:
    fill_outbox(setup, receiver)
    result, output = invoke(setup, "alerts")
    assert result.exit_code == 0, output
    assert "0 pending, 2 sent, 2 failed" in output
    assert "gone: the webhook no longer exists (HTTP 410 Gone)" in output
    assert "desk" in output and "ops" in output and "HTTP 200" in output
    failed, _ = invoke(setup, "alerts", "--status", "failed")
    assert "sent " not in failed.output


def test_alerts_retry_requeues_failed_ones_and_the_next_delivery_sends_them(
        setup: dict, receiver: Receiver) -> None:
    fill_outbox(setup, receiver)
    result, output = invoke(setup, "alerts", "retry", "3")
    assert result.exit_code == 0 and "1 failed alert(s) re-queued" in output
    result, output = invoke(setup, "alerts", "retry")
    assert "1 failed alert(s) re-queued" in output
    result, output = invoke(setup, "alerts", "retry", "3")
    assert result.exit_code == 1 and "no failed alert with id 3" in output
    _, listing = invoke(setup, "alerts")
    assert "2 pending, 2 sent, 0 failed" in listing
    store = Store.open(setup["store"])
    config = load_settings(setup["config"], env={})
    with service(store, config, env=setup["env"], real_time=True) as alerts:  # re-queued: due now
        assert len(alerts.deliver_due().sent) == 2
    store.close()


def test_test_webhook_reports_the_real_outcome(setup: dict, receiver: Receiver) -> None:
    result, output = invoke(setup, "test-webhook", "ops")
    assert result.exit_code == 0 and "ops: delivered (HTTP 200 OK)" in output
    request = receiver.wait_for(1)[0]
    assert request.json()["type"] == "test" and "webhook-signature" in request.headers
    receiver.script(Reply(410, body=b"no such hook"))
    result, output = invoke(setup, "test-webhook", "desk")
    assert result.exit_code == 1
    assert "desk: not delivered" in output and "HTTP 410 Gone" in output


def test_test_webhook_of_an_unknown_channel_names_the_known_ones(setup: dict) -> None:
    result, _ = invoke(setup, "test-webhook", "nope")
    assert result.exit_code != 0
    assert "no alerts channel named 'nope' (configured: desk, ops)" in str(result.exception)


def test_a_missing_secret_names_the_variable(setup: dict) -> None:
    setup["env"]["OPS_SECRET"] = ""
    result, _ = invoke(setup, "test-webhook", "ops")
    assert "environment variable OPS_SECRET is not set" in str(result.exception)
