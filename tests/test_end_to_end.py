"""The whole pipeline, as a user runs it: `rashomon run --once` against the sample site,
delivering to a real local webhook receiver. Nothing between the two is replaced.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rashomon.demo.receiver import Received, Receiver
from rashomon.demo.receiver import Reply as Answer
from rashomon.demo.server import SITE_ROOT, Reply, SampleSite
from rashomon.store import Store
from tests.sites import ENV, SECRET, site_settings, webhook

pytestmark = pytest.mark.slow

def rashomon(config: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rashomon", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=timeout, env=ENV)


def payloads(received: list[Received]) -> list[dict[str, Any]]:
    return [item.json() for item in received]


def verified(item: Received) -> bool:
    """Standard Webhooks verification, written here independently of alerts/signing.py."""
    key = base64.b64decode(SECRET[len("whsec_"):])
    message = (item.headers["webhook-id"] + "." + item.headers["webhook-timestamp"] + ".").encode()
    digest = hmac.new(key, message + item.body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode() in item.headers["webhook-signature"].split()


NO_READOUT_YET = ('<html><body><div id="list"><div class="item"><div class="tit">'
                  '<a href="https://english.news.cn/20220615/0f/c.html">Floods in Guangxi</a>'
                  '</div><div class="time">2022-06-15 18:00:00</div></div></div></body></html>')


def test_one_cycle_alerts_exactly_what_diverges_and_a_rerun_sends_nothing(
        site: SampleSite, receiver: Receiver, tmp_path: Path) -> None:
    _, config = site_settings(site, tmp_path, extra=webhook(receiver.url))
    first = rashomon(config, "run", "--once")
    assert first.returncode == 0, first.stderr
    bodies = payloads(receiver.requests)
    by_call = {body["call"]["id"]: body for body in bodies if "call" in body}
    assert sorted(by_call) == ["2022-02-25-putin-xi-phone", "2022-06-15-putin-xi-phone",
                               "2024-02-08-putin-xi-phone"]  # 2020-03-19 does not diverge
    assert len(bodies) == len(by_call) == 3  # one alert per call, no health noise

    birthday = by_call["2022-06-15-putin-xi-phone"]
    assert birthday["type"] == "divergence" and birthday["schema_version"] == 1
    assert {"military", "relations_level", "legitimacy"} <= set(birthday["only_in"]["RU"])
    assert {"xinjiang", "hong_kong", "taiwan", "global_initiatives"} <= set(
        birthday["only_in"]["CN"])
    assert {"RU", "CN"} == set(birthday["sides"])
    one_sided = by_call["2022-02-25-putin-xi-phone"]
    assert one_sided["type"] == "one_sided" and one_sided["one_sided"] is True
    assert all(verified(item) for item in receiver.requests)

    second = rashomon(config, "run", "--once")
    assert second.returncode == 0, second.stderr
    assert len(receiver.requests) == 3  # a re-run never re-sends


def test_the_second_account_arriving_later_sends_one_update(
        site: SampleSite, receiver: Receiver, tmp_path: Path) -> None:
    _, config = site_settings(site, tmp_path, extra=webhook(receiver.url))
    listings = ["/xinhua_en/list/china-politics.htm", "/xinhua_en/list/latestnews.htm"]
    originals = [(SITE_ROOT / path.lstrip("/")).read_bytes() for path in listings]
    for listing in listings:
        site.put(listing, NO_READOUT_YET)
    assert rashomon(config, "run", "--once").returncode == 0
    before = len(receiver.requests)
    for listing, original in zip(listings, originals, strict=True):
        site.put(listing, original)  # Xinhua's English readouts appear
    assert rashomon(config, "run", "--once").returncode == 0
    new = payloads(receiver.requests[before:])
    assert [(body["type"], body["call"]["id"]) for body in new] == [
        ("update", "2022-06-15-putin-xi-phone")]  # call B gains a page but still agrees
    assert any("Xi, Putin hold phone talks" in change for change in new[0]["changes"])
    assert rashomon(config, "run", "--once").returncode == 0
    assert len(receiver.requests) == before + len(new)  # and nothing after that


def test_killed_after_the_outbox_write_is_delivered_once_by_the_next_run(
        site: SampleSite, receiver: Receiver, tmp_path: Path) -> None:
    with _silent_server() as silent_url:
        lease = "[alerts]\nlease_seconds = 3.0\ntimeout = 1.0\nconnect_timeout = 1.0\n"
        settings, config = site_settings(site, tmp_path, extra=webhook(silent_url))
        config.write_text(config.read_text().replace("[alerts]\n", lease, 1))
        child = subprocess.Popen(
            [sys.executable, "-m", "rashomon", "--config", str(config), "run", "--once"],
            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        store = Store.open(settings.store.url)
        _wait_until(lambda: _outbox_rows(store) >= 3, timeout=120)
        child.send_signal(signal.SIGKILL)  # dies while the first send hangs, unanswered
        child.wait()
    config.write_text(config.read_text().replace(silent_url, receiver.url))
    time.sleep(3.2)  # the dead process's claim expires
    assert rashomon(config, "run", "--once").returncode == 0
    ids = [item.headers["webhook-id"] for item in receiver.requests]
    assert len(ids) == 3 and len(set(ids)) == 3  # each alert once
    assert rashomon(config, "run", "--once").returncode == 0
    assert len(receiver.requests) == 3


def test_a_source_broken_for_three_crawls_alerts_once_then_once_on_recovery(
        site: SampleSite, receiver: Receiver, tmp_path: Path) -> None:
    settings, config = site_settings(site, tmp_path, sources=["mfa_en"], press=[],
                                     extra=webhook(receiver.url, "types = []\n"))
    attempts = 1 + settings.crawl.max_retries  # Scrapy retries a 500 before giving up
    site.script("/mfa_en/eng/xw/zyxw/index.html", [Reply(500)] * (4 * attempts))
    results = [rashomon(config, "run", "--once").returncode for _ in range(4)]
    health = [b for b in payloads(receiver.requests) if b["type"] == "source_health"]
    assert results == [1, 1, 1, 1]
    assert [b["source"]["status"] for b in health] == ["failing"]  # once, after the third
    assert rashomon(config, "run", "--once").returncode == 0
    health = [b for b in payloads(receiver.requests) if b["type"] == "source_health"]
    assert [b["source"]["status"] for b in health] == ["failing", "recovered"]


def test_a_failing_channel_makes_run_once_exit_non_zero(
        site: SampleSite, receiver: Receiver, tmp_path: Path) -> None:
    _, config = site_settings(site, tmp_path, sources=["kremlin_en", "xinhua_en"], press=[],
                              extra=webhook(receiver.url))
    receiver.script(*[Answer(410)] * 10)
    result = rashomon(config, "run", "--once")
    assert result.returncode == 1
    listing = rashomon(config, "alerts")
    assert "failed" in listing.stdout and "gone" in listing.stdout
    assert SECRET not in listing.stdout + listing.stderr + result.stderr


def _outbox_rows(store: Store) -> int:
    return sum(store.outbox.counts().values())


def _wait_until(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


class _silent_server:
    """A TCP server that accepts connections and never answers: a send that hangs."""

    def __enter__(self) -> str:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.stop = threading.Event()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                self.conns.append(self.sock.accept()[0])
            except OSError:
                continue

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for conn in self.conns:
            conn.close()
        self.sock.close()


def demo(folder: Path, *options: str, env: dict[str, str] = ENV) -> str:
    result = subprocess.run([sys.executable, "-m", "rashomon", "demo", "--dir", str(folder),
                             *options], capture_output=True, text=True, timeout=180, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_demo_shows_what_a_person_gets_and_leaves_a_folder_to_explore(
        tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    out = demo(folder)
    # the alert as the stdout channel prints it: each sentence once, press by name, a link
    alert = out.split("3. Alert")[1].split("4. One call side by side")[0]
    headline = ("[divergence] Vladimir Putin–Xi Jinping phone call of 2022-06-15: "
                "the accounts diverge on 12 topics")
    assert headline in alert and "Only Beijing:" in alert and "Only Moscow:" in alert
    assert alert.count("坚决反对任何势力借") == 1 and "*涉港*" in alert
    assert "The Example Post" in alert and "press_demo" not in alert
    page = folder / "report" / "calls" / "2022-06-15-putin-xi-phone.html"
    assert f"Report: the two accounts side by side <{page.as_uri()}>" in alert
    # `rashomon show` of the diverging call, and the report the cycle wrote
    shown = out.split("rashomon show 2022-06-15-putin-xi-phone")[1]
    assert "The accounts diverge on 12 topics" in shown and "Sanctions" in shown
    assert str(folder / "report" / "index.html") in out and page.is_file()
    # deliveries summed up, not dumped; nothing sent twice
    assert "Webhook signatures verified with the shared secret: 3 of 3" in out
    assert '"blocks"' not in out and '"schema_version"' not in out
    assert "0 new deliveries" in out
    # the folder it names can be explored with the other commands
    store = f"sqlite:///{folder / 'rashomon.db'}"
    assert f"rashomon --store {store} calls" in out
    listed = subprocess.run([sys.executable, "-m", "rashomon", "--store", store, "calls",
                             "--json"], capture_output=True, text=True, timeout=60, env=ENV)
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 4


def test_the_demo_prints_the_raw_payloads_only_when_verbose(tmp_path: Path) -> None:
    piped = {name: value for name, value in ENV.items() if name != "COLUMNS"}
    out = demo(tmp_path / "demo", "--verbose", env=piped)  # to a pipe: no terminal width
    frames = [line for line in out.splitlines() if line.startswith(("───", "╭", "╰"))]
    assert frames and all(len(line) <= 100 for line in frames)  # rules, panels: not 10,000
    assert "The Slack message (Block Kit)" in out and '"blocks"' in out
    assert "The webhook payload (schema_version 1)" in out and '"only_in"' in out
