"""`rashomon demo`: what a person gets, offline, on the bundled sample site.

It serves the sample site (the real page structures; a diverging call, one that does not
diverge, one reported by one side only, a press feed) and a webhook receiver on 127.0.0.1, and
runs one full cycle, as `rashomon run --once` does, into a folder it names (`var/demo` unless
told): the store `rashomon.db` and the report `report/`. Alerts go to stdout, to a Slack
channel and to a signed webhook, the last two pointed at the receiver. It then shows the alerts
as stdout prints them, `rashomon show` of the diverging call, the report's path, and what the
receiver got (the raw Slack and webhook bodies only with `verbose`); a second cycle shows that
nothing is sent twice. The folder stays, so the other commands can explore it afterwards.

Everything is built by the composition root (`rashomon.app`) from settings written for the
demo; the views are `rashomon.views`'.
"""

from __future__ import annotations

import base64
import hmac
import io
import shutil
from pathlib import Path

from rich.console import Console, RenderableType
from rich.rule import Rule

from alerts.signing import signature, signing_key
from rashomon import views
from rashomon.app import Rashomon
from rashomon.demo.receiver import Received, Receiver
from rashomon.demo.sample import sample_config
from rashomon.demo.server import SampleSite
from rashomon.models import CrawlOutcome
from rashomon.settings import Settings, load_settings

SECRET_ENV = "RASHOMON_DEMO_SECRET"
SECRET = "whsec_" + base64.b64encode(b"rashomon demo secret: not for production").decode()
DEFAULT_FOLDER = Path("var/demo")
SHOWN_CALL = "2022-06-15-putin-xi-phone"  # the sample site's diverging call
MADE = ("rashomon.db", "rashomon.db-wal", "rashomon.db-shm", "rashomon.toml", "report")
FRAME_WIDTH = 100  # columns of a rule or a frame at most


def channels(receiver_url: str) -> str:
    return ('[[alerts.channels]]\nname = "stdout"\nkind = "stdout"\n\n'
            f'[[alerts.channels]]\nname = "slack-demo"\nkind = "slack"\n'
            f'url = "{receiver_url}/slack"\n\n'
            f'[[alerts.channels]]\nname = "webhook-demo"\nkind = "webhook"\n'
            f'url = "{receiver_url}/webhook"\nsecret_env = "{SECRET_ENV}"\n')


def report_table(folder: Path) -> str:
    report = (folder / "report").resolve()
    return f'[report]\ndir = "{report}"\nbase_url = "{report.as_uri()}/"\n'


def run_demo(console: Console, folder: Path = DEFAULT_FOLDER, verbose: bool = False) -> bool:
    """Run the demo in `folder`; True when every step worked (the exit code of `rashomon demo`)."""
    folder = folder.resolve()
    fresh(folder)
    printed = io.StringIO()  # the stdout channel, shown in its place below
    with SampleSite() as site, Receiver() as receiver:
        settings = _settings(folder, site.origin, receiver.url)
        heading(console, "[bold]Rashomon demo[/bold]: the sample site at " + site.origin)
        with Rashomon(settings, stream=printed) as rashomon:
            first = rashomon.cycle.run(wait=5.0)
            _show_cycle(console, rashomon, first.outcomes, printed.getvalue())
            _show_delivery(console, receiver.requests, verbose)
            sent = len(receiver.requests) + printed.getvalue().count("\n[")
            second = rashomon.cycle.run(wait=5.0)
        repeated = len(receiver.requests) + printed.getvalue().count("\n[") - sent
        heading(console, "6. A second cycle")
        console.print(f"Crawled again (304s), analysed again: {repeated} new deliveries.")
    _show_explore(console, folder, settings)
    return first.ok and second.ok and repeated == 0


def fresh(folder: Path) -> None:
    """Start from an empty store and report: remove what an earlier demo made, nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in MADE:
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _settings(folder: Path, origin: str, receiver_url: str) -> Settings:
    path = folder / "rashomon.toml"
    store_url = f"sqlite:///{folder / 'rashomon.db'}"
    extra = channels(receiver_url) + "\n" + report_table(folder)
    path.write_text(sample_config(origin, store_url, extra=extra), encoding="utf-8")
    return load_settings(path, env={SECRET_ENV: SECRET})


def _show_cycle(console: Console, rashomon: Rashomon, outcomes: list[CrawlOutcome],
                printed: str) -> None:
    heading(console, "1. Collect: one crawl of every source")
    console.print(views.crawl_table(outcomes))
    heading(console, "2. Analyse: the calls and how the accounts differ")
    console.print(views.calls_table(rashomon.calls.all(rashomon.clock())))
    heading(console, "3. Alert: what the stdout channel printed")
    console.print(printed.rstrip(), highlight=False, markup=False, soft_wrap=True)
    heading(console, f"4. One call side by side: rashomon show {SHOWN_CALL}")
    now = rashomon.clock()
    console.print(views.call_view(rashomon.report.call_view(rashomon.calls.analyse(SHOWN_CALL,
                                                                                   now))))
    folder = rashomon.settings.report.directory
    if folder is not None:
        heading(console, "5. The report, written by the cycle")
        console.print(f"Open {(folder / 'index.html')} in a browser; this call's page is "
                      f"{folder / 'calls' / (SHOWN_CALL + '.html')}", highlight=False,
                      markup=False, soft_wrap=True)


def _show_delivery(console: Console, received: list[Received], verbose: bool) -> None:
    signed = [item for item in received if item.path.endswith("/webhook")]
    good = sum(verify(item) for item in signed)
    heading(console, f"Slack and the webhook: {len(received)} requests reached the local receiver")
    for item in received:
        console.print(f"  POST {item.path} → {item.status}  {_title(item)}", highlight=False,
                      markup=False)
    console.print(f"Webhook signatures verified with the shared secret: {good} of {len(signed)}")
    if verbose:
        _show_first(console, received, "/slack", "The Slack message (Block Kit)")
        _show_first(console, received, "/webhook", "The webhook payload (schema_version 1)")
    else:
        console.print("(rashomon demo --verbose prints the Slack message and the webhook payload)")


def _show_explore(console: Console, folder: Path, settings: Settings) -> None:
    store = settings.store.url
    heading(console, "Explore")
    console.print(
        f"The store and the report stay in {folder}. Try:\n"
        f"  rashomon --store {store} calls\n"
        f"  rashomon --store {store} show {SHOWN_CALL}\n"
        f"  rashomon --store {store} show --json {SHOWN_CALL}\n"
        f"  rashomon --store {store} report --out {folder / 'report'}\n"
        f"  xdg-open {folder / 'report' / 'index.html'}", highlight=False, markup=False,
        soft_wrap=True)


def _show_first(console: Console, received: list[Received], suffix: str, title: str) -> None:
    item = next((r for r in received if r.path.endswith(suffix) and _is_divergence(r)), None)
    if item is not None:
        framed(console, views.json_panel(title, item.json()))


def _is_divergence(item: Received) -> bool:
    body = item.json()
    return body.get("type") == "divergence" or "diverge" in str(body.get("text", ""))


def _title(item: Received) -> str:
    body = item.json()
    return str(body.get("headline") or body.get("text") or "")[:100]


def verify(item: Received) -> bool:
    """Standard Webhooks verification of a received request with the shared secret."""
    expected = signature(signing_key(SECRET), item.headers["webhook-id"],
                         int(item.headers["webhook-timestamp"]), item.body)
    return any(hmac.compare_digest(expected, s) for s in item.headers["webhook-signature"].split())


def heading(console: Console, title: str) -> None:
    """A section's heading: a rule with its title."""
    framed(console, Rule(title))


def framed(console: Console, renderable: RenderableType) -> None:
    """A rule or a frame, as wide as the terminal but never wider than `FRAME_WIDTH` (printed
    to a file or a pipe, the console is not wrapped, and a frame would take all of its width)."""
    console.print(renderable, width=min(console.width, FRAME_WIDTH))
