"""The command line, and Rashomon's one composition root.

Each command loads the settings once, builds what it needs (store → crawler → matcher →
alerts) and passes it in; nothing below this module reads globals or the environment.
A `RashomonError` becomes one line on stderr and its exit code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from rashomon import views
from rashomon.backfill import BACKFILL_TIMEOUT, backfill_progress
from rashomon.crawl import run_crawl
from rashomon.errors import RashomonError
from rashomon.settings import Settings, load_settings
from rashomon.store import Store

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Compare two governments' readouts of the same leader call.")
console = Console()
err_console = Console(stderr=True)


@dataclass
class Context:
    """What every command gets: the loaded settings, and the store opened on first use."""

    settings: Settings
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.settings.store.url)
        return self._store


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", envvar="RASHOMON_CONFIG", help="Your TOML file, deep-merged over the defaults.",
        dir_okay=False)] = None,
    store_url: Annotated[str | None, typer.Option(
        "--store", help="Store URL (overrides [store] url).")] = None,
) -> None:
    overrides = {"store": {"url": store_url}} if store_url else {}
    ctx.obj = Context(load_settings(config, overrides=overrides))


# ---------------------------------------------------------------- collect (crawler)
@app.command()
def crawl(
    ctx: typer.Context,
    source_ids: Annotated[list[str] | None, typer.Argument(
        metavar="[SOURCE_ID]...", help="Sources to crawl (default: every enabled one).")] = None,
) -> None:
    """Crawl the sources once and print what each one gave; exit 1 if a source failed."""
    settings, store = ctx.obj.settings, ctx.obj.store
    ids = source_ids or [source.id for source in settings.enabled_sources()]
    outcomes = run_crawl(settings, store, ids)
    console.print(views.crawl_table(outcomes))
    if not all(outcome.ok for outcome in outcomes):
        raise typer.Exit(1)


@app.command()
def sources(ctx: typer.Context) -> None:
    """Every configured source with its last success, document count and last failure."""
    settings, store = ctx.obj.settings, ctx.obj.store
    history = {source_id: store.crawls(source_id=source_id, limit=50)
               for source_id in settings.sources}
    console.print(views.sources_table(settings.sources.values(), history,
                                      store.document_counts()))


@app.command()
def backfill(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(help="The source whose archive to walk.")],
    since: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"],
                                            help="Oldest publication date to collect.")],
) -> None:
    """Walk a source's archive back to SINCE; Ctrl-C stops it, running it again resumes."""
    settings, store = ctx.obj.settings, ctx.obj.store
    with backfill_progress(since.date()) as on_event:
        outcomes = run_crawl(settings, store, [source_id], mode="backfill", since=since.date(),
                             on_event=on_event, timeout=BACKFILL_TIMEOUT)
    console.print(views.crawl_table(outcomes))
    if not outcomes[0].ok:
        raise typer.Exit(1)


# ---------------------------------------------------------------- analyse (matcher, divergence)


# ---------------------------------------------------------------- deliver (alerts)


# ---------------------------------------------------------------- daemon (run, demo)


def main() -> None:
    """Entry point of the `rashomon` script: errors we expect become one line and an exit code."""
    try:
        app()  # standalone: usage errors and typer.Exit end the process here
    except RashomonError as exc:
        err_console.print(f"rashomon: error: {exc}", style="red", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("rashomon: interrupted")
        sys.exit(130)
