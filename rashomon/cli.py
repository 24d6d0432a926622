"""The command line: parse the arguments, load the settings once, let the composition root
(`rashomon.app.Rashomon`) build what the command needs, and print it with `rashomon.views`.

A `RashomonError` becomes one line on stderr and its exit code. Nothing imports this module.
Each command imports what it uses when it runs: `rashomon diff` needs neither the store nor
Scrapy nor the alert channels, and a command-line tool should answer before a person waits.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rashomon.app import Rashomon
from rashomon.errors import ConfigError, DeliveryError, RashomonError, ReportError
from rashomon.settings import load_settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rich.console import Console

    from rashomon.daemon import CycleReport
    from rashomon.models import EntryPoint

# Plain help (no rich markup): flags show as flags, and "[[alerts.channels]]" stays as written.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="Compare two governments' readouts of the same leader call.")


STORE_MAKERS = ("crawl", "run", "backfill")  # every other command only reads a store that exists


PIPED_WIDTH = 10_000  # output to a pipe or a file is not wrapped at 80 columns


def console(stderr: bool = False) -> Console:
    """The terminal, made where a command prints (importing rich costs `rashomon diff --json`
    time); it takes its width from the terminal, or from `COLUMNS`, when it is made. Printed to
    a pipe or a file, a line is as long as its content."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    wide = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(stderr=stderr, width=PIPED_WIDTH if wide else None)


def show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"rashomon {version('rashomon')}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Your TOML file, deep-merged over the defaults "
        "(default: $RASHOMON_CONFIG).", dir_okay=False)] = None,
    store_url: Annotated[str | None, typer.Option(
        "--store", help="Store URL (overrides the configured store url).")] = None,
    _version: Annotated[bool, typer.Option(
        "--version", callback=show_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    overrides = {"store": {"url": store_url}} if store_url else {}
    creates = ctx.invoked_subcommand in STORE_MAKERS
    ctx.obj = Rashomon(load_settings(config, overrides=overrides), create_store=creates)
    ctx.call_on_close(ctx.obj.close)


# ---------------------------------------------------------------- collect (crawler)
@app.command()
def crawl(
    ctx: typer.Context,
    source_ids: Annotated[list[str] | None, typer.Argument(
        metavar="[SOURCE_ID]...", help="Sources to crawl (default: every enabled one).")] = None,
) -> None:
    """Crawl the sources once and print what each one gave; exit 1 if a source failed."""
    from rashomon import views

    rashomon: Rashomon = ctx.obj
    ids = source_ids or [source.id for source in rashomon.settings.enabled_sources()]
    outcomes = rashomon.crawler.run(ids)
    console().print(views.crawl_table(outcomes, configured_addresses(rashomon, ids)))
    if not all(outcome.ok for outcome in outcomes):
        raise typer.Exit(1)


@app.command()
def sources(ctx: typer.Context) -> None:
    """Every configured source with its last success, document count and last failure."""
    from rashomon import views

    rashomon: Rashomon = ctx.obj
    sources, store = rashomon.settings.sources, rashomon.store
    history = {source_id: store.crawls.outcomes(source_id=source_id, limit=50)
               for source_id in sources}
    addresses = configured_addresses(rashomon, list(sources))
    console().print(views.sources_table(sources.values(), history, store.documents.counts(),
                                        addresses))


def configured_addresses(rashomon: Rashomon, source_ids: list[str]
                         ) -> dict[str, list[EntryPoint]]:
    """The recorded states of each source's currently configured addresses."""
    found: dict[str, list[EntryPoint]] = {}
    for source_id in source_ids:
        configured = set(rashomon.crawler.source(source_id).entry_points())
        found[source_id] = [state for state in rashomon.store.entry_points.states(source_id)
                            if state.url in configured]
    return found


@app.command()
def backfill(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(help="The source whose archive to walk.")],
    since: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"],
                                            help="Oldest publication date to collect.")],
) -> None:
    """Walk a source's archive back to SINCE; Ctrl-C stops it, running it again resumes."""
    from rashomon import views

    rashomon: Rashomon = ctx.obj
    rashomon.crawler.check_backfill(source_id)
    with views.backfill_progress(since.date(), rashomon.clock().date()) as on_event:
        outcome = rashomon.crawler.backfill(source_id, since.date(), on_event)
    console().print(views.crawl_table([outcome], configured_addresses(rashomon, [source_id])))
    if not outcome.ok:
        raise typer.Exit(1)


# ---------------------------------------------------------------- analyse (matcher, divergence)
@app.command("calls")
def calls_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array of calls.")] = False,
) -> None:
    """Leader calls: date, type, participants, sides present, divergences, one-sided."""
    from rashomon import views

    rashomon: Rashomon = ctx.obj
    now = rashomon.clock()
    rashomon.calls.update(now)
    analyses = rashomon.calls.all(now)
    if as_json:
        typer.echo(views.dumps([views.call_json(a) for a in analyses]))
    else:
        console().print(views.calls_table(analyses))


@app.command("show")
def show_command(
    ctx: typer.Context,
    call_id: Annotated[str, typer.Argument()],
    as_json: Annotated[bool, typer.Option(
        "--json", help="The call's view model, the object its report page is drawn from.")
    ] = False,
) -> None:
    """One call side by side: per topic ✓/✗ with the evidence, framing, press links."""
    from rashomon import views

    rashomon: Rashomon = ctx.obj
    now = rashomon.clock()
    rashomon.calls.update(now)
    model = rashomon.report.call_view(rashomon.calls.analyse(call_id, now))
    if as_json:
        typer.echo(views.dumps(model))
    else:
        console().print(views.call_view(model))


@app.command("report")
def report_command(
    ctx: typer.Context,
    call_ids: Annotated[list[str] | None, typer.Argument(
        metavar="[CALL_ID]...", help="The calls to include (default: every call).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", file_okay=False, help="The folder to write (default: [report] dir).")] = None,
) -> None:
    """Write the static HTML report: DIR/index.html and one page per call, side by side."""
    rashomon: Rashomon = ctx.obj
    folder = out or rashomon.settings.report.directory
    if folder is None:
        raise ConfigError("rashomon report: give --out DIR (or set [report] dir)")
    now = rashomon.clock()
    rashomon.calls.update(now)
    analyses = ([rashomon.calls.analyse(call_id, now) for call_id in call_ids] if call_ids
                else rashomon.calls.all(now))
    try:
        if call_ids:
            rashomon.report.write(folder, analyses)
        else:
            rashomon.report.publish(folder, analyses)  # and remove pages of calls now gone
    except OSError as exc:
        raise ReportError(f"cannot write the report in {folder}: {exc.strerror or exc}") from None
    console().print(f"{len(analyses)} call page(s) and the index written: "
                    f"{(folder / 'index.html').resolve()}", highlight=False, markup=False)


@app.command("diff")
def diff_command(
    ctx: typer.Context,
    a: Annotated[Path, typer.Argument(help="Account A (.txt, .md or .html).")],
    b: Annotated[Path, typer.Argument(help="Account B (.txt, .md or .html).")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Compare two accounts given as files, by topic (no store needed)."""
    from rashomon.analysis import diff

    comparison = diff.compare_files(a, b, ctx.obj.settings)
    if as_json:
        typer.echo(json.dumps(comparison.to_json(), ensure_ascii=False))
        return
    from rashomon import views

    console().print(views.diff_view(comparison))


# ---------------------------------------------------------------- deliver (alerts)
alerts_app = typer.Typer(rich_markup_mode=None,
                         help="The alert outbox: what was sent, what waits, what failed.")


class Status(StrEnum):
    """An alert's state in the outbox."""

    pending = "pending"
    sent = "sent"
    failed = "failed"
app.add_typer(alerts_app, name="alerts")


@alerts_app.callback(invoke_without_command=True)
def alerts_list(
    ctx: typer.Context,
    status: Annotated[Status | None, typer.Option(
        help="Only alerts with this status.")] = None,
    limit: Annotated[int, typer.Option(help="How many alerts to show, newest first.")] = 50,
) -> None:
    """List the outbox: pending, sent and failed alerts, with the reasons of failures."""
    if ctx.invoked_subcommand is not None:
        return
    from rashomon import views

    outbox = ctx.obj.store.outbox
    wanted = status.value if status is not None else None
    console().print(views.outbox_table(outbox.messages(wanted, limit), outbox.counts()))


@alerts_app.command("retry")
def alerts_retry(
    ctx: typer.Context,
    message_id: Annotated[int | None, typer.Argument(
        metavar="[ID]", help="The failed alert to re-queue (default: every failed one).")] = None,
) -> None:
    """Put failed alerts back in the queue; the next delivery sends them."""
    rashomon: Rashomon = ctx.obj
    count = rashomon.store.outbox.requeue(rashomon.clock(), message_id)
    console().print(f"{count} failed alert(s) re-queued")
    if message_id is not None and count == 0:
        console(stderr=True).print(f"rashomon: no failed alert with id {message_id}")
        raise typer.Exit(1)


@app.command("test-webhook")
def test_webhook(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The channel name from [[alerts.channels]].")],
) -> None:
    """Send a test message to channel NAME now and report the real HTTP outcome."""
    try:
        sent = ctx.obj.send_test(name)
    except DeliveryError as exc:
        console(stderr=True).print(f"{name}: not delivered: {exc}", highlight=False,
                                   markup=False)
        raise typer.Exit(1) from None
    console().print(f"{name}: delivered ({sent.detail})", highlight=False, markup=False)


# ---------------------------------------------------------------- daemon (run, demo)
LogFormat = Annotated[str, typer.Option("--log-format", help="text, or json for log shippers.")]
LogLevel = Annotated[str, typer.Option("--log-level", help="DEBUG, INFO, WARNING or ERROR.")]
ONCE_WAIT = 30.0  # seconds `run --once` waits for retries that come due (a short Retry-After)


@app.command()
def run(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One full cycle, then exit (cron).")] = False,
    log_format: LogFormat = "text",
    log_level: LogLevel = "INFO",
    log_file: Annotated[Path | None, typer.Option(
        "--log-file", help="Append the log to this file, not stderr. With --once (cron), "
        "stderr then gets one line, and only when something failed.")] = None,
) -> None:
    """Run the daemon: crawl on schedule, analyse, alert. With --once: one cycle, for cron."""
    from rashomon.daemon import run_once
    from rashomon.logs import setup_logging

    tally = setup_logging(log_format, log_level, log_file)
    rashomon: Rashomon = ctx.obj
    if once:
        report = run_once(rashomon.cycle, rashomon.lock(), wait=ONCE_WAIT)
        raise typer.Exit(once_summary(report, tally.counts, log_file))
    rashomon.daemon().run()


def once_summary(report: CycleReport, errors: Mapping[str, int], log_file: Path | None
                 ) -> int:
    """The exit code of `run --once`: 0 when the cycle went well, printing nothing (cron mails
    any output); else 1, after one line on stderr saying what failed and where the log is."""
    from rashomon import views

    failures = views.once_failures(report.outcomes, report.delivery, errors)
    if not failures and report.ok:
        return 0
    log = f"; the log: {log_file}" if log_file is not None else ""
    typer.echo(f"rashomon run --once: {failures or 'failed'}{log}", err=True)
    return 1


@app.command()
def demo(
    folder: Annotated[Path, typer.Option(
        "--dir", file_okay=False, help="Where the demo keeps its store and report.")
    ] = Path("var/demo"),
    verbose: Annotated[bool, typer.Option(
        "--verbose", help="Also print the Slack message and the webhook payload.")] = False,
    log_level: LogLevel = "WARNING",
) -> None:
    """Everything offline: sample site → crawl → analysis → alerts, `show`, the report."""
    from rashomon.demo.run import run_demo
    from rashomon.logs import setup_logging

    setup_logging("text", log_level)
    if not run_demo(console(), folder, verbose):
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the `rashomon` script: errors we expect become one line and an exit code."""
    try:
        app()  # standalone: usage errors and typer.Exit end the process here
    except RashomonError as exc:
        console(stderr=True).print(f"rashomon: error: {exc}", style="red", highlight=False,
                                   soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        console(stderr=True).print("rashomon: interrupted")
        sys.exit(130)
