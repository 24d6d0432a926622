"""`rashomon demo`: everything offline, on the bundled sample site: crawl, analyse, alert.

It serves the sample site (the real page structures; one diverging call, one that does not
diverge, one reported by one side only, a press feed) and a webhook receiver on 127.0.0.1,
runs one full cycle into a temporary store with a Slack channel and a signed webhook channel
pointed at the receiver, prints what arrived, and runs a second cycle to show that nothing is
sent twice. Everything is built by the composition root (`rashomon.app`), as `rashomon run`
builds it, from settings written for the demo; the views are `rashomon.views`'.
"""

from __future__ import annotations

import base64
import hmac
import tempfile
from pathlib import Path

from rich.console import Console

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


def channels(receiver_url: str) -> str:
    return (f'[[alerts.channels]]\nname = "slack-demo"\nkind = "slack"\n'
            f'url = "{receiver_url}/slack"\n\n'
            f'[[alerts.channels]]\nname = "webhook-demo"\nkind = "webhook"\n'
            f'url = "{receiver_url}/webhook"\nsecret_env = "{SECRET_ENV}"\n')


def run_demo(console: Console) -> bool:
    """Run the demo; True when every step worked (the exit code of `rashomon demo`)."""
    with SampleSite() as site, Receiver() as receiver, tempfile.TemporaryDirectory() as tmp:
        settings = _settings(Path(tmp), site.origin, receiver.url)
        console.rule("[bold]Rashomon demo[/bold]: sample site at " + site.origin)
        with Rashomon(settings) as rashomon:
            first = rashomon.cycle.run(wait=5.0)
            _show_cycle(console, rashomon, first.outcomes, receiver.requests)
            sent = len(receiver.requests)
            second = rashomon.cycle.run(wait=5.0)
        repeated = len(receiver.requests) - sent
        console.rule("Second cycle")
        console.print(f"Crawled again (304s), analysed again: {repeated} new deliveries.")
    return first.ok and second.ok and repeated == 0


def _settings(folder: Path, origin: str, receiver_url: str) -> Settings:
    path = folder / "demo.toml"
    store_url = f"sqlite:///{folder / 'demo.db'}"
    path.write_text(sample_config(origin, store_url, extra=channels(receiver_url)),
                    encoding="utf-8")
    return load_settings(path, env={SECRET_ENV: SECRET})


def _show_cycle(console: Console, rashomon: Rashomon, outcomes: list[CrawlOutcome],
                received: list[Received]) -> None:
    console.rule("1. Collect: one crawl of every source")
    console.print(views.crawl_table(outcomes))
    console.rule("2. Analyse: the calls and how the accounts differ")
    console.print(views.calls_table(rashomon.calls.all(rashomon.clock())))
    console.rule(f"3. Deliver: {len(received)} requests reached the local receiver")
    for item in received:
        console.print(f"  POST {item.path} → {item.status}  {_title(item)}")
    _show_first(console, received, "/slack", "The Slack message (Block Kit)")
    _show_first(console, received, "/webhook", "The webhook payload (schema_version 1)")


def _show_first(console: Console, received: list[Received], suffix: str, title: str) -> None:
    item = next((r for r in received if r.path.endswith(suffix) and _is_divergence(r)), None)
    if item is None:
        return
    console.print(views.json_panel(title, item.json()))
    if suffix == "/webhook":
        console.print(f"Signature ({item.headers.get('webhook-signature', '')[:20]}…) verified "
                      f"with the shared secret: {'yes' if verify(item) else 'NO'}")


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
