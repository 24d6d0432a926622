"""Rendering analyses for people (rich tables, side by side) and for programs (JSON).

Sentences are shortened only here, for the terminal; the JSON carries them whole.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Column, Table
from rich.text import Text

from rashomon.analysis.diff import TextComparison
from rashomon.analysis.sentences import shorten
from rashomon.models import CallAnalysis, TopicFinding

YES, NO = "✓", "✗"
SENTENCE_LIMIT = 160
SENTENCES_SHOWN = 2


def dumps(value: Any) -> str:
    """JSON on one line, non-ASCII text kept readable."""
    return json.dumps(value, ensure_ascii=False)


def call_json(analysis: CallAnalysis) -> dict[str, Any]:
    """One call as a JSON object (`rashomon calls --json`)."""
    call = analysis.call
    return {
        "id": call.id,
        "occurred_at": call.occurred_at.isoformat(),
        "date_only": call.date_only,
        "type": call.type,
        "participants": list(call.participants),
        "initiator": call.initiator,
        "sides": list(call.sides),
        "documents": [doc.url for doc in call.documents],
        "divergences": len(analysis.asymmetric),
        "divergent": analysis.divergent,
        "one_sided": analysis.one_sided,
        "only_in": {side: list(analysis.only_in(side)) for side in call.sides},
        "press": len(analysis.press),
    }


def calls_table(analyses: list[CallAnalysis]) -> Table:
    """The `rashomon calls` table."""
    table = Table(Column("call (date-leaders-type)", no_wrap=True), "UTC", "initiator",
                  "sides", Column("divergences", justify="right"), "one-sided",
                  title="Leader calls")
    for analysis in analyses:
        call = analysis.call
        table.add_row(call.id, "—" if call.date_only else call.occurred_at.strftime("%H:%M"),
                      call.initiator or "",
                      ",".join(call.sides),
                      str(len(analysis.asymmetric)), "yes" if analysis.one_sided else "")
    return table


def call_view(analysis: CallAnalysis) -> RenderableType:
    """The `rashomon show` view: header, topics side by side, framing, documents and press."""
    return Group(_header(analysis), _topics_table(analysis), *_framing(analysis),
                 *_links(analysis))


def _header(analysis: CallAnalysis) -> Text:
    call = analysis.call
    line = Text(f"{call.id}  ", style="bold")
    when = f"{call.occurred_at:%Y-%m-%d}" if call.date_only else (
        f"{call.occurred_at:%Y-%m-%d %H:%M} UTC")
    line.append(f"{call.type} call, {' – '.join(call.participants)}, {when}")
    if call.initiator:
        line.append(f", initiated by {call.initiator}")
    verdict = "ONE-SIDED" if analysis.one_sided else ("DIVERGENT" if analysis.divergent else "")
    if verdict:
        line.append(f"  {verdict}", style="bold red")
    return line


def _topics_table(analysis: CallAnalysis) -> Table:
    sides = analysis.call.sides
    table = Table("topic", *(Column(side, overflow="fold") for side in sides), title="Topics",
                  show_lines=True)
    for finding in analysis.topics:
        label = finding.label + ("" if finding.watched else " (context)")
        style = "red" if finding in analysis.asymmetric else None
        table.add_row(Text(label, style=style or ""), *(_cell(finding, side) for side in sides))
    return table


def _cell(finding: TopicFinding, side: str) -> str:
    sentences = finding.sentences(side)
    if not sentences:
        return NO
    shown = [shorten(s, SENTENCE_LIMIT) for s in sentences[:SENTENCES_SHOWN]]
    more = len(sentences) - len(shown)
    return "\n".join([f"{YES} {shown[0]}", *shown[1:], *([f"(+{more} more)"] if more else [])])


def _framing(analysis: CallAnalysis) -> list[Text]:
    return [Text(f"Framing ({f.label}): {f.side_a} says {f.topic_a}, {f.side_b} says {f.topic_b}",
                 style="yellow") for f in analysis.framing]


def _links(analysis: CallAnalysis) -> list[Text]:
    lines = [Text("Documents:", style="bold")]
    lines += [Text(f"  [{d.side}] {d.kind}: {d.url}") for d in analysis.call.documents]
    if analysis.press:
        lines.append(Text("Press:", style="bold"))
    for item in analysis.press:
        mark = "  ⚑ discusses the discrepancy" if item.discusses_discrepancy else ""
        lines.append(Text(f"  {item.published_at:%Y-%m-%d} {item.title} — {item.url}{mark}"))
    return lines


def diff_view(comparison: TextComparison) -> RenderableType:
    """`rashomon diff` for people: per topic ✓/✗ for A and B with the evidence."""
    table = Table("topic", f"A ({comparison.languages[0]})", f"B ({comparison.languages[1]})",
                  title="Divergent" if comparison.divergent else "Not divergent",
                  show_lines=True)
    for finding in comparison.topics:
        table.add_row(finding.label, _cell(finding, "a"), _cell(finding, "b"))
    framing = [Text(f"Framing ({f.label}): {f.side_a.upper()} says {f.topic_a}, "
                    f"{f.side_b.upper()} says {f.topic_b}", style="yellow")
               for f in comparison.framing]
    return Group(table, *framing)
