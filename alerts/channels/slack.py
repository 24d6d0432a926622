"""The `slack` channel: a Slack incoming webhook with Block Kit.

Slack's limits are enforced here, not hoped for: the header is plain text of at most 150
characters, a section's text at most 3,000, a message at most 50 blocks, and the top-level
`text` is the fallback for notifications. Long sections are split at line boundaries, and a
single over-long line is cut outside any `<url|title>` link, so a link is never broken.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from alerts.channels.base import Channel, ChannelContext, Sent, secret
from alerts.channels.http import post
from alerts.message import Alert
from alerts.sections import Section, sections
from rashomon.settings.alerts import ChannelConfig
from rashomon.text import ELLIPSIS, shorten

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
BLOCK_LIMIT = 50
FALLBACK_LIMIT = 3000
ZWSP = "\u200b"


class SlackMarkup:
    """Slack mrkdwn: `&`, `<`, `>` escaped; links as `<url|title>`."""

    def text(self, value: str) -> str:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def bold(self, value: str) -> str:
        return f"*{value}*"

    def mark(self, value: str) -> str:
        """Bold, between zero-width spaces: Slack makes `*…*` bold only where it does not touch
        a letter, and Chinese has no spaces between words."""
        return f"{ZWSP}*{value}*{ZWSP}"

    def link(self, title: str, url: str) -> str:
        if not url:  # no http(s) address (see `rashomon.http.web_link`): the title alone
            return self.text(title)
        safe = url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
        return f"<{safe}|{self.text(title)}>"


class SlackChannel(Channel):
    kind = "slack"

    def __init__(self, config: ChannelConfig, context: ChannelContext) -> None:
        super().__init__(config, context)
        self.url = config.url or secret(context.secrets, config.url_env or "", config.name)
        self.client = context.client
        self.limit = context.alerts.timeout  # seconds for a whole attempt
        self.evidence_chars = context.alerts.evidence_chars

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.url,)

    def render(self, alert: Alert, message_id: str) -> str:
        return json.dumps(message(alert, self.evidence_chars), ensure_ascii=False)

    def send(self, body: str, message_id: str, now: datetime) -> Sent:
        assert self.client is not None, "an HTTP channel needs a client"
        headers = {"content-type": "application/json; charset=utf-8"}
        return post(self.client, self.url, body.encode("utf-8"), headers, now, self.limit)


def message(alert: Alert, evidence_chars: int = 240) -> dict[str, Any]:
    """The Slack payload: fallback `text` and the blocks, within every limit."""
    markup = SlackMarkup()
    blocks = [header(alert.headline)]
    for section in sections(alert, markup, evidence_chars):
        blocks += [_mrkdwn(chunk) for chunk in chunks(section, markup)]
    return {"text": fallback(alert, markup), "blocks": cap(blocks)}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": shorten(text, HEADER_LIMIT)}}


def fallback(alert: Alert, markup: SlackMarkup) -> str:
    text = "\n".join([alert.headline, *alert.changes])
    return markup.text(shorten(text, FALLBACK_LIMIT // 2))


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def chunks(section: Section, markup: SlackMarkup, limit: int = SECTION_LIMIT) -> list[str]:
    """The section's lines packed into texts of at most `limit`, split only between lines."""
    lines = [fit_line(line, limit) for line in (markup.bold(markup.text(section.heading)),
                                                *section.lines)]
    packed: list[str] = []
    for line in lines:
        if packed and len(packed[-1]) + 1 + len(line) <= limit:
            packed[-1] += "\n" + line
        else:
            packed.append(line)
    return packed


def fit_line(line: str, limit: int) -> str:
    """A line cut to `limit` with '…', never inside a `<…>` link (a whole link is dropped)."""
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    cut = cut[: cut.rfind("&")] if cut.rfind("&") > cut.rfind(";") else cut
    return cut.rstrip() + ELLIPSIS


def cap(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most 50 blocks: the last one says how many were left out."""
    if len(blocks) <= BLOCK_LIMIT:
        return blocks
    left_out = len(blocks) - (BLOCK_LIMIT - 1)
    note = f"{left_out} more parts left out (Slack allows {BLOCK_LIMIT} blocks)."
    return [*blocks[: BLOCK_LIMIT - 1], {"type": "context",
                                          "elements": [{"type": "mrkdwn", "text": note}]}]
