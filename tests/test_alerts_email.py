"""E-mail through the `apprise` channel, end to end: the outbox, Apprise's own SMTP client and
a real SMTP server on 127.0.0.1 (aiosmtpd) whose received message is read back. Failures are
real too: a port nobody listens on, a server answering 4xx, then 5xx."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alerts.service import AlertService
from rashomon.cli import app
from rashomon.errors import ConfigError
from rashomon.settings import load_settings
from rashomon.store import Store
from rashomon.store.outbox import FAILED, PENDING, SENT
from tests.report_calls import fixture
from tests.smtp_server import SmtpServer, free_port
from tests.test_alerts_support import FakeClock, service, settings

CALL = "2022-06-15-putin-xi-phone"
VARIABLE = "RASHOMON_TEST_MAIL_URL"
PASSWORD = "pa55-w0rd-of-the-desk"
BASE_URL = "https://desk.example.org/rashomon/"
MAIL = {"name": "mail", "kind": "apprise", "url_env": VARIABLE}


def mail_url(port: int, password: bool = False) -> str:
    login = f"desk:{PASSWORD}@" if password else ""
    return (f"mailto://{login}127.0.0.1:{port}?from=rashomon@example.org"
            f"&to=desk@example.org")


PRESS = {"name": "The Example Post", "side": "press", "language": "en", "family": "press",
         "base_url": "http://127.0.0.1:9", "paths": {"feed": "/rss.xml"}}


def mail_service(store: Store, port: int, clock: FakeClock | None = None,
                 password: bool = False) -> AlertService:
    config = load_settings(env={}, overrides={"alerts": {"channels": [MAIL]},
                                              "report": {"base_url": BASE_URL},
                                              "sources": {"press_demo": PRESS}})
    return service(store, config, clock, env={VARIABLE: mail_url(port, password)})


def diverging() -> list:
    return [fixture().call(CALL)]


def plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def test_an_alert_arrives_as_an_email_with_text_and_html_parts_and_the_call_page(
        store: Store) -> None:
    with SmtpServer() as server, mail_service(store, server.port) as alerts:
        assert alerts.enqueue(diverging()) == 1
        report = alerts.deliver_due()
        assert [a.channel for a in report.sent] == ["mail"], report
        [message] = server.messages
    page = f"{BASE_URL}calls/{CALL}.html"
    assert message["Subject"] == ("Vladimir Putin–Xi Jinping phone call of 2022-06-15: "
                                  "the accounts diverge on 12 topics")
    assert message["From"].addresses[0].addr_spec == "rashomon@example.org"
    assert message["To"].addresses[0].addr_spec == "desk@example.org"
    text, body = plain(message), html(message)
    assert page in text and f'href="{page}"' in body
    assert "Only Beijing:" in text and "Only Moscow:" in text
    assert text.count("坚决反对任何势力借涉疆") == 1  # one sentence, five topics, quoted once
    assert "Hong Kong, Interference in internal affairs, Taiwan, Xinjiang" in text
    assert "<b>涉港</b>" in body and "<b>санкционной</b>" in body  # matched words, in bold
    assert "The Example Post" in text and "press_demo" not in text
    key = store.outbox.messages(SENT, 1)[0].key
    assert key in text  # the alert's id: a reader can tell a resend


def test_a_second_pass_sends_nothing_again(store: Store) -> None:
    with SmtpServer() as server, mail_service(store, server.port) as alerts:
        alerts.enqueue(diverging())
        alerts.deliver_due()
        assert alerts.enqueue(diverging()) == 0
        assert alerts.deliver_due().sent == []
        assert len(server.messages) == 1


def test_a_refused_connection_is_retried_through_the_outbox_then_delivered(
        store: Store) -> None:
    clock, port = FakeClock(), free_port()
    with mail_service(store, port, clock) as alerts:
        alerts.enqueue(diverging())
        first = alerts.deliver_due()
        assert first.sent == [] and len(first.retrying) == 1 and first.failed == []
        [waiting] = store.outbox.messages(PENDING, 5)
        assert waiting.attempts == 1 and "refused" in (waiting.last_error or "").lower()
        with SmtpServer(port) as server:
            clock.advance(seconds=10)  # past the first backoff
            assert len(alerts.deliver_due().sent) == 1
            assert len(server.messages) == 1


def test_a_4xx_answer_is_retried_and_the_mail_sent_once(store: Store) -> None:
    clock = FakeClock()
    with SmtpServer() as server, mail_service(store, server.port, clock) as alerts:
        server.script("451 4.3.0 Mail server busy, try again later")
        alerts.enqueue(diverging())
        first = alerts.deliver_due()
        assert len(first.retrying) == 1, first
        [waiting] = store.outbox.messages(PENDING, 5)
        assert "SMTP 451" in (waiting.last_error or "")
        clock.advance(seconds=10)
        assert len(alerts.deliver_due().sent) == 1
        assert server.attempts == 2 and len(server.messages) == 1


def test_a_5xx_answer_fails_for_good_with_the_reason(store: Store) -> None:
    with SmtpServer() as server, mail_service(store, server.port) as alerts:
        server.script(rcpt=("550 5.1.1 <desk@example.org>: mailbox unavailable",))
        alerts.enqueue(diverging())
        report = alerts.deliver_due()
        assert report.sent == [] and report.retrying == [] and len(report.failed) == 1
        [failed] = store.outbox.messages(FAILED, 5)
        assert failed.attempts == 1 and failed.next_attempt_at is not None
        assert "SMTP 550" in (failed.last_error or "")
        assert "mailbox unavailable" in (failed.last_error or "")
        assert server.messages == []


def test_the_apprise_url_is_a_secret_kept_out_of_errors_logs_and_listings(
        store: Store, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    with mail_service(store, free_port(), password=True) as alerts:
        alerts.enqueue(diverging())
        alerts.deliver_due()
    [message] = store.outbox.messages(PENDING, 5)
    shown = CliRunner().invoke(app, ["--store", store.url, "alerts"],
                               env={"RASHOMON_CONFIG": ""}).output
    for text in (message.last_error or "", caplog.text, shown, message.body):
        assert PASSWORD not in text and "mailto://" not in text
    assert "refused" in (message.last_error or "").lower()


def test_an_apprise_channel_takes_its_url_from_the_environment_only(tmp_path: Path) -> None:
    config = tmp_path / "user.toml"
    config.write_text('[[alerts.channels]]\nname = "mail"\nkind = "apprise"\n'
                      'url = "mailto://desk:secret@example.org"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"alerts\.channels\.0\.url: must be"):
        load_settings(config, env={})  # a URL written in a file is refused
    config.write_text('[[alerts.channels]]\nname = "mail"\nkind = "apprise"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="apprise channel needs url_env"):
        load_settings(config, env={})
    with pytest.raises(ConfigError, match=f"{VARIABLE} is not set"):
        mail_service_without_url()
    with pytest.raises(ConfigError, match=f"{VARIABLE} holds no URL that Apprise knows"):
        service(Store.open(f"sqlite:///{tmp_path / 's.db'}"), settings(MAIL),
                env={VARIABLE: "nosuchscheme://whatever"}).close()


def mail_service_without_url() -> None:
    service(Store.open("sqlite://"), settings(MAIL), env={}).close()
