"""Every terminal view of the CLI: the tables and panels people read, and the JSON programs read.

Collection (the crawl summary, the sources table, a backfill's progress bar), analysis (the
calls table, one call side by side from its view model, `rashomon diff`), alerts (the outbox:
channel names only, never a URL or a secret), and the one line `run --once` prints for cron's
mail when something failed. Sentences are shortened only here, for the
terminal (with `rashomon.text`'s `shorten` and `excerpt`, which keeps the matched words and
shows them in bold); the JSON carries them whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax
from rich.table import Column, Table
from rich.text import Text

from alerts.delivery import DeliveryReport
from rashomon.analysis.diff import TextComparison
from rashomon.models import CallAnalysis, CrawlOutcome, EntryPoint, TopicFinding
from rashomon.report.viewmodel import status
from rashomon.settings import Source
from rashomon.store.outbox import FAILED, PENDING, SENT, Message
from rashomon.text import excerpt, shorten, utc_text

Addresses = Mapping[str, Sequence[EntryPoint]]  # source id → its configured addresses' states
OnEvent = Callable[[dict[str, Any]], None]  # takes one progress event of the crawl child
YES, NO = "✓", "✗"
SENTENCE_LIMIT = 160
SENTENCES_SHOWN = 2
STYLES = {PENDING: "yellow", SENT: "green", FAILED: "red"}


# ---------------------------------------------------------------- collection
def crawl_table(outcomes: Iterable[CrawlOutcome], addresses: Addresses | None = None) -> Table:
    """One row per source: what the crawl requested, got, stored and failed on, and each
    configured address that is failing (a source can answer while one of them fails)."""
    table = Table("source", "requests", "responses", "stored", "parse failures", "result",
                  "failing addresses")
    table.columns[0].no_wrap = True
    table.columns[-1].overflow = "fold"  # an address is wrapped, never cut
    for outcome in outcomes:
        responses = " ".join(f"{code}×{n}" for code, n in sorted(outcome.responses.items()))
        table.add_row(outcome.source_id, str(outcome.requests), responses or "-",
                      str(outcome.items_stored), str(outcome.parse_failures), _result(outcome),
                      failing_addresses((addresses or {}).get(outcome.source_id, ())))
    return table


def failing_addresses(states: Sequence[EntryPoint]) -> str:
    """Each failing address with its last status and since when; "-" when none fails."""
    lines = [f"{state.url}: {state.last_status} since {_when(state.failing_since)} "
             f"({state.failures}×)" for state in states if state.failing]
    return escape("\n".join(lines)) if lines else "-"


def _result(outcome: CrawlOutcome) -> str:
    """ok, or what failed and why (each failed page with its reason); and what was deferred."""
    if outcome.error:
        result = f"[red]failed[/red]: {escape(outcome.error)}"
    elif outcome.parse_failures:
        result = "[yellow]parse failures[/yellow]: " + escape(problems(outcome))
    else:
        result = "[green]ok[/green]"
    return result + (f"; {deferred(outcome)}" if outcome.deferred else "")


def problems(outcome: CrawlOutcome, shown: int = 3) -> str:
    """The first failed pages with their reasons, one a line, and how many more there are."""
    lines = list(outcome.failures[:shown])
    more = len(outcome.failures) - shown
    return "\n".join(lines + ([f"(+{more} more)"] if more > 0 else []))


def deferred(outcome: CrawlOutcome) -> str:
    return f"{outcome.deferred} new item(s) left for the next crawl ([crawl] max_new_items)"


def sources_table(sources: Iterable[Source], history: dict[str, list[CrawlOutcome]],
                  documents: dict[str, int], addresses: Addresses | None = None) -> Table:
    """id, side, language, enabled, last success, documents, last failure, failing addresses."""
    table = Table("id", "side", "lang", "enabled", "last success", "documents", "last failure",
                  "failing addresses")
    table.columns[0].no_wrap = True
    table.columns[-1].overflow = "fold"  # an address is wrapped, never cut
    for source in sources:
        crawls = history.get(source.id, [])
        success = next((c for c in crawls if c.ok), None)
        failure = next((c for c in crawls if not c.ok), None)
        table.add_row(source.id, source.side, source.language, "yes" if source.enabled else "no",
                      _when(success.finished_at if success else None),
                      str(documents.get(source.id, 0)), _failure(failure),
                      failing_addresses((addresses or {}).get(source.id, ())))
    return table


def _failure(outcome: CrawlOutcome | None) -> str:
    if outcome is None:
        return "-"
    reason = outcome.error or (f"{outcome.parse_failures} parse failure(s): "
                               f"{problems(outcome, shown=2)}")
    return f"{_when(outcome.finished_at)}: {escape(reason)}"


def _when(stamp: datetime | None) -> str:
    return utc_text(stamp) if stamp else "-"


@contextmanager
def backfill_progress(since: date, today: date) -> Iterator[OnEvent]:
    """A progress bar from `today` back to `since`, fed by the crawl child's progress events."""
    total = max((today - since).days, 1)
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TextColumn("{task.fields[detail]}"),
               TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(f"backfill to {since}", total=total, detail="")

        def on_event(event: dict[str, Any]) -> None:
            if event.get("event") != "progress":
                return
            oldest = event.get("oldest")
            covered = (today - date.fromisoformat(oldest[:10])).days if oldest else 0
            if event.get("done"):
                covered = total  # the walk reached `since` (or the archive's end)
            progress.update(task, completed=min(covered, total),
                            detail=f"page {event.get('page')}, back to {(oldest or '?')[:10]}")

        yield on_event


# ---------------------------------------------------------------- analysis
def dumps(value: Any) -> str:
    """JSON on one line, non-ASCII text kept readable."""
    return json.dumps(value, ensure_ascii=False)


def json_panel(title: str, value: Any) -> Panel:
    """A JSON document for people: indented, highlighted, in a titled frame (the demo)."""
    body = json.dumps(value, ensure_ascii=False, indent=2)
    return Panel(Syntax(body, "json", word_wrap=True), title=title)


def call_json(analysis: CallAnalysis) -> dict[str, Any]:
    """One call as a JSON object (`rashomon calls --json`). Each verdict field means one thing:
    `divergences`, the count of watched topics raised by one side only (0 while a side is
    missing); `divergent`, both accounts are in and they differ on at least
    `[analysis] min_divergent_topics` of them; `one_sided`, only one side reported the call
    after the grace period; `status`, the one word for it (`divergent`, `one_sided`, `agreeing`,
    or `awaiting` the second account within the grace period), as in `show --json`."""
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
        "status": status(analysis),
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


def call_view(model: Mapping[str, Any]) -> RenderableType:
    """The `rashomon show` view, drawn from the call's view model (`show --json`, the report's
    page): header, topics side by side (watched first, then context, each by label; matched
    words in bold), framing, the documents and the press by source name."""
    return Group(_header(model), _topics_table(model), *_framing(model), *_links(model))


def _header(model: Mapping[str, Any]) -> Text:
    line = Text(f"{model['id']}  ", style="bold")
    when = " · ".join([model["time"]["text"], *(t["text"] for t in model["time"]["local"])])
    line.append(f"{model['type_label']}, {model['pair']['label']}, {when}")
    if model["initiator"]:
        line.append(f", initiated by {model['initiator']['name']}")
    style = "bold red" if model["status"] in ("divergent", "one_sided") else "bold"
    line.append(f"\n{model['summary']}", style=style)
    return line


def _topics_table(model: Mapping[str, Any]) -> Table:
    columns = model["columns"]
    table = Table("topic", *(Column(f"{c['place']} ({c['side']})", overflow="fold")
                             for c in columns), title="Topics", show_lines=True)
    for topic in model["topics"]:
        label = topic["label"] + ("" if topic["watched"] else " (context)")
        table.add_row(Text(label, style="red" if topic["divergent"] else ""),
                      *(_evidence_cell(topic["sides"][c["side"]]) for c in columns))
    return table


def _evidence_cell(cell: Mapping[str, Any]) -> Text:
    """✓ and the first sentences, cut around their matched words (in bold); ✗ when absent."""
    if not cell["found"]:
        return Text(NO)
    out = Text(f"{YES} ")
    evidence = cell["evidence"]
    for number, item in enumerate(evidence[:SENTENCES_SHOWN]):
        said, spans = excerpt(item["text"], item["matched"], item["language"], SENTENCE_LIMIT)
        start = len(out) + (1 if number else 0)
        out.append(("\n" if number else "") + said)
        for a, b in spans:
            out.stylize("bold", start + a, start + b)
    more = len(evidence) - SENTENCES_SHOWN
    if more > 0:
        out.append(f"\n(+{more} more)")
    return out


def _framing(model: Mapping[str, Any]) -> list[Text]:
    return [Text(f"Framing ({item['label']}): {item['text']}", style="yellow")
            for item in model["framing"]]


def _links(model: Mapping[str, Any]) -> list[Text]:
    lines = [Text("Documents:", style="bold")]
    for column in model["columns"]:
        lines += [Text(f"  [{column['side']}] {doc['source']}, {doc['kind']}, "
                       f"{doc['after_call']['text']}{_address(doc['url'], ': ')}")
                  for doc in column["documents"]]
    if model["press"]:
        lines.append(Text("Press:", style="bold"))
    for item in model["press"]:
        mark = "  ⚑ discusses the discrepancy" if item["discusses_discrepancy"] else ""
        lines.append(Text(f"  {item['published_at'][:10]} {item['source']}: {item['title']} "
                          f"({item['after_call']['text']}){_address(item['url'], ' — ')}{mark}"))
    return lines


def _address(url: str, before: str) -> str:
    """`before` and the address; nothing when there is none (not an http(s) URL)."""
    return f"{before}{url}" if url else ""


def _cell(finding: TopicFinding, side: str) -> str:
    sentences = finding.sentences(side)
    if not sentences:
        return NO
    shown = [shorten(s, SENTENCE_LIMIT) for s in sentences[:SENTENCES_SHOWN]]
    more = len(sentences) - len(shown)
    return "\n".join([f"{YES} {shown[0]}", *shown[1:], *([f"(+{more} more)"] if more else [])])


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


# ---------------------------------------------------------------- alerts
def outbox_table(messages: list[Message], counts: Mapping[str, int]) -> Table:
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in (PENDING, SENT, FAILED))
    table = Table(title=f"Alert outbox: {summary}", title_justify="left")
    for column in ("id", "status", "type", "channel", "subject", "tries", "when", "reason"):
        table.add_column(column, overflow="fold")
    for message in messages:
        table.add_row(*_row(message))
    return table


def _row(message: Message) -> tuple[str, ...]:
    status = f"[{STYLES[message.status]}]{message.status}[/]"
    cells = (message.type, message.channel, shorten(message.subject, 40),
             str(message.attempts), _message_when(message), _reason(message))
    return (str(message.id), status, *(escape(cell) for cell in cells))


def _message_when(message: Message) -> str:
    if message.status == SENT and message.sent_at is not None:
        return f"sent {utc_text(message.sent_at)}"
    if message.status == PENDING:
        return f"due {utc_text(message.next_attempt_at)}"
    return f"created {utc_text(message.created_at)}"


def _reason(message: Message) -> str:
    if message.status == SENT:
        return "" if message.http_status is None else f"HTTP {message.http_status}"
    return message.last_error or ""


# ---------------------------------------------------------------- run --once (cron)
def once_failures(outcomes: Sequence[CrawlOutcome], delivery: DeliveryReport,
                  errors: Mapping[str, int]) -> str:
    """What went wrong in one cycle, as one line ("" when nothing did): cron mails what a job
    prints, so this line is how a failure reaches a person while the log goes to a file.
    It names the sources that failed and why, the alerts not delivered, the errors logged."""
    parts = (_failed_sources(outcomes), _undelivered(delivery), _errors_logged(errors))
    return " ".join("; ".join(part for part in parts if part).split())  # one line, always


def _failed_sources(outcomes: Sequence[CrawlOutcome]) -> str:
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if not failed:
        return ""
    named = ", ".join(f"{outcome.source_id} ({shorten(_why(outcome), SENTENCE_LIMIT)})"
                      for outcome in failed)
    return f"{len(failed)} of {len(outcomes)} sources failed: {named}"


def _why(outcome: CrawlOutcome) -> str:
    first = outcome.failures[0] if outcome.failures else ""
    return outcome.error or f"{outcome.parse_failures} parse failure(s), first {first}"


def _undelivered(delivery: DeliveryReport) -> str:
    missed = [*delivery.failed, *delivery.retrying]
    if not missed:
        return ""
    first = f"{missed[0].channel}: {shorten(missed[0].detail, SENTENCE_LIMIT)}"
    return (f"{len(missed)} alert(s) not delivered ({len(delivery.failed)} failed, "
            f"{len(delivery.retrying)} to retry; first {first})")


def _errors_logged(errors: Mapping[str, int]) -> str:
    total = sum(errors.values())
    return f"{total} error(s) logged ({', '.join(sorted(errors))})" if total else ""
