"""The readable body of an alert as titled sections of lines, whatever the markup.

Slack, stdout and e-mail render the same sections; only the markup differs (Slack's
`<url|title>` links and `*bold*`, HTML in e-mail, plain text elsewhere). A line is the unit a
long message is split at, so a link is never cut in two. Evidence is quoted once per sentence
(`alerts.quotes`), shortened around the words that matched, which the markup marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from alerts.message import Alert, HealthNote
from alerts.quotes import Quote, side_quotes
from alerts.text import call_kind, capital_sides, local_times, place
from rashomon.models import CallAnalysis, Document, Framing, PressItem
from rashomon.text import excerpt, shorten, split_marked, utc_text

REPORT_LINK = "the two accounts side by side"


class Markup(Protocol):
    def text(self, value: str) -> str: ...
    def bold(self, value: str) -> str: ...
    def mark(self, value: str) -> str: ...  # a matched word, already escaped
    def link(self, title: str, url: str) -> str: ...


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]


class Plain:
    """Markup for terminals and logs."""

    def text(self, value: str) -> str:
        return value

    def bold(self, value: str) -> str:
        return value

    def mark(self, value: str) -> str:
        return f"*{value}*"

    def link(self, title: str, url: str) -> str:
        return f"{title} <{url}>" if url else title  # "": no http(s) address to show


def sections(alert: Alert, markup: Markup, evidence_chars: int = 240) -> list[Section]:
    """Every section of the alert, in reading order; empty sections are left out."""
    if alert.health is not None:
        return [_health(alert.health, markup)]
    if alert.analysis is None:
        return [Section("Test", tuple(markup.text(v) for v in alert.extra.values()))]
    found = [
        _overview(alert, markup),
        Section("What changed", tuple(f"• {markup.text(line)}" for line in alert.changes)),
        _one_sided(alert.analysis, markup) if alert.one_sided else None,
        *(_side(alert.analysis, side, markup) for side in alert.analysis.call.sides),
        _topics(alert.analysis, markup, evidence_chars),
        _framing(alert.framing, _labels(alert.analysis), markup),
        _press(alert, markup),
    ]
    return [s for s in found if s is not None and s.lines]


def _overview(alert: Alert, markup: Markup) -> Section:
    call = alert.analysis.call  # type: ignore[union-attr]
    when = (f"{call.occurred_at:%Y-%m-%d} (no account gives a time)" if call.date_only
            else local_times(call.occurred_at, capital_sides(call.sides)))
    lines = [f"When: {when}", f"Call: {call_kind(call.type)} · Leaders: {', '.join(alert.leaders)}"]
    if call.initiator:
        lines.append(f"Initiated by: {_initiator(call.initiator, alert)}")
    shown = [markup.text(line) for line in lines]
    if alert.page_url:
        shown.append(f"{markup.text('Report:')} {markup.link(REPORT_LINK, alert.page_url)}")
    return Section("The call", tuple(shown))


def _initiator(initiator: str, alert: Alert) -> str:
    participants = alert.analysis.call.participants  # type: ignore[union-attr]
    by_id = dict(zip(participants, alert.leaders, strict=False))
    return by_id.get(initiator, place(initiator))


def _one_sided(analysis: CallAnalysis, markup: Markup) -> Section:
    reported = " and ".join(place(side) for side in analysis.call.sides)
    missing = [place(s) for s in capital_sides(()) if s not in analysis.call.sides]
    line = f"Only {reported} reported this call."
    if missing:
        line += f" No account from {' or '.join(missing)} so far."
    return Section("One-sided", (markup.text(line),))


def _side(analysis: CallAnalysis, side: str, markup: Markup) -> Section:
    docs = sorted(analysis.call.documents_of(side), key=lambda doc: doc.published_at)
    return Section(f"{place(side)}'s account ({side})", tuple(_doc(doc, markup) for doc in docs))


def _doc(doc: Document, markup: Markup) -> str:
    title = shorten(doc.title, 200)
    meta = f"{doc.kind}, {doc.language}, published {utc_text(doc.published_at)}"
    return f"• {markup.link(title, doc.url)} — {markup.text(meta)}"


def _topics(analysis: CallAnalysis, markup: Markup, limit: int) -> Section:
    """Per side, each sentence once with the topics only that side raised in it."""
    lines: list[str] = []
    for side in analysis.call.sides:
        found = side_quotes(analysis, side)
        if found:
            lines.append(markup.bold(markup.text(f"Only {place(side)}:")))
            lines += [_quote(quote, markup, limit) for quote in found]
    return Section("Only in one account", tuple(lines))


def _quote(quote: Quote, markup: Markup, limit: int) -> str:
    """• “…the *matched words*…” (en) — Topic, Topic · context: Topic  <source>"""
    text, spans = excerpt(quote.sentence, quote.matched, quote.language, limit)
    said = "".join(markup.mark(markup.text(piece)) if marked else markup.text(piece)
                   for piece, marked in split_marked(text, spans))
    labels = ", ".join(markup.bold(markup.text(topic.label)) for topic in quote.divergent)
    if quote.context:
        labels += markup.text(" · context: " + ", ".join(t.label for t in quote.context))
    return (f"• {markup.text('“')}{said}{markup.text(f'” ({quote.language}) — ')}{labels} "
            f"{markup.link('source', quote.url)}")


def _labels(analysis: CallAnalysis) -> dict[str, str]:
    return {topic.topic_id: topic.label for topic in analysis.topics}


def _framing(items: tuple[Framing, ...], labels: dict[str, str], markup: Markup) -> Section:
    lines = []
    for item in items:
        a, b = labels.get(item.topic_a, item.topic_a), labels.get(item.topic_b, item.topic_b)
        text = f"{item.label}: {place(item.side_a)} says “{a}”, {place(item.side_b)} says “{b}”"
        lines.append(f"• {markup.text(text)}")
    return Section("Framing", tuple(lines))


def _press(alert: Alert, markup: Markup) -> Section:
    return Section("Press", tuple(_press_line(item, alert.source_name(item.source_id), markup)
                                  for item in alert.press))


def _press_line(item: PressItem, source: str, markup: Markup) -> str:
    mark = " — discusses the discrepancy" if item.discusses_discrepancy else ""
    meta = f"{source}, {item.published_at:%Y-%m-%d}{mark}"
    return f"• {markup.link(shorten(item.title, 200), item.url)} — {markup.text(meta)}"


def _health(note: HealthNote, markup: Markup) -> Section:
    lines = [f"Source: {note.source_name} ({note.source_id}, {note.side})",
             f"Status: {note.status} since {utc_text(note.since)}", f"Reason: {note.reason}",
             *(f"• {shorten(detail, 300)}" for detail in note.details)]
    return Section("Source health", tuple(markup.text(line) for line in lines))
