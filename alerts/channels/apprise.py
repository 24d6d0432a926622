"""The `apprise` channel: e-mail, Microsoft Teams, Telegram, Matrix and the rest, through Apprise.

Its Apprise URL (`mailtos://user:password@smtp.example.org?to=desk@example.org`,
`tgram://bot-token/chat-id`, …) comes from the environment variable named in `url_env`. It
carries credentials, so it is a secret like a Slack URL: never logged, never stored, and
redacted from every error, shown at most with its shape (`alerts.channels.redaction`:
`mailtos://***:***@smtp.example.org?to=***`). The alert is rendered once into the outbox as a
title and an HTML body (the same sections as Slack and stdout); Apprise turns the HTML into
each service's own format, and an e-mail gets an HTML part and a plain-text part. Every
attempt sends the same stored body, which ends with the alert's id, so a reader can tell a
resend.

Each attempt runs under the same deadline as an HTTP channel's (`[alerts] timeout`, for the
whole attempt, `rashomon.http.Deadline`): every connection Apprise opens in it (SMTP, HTTPS)
is cut when the time is up, so a server that drips its replies cannot hold an attempt; within
that, Apprise's own per-read timeouts apply (a URL's `cto=`/`rto=` set them).

Apprise answers only "sent" or "not sent" and says why in its log. Each attempt captures that
log (it never reaches Rashomon's logs: it may quote the URL) to tell the outcome apart:
- an SMTP reply 5xx (a mailbox or sender refused, bad credentials): failed for good, with the
  reply as the reason;
- anything else (a refused connection, a timeout, an SMTP 4xx "try again later", a service
  that did not answer): retried through the outbox with backoff.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from html import escape
from typing import Any

from alerts.channels.base import Channel, ChannelContext, Sent, secret
from alerts.message import Alert
from alerts.sections import sections
from rashomon.errors import ConfigError, DeliveryError, PermanentDelivery, RetryableDelivery
from rashomon.http import Deadline
from rashomon.settings.alerts import ChannelConfig

LOGGER = "apprise"
SMTP_REPLY = re.compile(r"\(([2-5]\d\d), b?['\"]([^'\"]*)['\"]")
NOT_SENT = "Apprise could not deliver the message"


class HtmlMarkup:
    """HTML for e-mail and the services Apprise converts it for; matched words in bold, every
    address shown."""

    def text(self, value: str) -> str:
        return escape(value, quote=False)

    def bold(self, value: str) -> str:
        return f"<b>{value}</b>"

    def mark(self, value: str) -> str:
        return f"<b>{value}</b>"

    def link(self, title: str, url: str) -> str:
        """"title <url>" as on stdout, the address itself a link: Apprise's plain-text part
        keeps a link's text and drops its href, and the address must survive there."""
        if not url:  # no http(s) address (see `rashomon.http.web_link`): the title alone
            return escape(title, quote=False)
        target, shown = escape(url, quote=True), escape(url, quote=False)
        return f'{escape(title, quote=False)} &lt;<a href="{target}">{shown}</a>&gt;'


class AppriseChannel(Channel):
    kind = "apprise"

    def __init__(self, config: ChannelConfig, context: ChannelContext) -> None:
        super().__init__(config, context)
        variable = config.url_env or ""
        self.url = secret(context.secrets, variable, config.name)
        self.evidence_chars = context.alerts.evidence_chars
        self.limit = context.alerts.timeout  # seconds for a whole attempt
        import apprise  # 0.15 s to import: only where an apprise channel is configured

        with captured_log():  # Apprise may log the URL it could not read
            known = apprise.Apprise.instantiate(self.url, asset=asset()) is not None
        if not known:
            raise ConfigError(f"alerts channel {config.name!r}: environment variable {variable} "
                              f"holds no URL that Apprise knows")

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.url,)

    def render(self, alert: Alert, message_id: str) -> str:
        return json.dumps({"title": alert.headline,
                           "body": render_html(alert, message_id, self.evidence_chars)},
                          ensure_ascii=False)

    def send(self, body: str, message_id: str, now: datetime) -> Sent:
        import apprise

        message = json.loads(body)
        notifier = apprise.Apprise(asset=asset())
        with captured_log() as records, Deadline(self.limit) as deadline:
            notifier.add(self.url)
            sent = notifier.notify(body=message["body"], title=message["title"],
                                   body_format=apprise.NotifyFormat.HTML)
        if not sent and deadline.expired:
            raise RetryableDelivery(f"no complete answer within {self.limit:g} s")
        if not sent:
            raise failure([record.getMessage() for record in records])
        return Sent(None, "delivered through Apprise")


def asset() -> Any:
    """How Apprise names the sender ("Rashomon"), keeping its state in memory: the service's
    sandbox has no home directory, and the outbox is the only state delivery keeps."""
    import apprise

    return apprise.AppriseAsset(app_id="Rashomon", app_desc="Rashomon alerts",
                                storage_mode="memory")


def render_html(alert: Alert, message_id: str, evidence_chars: int = 240) -> str:
    """The headline, each section as a heading and paragraphs, and the alert's id."""
    markup = HtmlMarkup()
    parts = [f"<h2>{markup.text(alert.headline)}</h2>"]
    for section in sections(alert, markup, evidence_chars):
        parts.append(f"<h3>{markup.text(section.heading)}</h3>")
        parts += [f"<p>{line}</p>" for line in section.lines]
    parts.append(f"<p><small>Rashomon alert {markup.text(message_id)}</small></p>")
    return "\n".join(parts)


def failure(log: list[str]) -> DeliveryError:
    """What a failed send means, from Apprise's log: an SMTP 5xx is permanent, all else
    is worth another attempt. The message is redacted by the deliverer before it is kept."""
    said = next((line for line in reversed(log) if "error" in line.lower()
                 or "fail" in line.lower()), NOT_SENT)
    reply = next((found for found in map(SMTP_REPLY.search, log) if found), None)
    if reply is None:
        cause = next((line for line in reversed(log) if "Exception:" in line), "")
        detail = f" ({cause.split('Exception:', 1)[1].strip()})" if cause else ""
        return RetryableDelivery(f"{said}{detail}"[:500])
    code, text = reply.groups()
    reason = f"{said} (SMTP {code} {text.strip()})"[:500]
    return PermanentDelivery(reason) if code.startswith("5") else RetryableDelivery(reason)


@contextmanager
def captured_log() -> Iterator[list[logging.LogRecord]]:
    """Apprise's log records of the block, kept from every other handler."""
    logger = logging.getLogger(LOGGER)
    records: list[logging.LogRecord] = []
    handler = _Keep(records)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


class _Keep(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
