"""The `stdout` channel: a readable rendering on standard output (the default channel)."""

from __future__ import annotations

import sys
from datetime import datetime

from alerts.channels.base import Channel, ChannelContext, Sent
from alerts.message import Alert
from alerts.sections import Plain, sections
from rashomon.settings.alerts import ChannelConfig

RULE = "─" * 72


class StdoutChannel(Channel):
    kind = "stdout"

    def __init__(self, config: ChannelConfig, context: ChannelContext) -> None:
        super().__init__(config, context)
        self.stream = context.stream
        self.evidence_chars = context.alerts.evidence_chars

    def render(self, alert: Alert, message_id: str) -> str:
        return render_text(alert, self.evidence_chars)

    def send(self, body: str, message_id: str, now: datetime) -> Sent:
        stream = self.stream or sys.stdout  # looked up late: the CLI and tests swap sys.stdout
        stream.write(body + "\n")
        stream.flush()
        return Sent(None, "printed")


def render_text(alert: Alert, evidence_chars: int = 240) -> str:
    """Headline, then each section as a heading and indented lines."""
    parts = [RULE, f"[{alert.type}] {alert.headline}", RULE]
    for section in sections(alert, Plain(), evidence_chars):
        parts += [section.heading, *(f"  {line}" for line in section.lines)]
    return "\n".join(parts)
