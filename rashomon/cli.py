"""The command line, and Rashomon's one composition root.

Each command loads the settings once, builds what it needs (store → crawler → matcher →
alerts) and passes it in; nothing below this module reads globals or the environment.
A `RashomonError` becomes one line on stderr and its exit code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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
