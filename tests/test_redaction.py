"""Every part of a secret URL stays out of every text Rashomon shows or keeps (issue 11, item
11): a 9-character token, Slack's T… and B… ids and a query value, echoed back by a failing
receiver on 127.0.0.1, reach no log line, no stored row and no command's output; the URL is
shown with its shape only (scheme, host, port, `***` for each part)."""

from __future__ import annotations

import base64
import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from alerts.channels.redaction import mask_url, redact
from rashomon.app import Rashomon
from rashomon.demo.receiver import Receiver, Reply
from rashomon.settings import load_settings
from rashomon.store import Store
from tests.test_alerts_support import analysis

TEAM, HOOK, TOKEN = "T0AB12CD3", "B0EF45GH6", "kq3xyz789"  # Slack's ids; a 9-character token
QUERY, PASSWORD = "s3cr3tv4l", "pw-9chars"  # a query value; an Apprise URL's password
SIGNING = "whsec_" + base64.b64encode(b"nine char").decode()
PIECES = (TEAM, HOOK, TOKEN, QUERY, PASSWORD, SIGNING, SIGNING.removeprefix("whsec_"))
VARIABLES = {"slack": "RASHOMON_TEST_SLACK_URL", "hook": "RASHOMON_TEST_HOOK_URL",
             "secret": "RASHOMON_TEST_HOOK_SECRET", "relay": "RASHOMON_TEST_RELAY_URL"}


def secret_urls(origin: str) -> dict[str, str]:
    """The channels' secrets, as the environment holds them."""
    host = origin.removeprefix("http://")
    return {VARIABLES["slack"]: f"{origin}/services/{TEAM}/{HOOK}/{TOKEN}",
            VARIABLES["hook"]: f"{origin}/hooks/{TOKEN}?token={QUERY}&v=2",
            VARIABLES["secret"]: SIGNING,
            VARIABLES["relay"]: f"json://desk:{PASSWORD}@{host}/relay/{TOKEN}"}


def echo() -> bytes:
    """What a chatty receiver answers: every piece, alone, in a path, percent-encoded."""
    return (f"no team {TEAM}; hook {HOOK} is disabled; token={TOKEN}&token={QUERY} refused; "
            f"you posted /services/{TEAM}/{HOOK}/{TOKEN} ({quote(f'{TEAM}/{HOOK}', safe='')}); "
            f"login desk:{PASSWORD}; key {SIGNING}").encode()


def user_file(tmp_path: Path) -> Path:
    off = "".join(f"[sources.{source}]\nenabled = false\n"
                  for source in load_settings(env={}).sources)
    channels = (
        f'[[alerts.channels]]\nname = "desk"\nkind = "slack"\nurl_env = "{VARIABLES["slack"]}"\n'
        f'[[alerts.channels]]\nname = "ops"\nkind = "webhook"\nurl_env = "{VARIABLES["hook"]}"\n'
        f'secret_env = "{VARIABLES["secret"]}"\n'
        f'[[alerts.channels]]\nname = "relay"\nkind = "apprise"\n'
        f'url_env = "{VARIABLES["relay"]}"\n')
    path = tmp_path / "rashomon.toml"
    path.write_text(f'[store]\nurl = "sqlite:///{tmp_path / "store.db"}"\n'
                    f"[alerts.retry]\nmax_attempts = 1\n{off}{channels}", encoding="utf-8")
    return path


def rashomon(config: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env, "RASHOMON_CONFIG": "", "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "rashomon", "--config", str(config), *args],
                          env=full, capture_output=True, text=True, timeout=120,
                          cwd=config.parent)


def test_no_piece_of_a_secret_url_reaches_a_log_a_row_or_an_output(tmp_path: Path) -> None:
    config = user_file(tmp_path)
    with Receiver(default=Reply(500, body=echo())) as receiver:
        env = secret_urls(receiver.url.removesuffix("/hook"))
        with Rashomon(load_settings(config, env=env)) as queued:
            assert queued.alerts.enqueue([analysis()]) == 3
        run = rashomon(config, env, "run", "--once", "--log-level", "DEBUG")
        listing = rashomon(config, env, "alerts")
        tests = [rashomon(config, env, "test-webhook", name) for name in ("desk", "ops", "relay")]
        posted = {request.path for request in receiver.requests}
    assert {f"/services/{TEAM}/{HOOK}/{TOKEN}", f"/hooks/{TOKEN}?token={QUERY}&v=2",
            f"/relay/{TOKEN}"} <= posted  # the secret URLs were used, and failed
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    rows = [str(dataclasses.asdict(message)) for message in store.outbox.messages()]
    store.close()
    assert run.returncode == 1 and len(rows) == 3
    assert all(done.returncode == 1 for done in tests)
    texts = {"log": run.stderr, "rows": "\n".join(rows), "alerts": listing.stdout,
             **{f"test-webhook {n}": t.stdout + t.stderr for n, t in enumerate(tests)}}
    for piece in PIECES:
        for where, text in texts.items():
            assert piece not in text, f"{piece} in {where}"
    assert "you posted /***/***/***/***" in texts["rows"]  # what was posted, by its shape
    assert "hook *** is disabled" in texts["test-webhook 0"]


@pytest.mark.parametrize(("url", "shown"), [
    ("https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/kq3xyz789",
     "https://hooks.slack.com/***/***/***/***"),
    ("https://example.org/hook?token=abc123&v=2#frag", "https://example.org/***?token=***&v=***#***"),
    ("mailtos://desk:pa55@smtp.example.org:465?to=desk@example.org",
     "mailtos://***:***@smtp.example.org:465?to=***"),
    ("tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-100123", "tgram://***/***"),
    ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "discord://***/***"),
    ("http://[::1]:8080/a", "http://[::1]:8080/***"),
    ("http://localhost:9000/", "http://localhost:9000/"),
])
def test_a_secret_url_keeps_its_shape(url: str, shown: str) -> None:
    assert mask_url(url) == shown
    assert redact(f"POST {url} failed", [url]) == f"POST {shown} failed"


def test_each_part_is_masked_wherever_it_stands_and_nothing_else() -> None:
    url = "https://hooks.example.org/v1/hook/T0AB12CD3/kq3?key=a%2Fb%2Fcdef"
    said = ("HTTP/1.1 404: webhook T0AB12CD3 unknown (teamT0AB12CD3x), hook kq3 gone, "
            "v1 is old, key a/b/cdef, hooks.example.org/v1/hook/T0AB12CD3")
    assert redact(said, [url]) == (
        "HTTP/1.1 404: webhook *** unknown (team***x), *** *** gone, v1 is old, key ***, "
        "hooks.example.org/v1/***/***")


def test_a_text_cut_short_inside_a_secret_is_masked_from_where_it_began() -> None:
    url = "https://hooks.example.org/hook/kq3xyz789"
    assert redact("HTTP 500: unknown token kq3x", [url]) == "HTTP 500: unknown token ***"
    assert redact("HTTP 500: unknown token kq", [url]) == "HTTP 500: unknown token kq"
    assert redact("HTTP 500: see the hookup", [url]) == "HTTP 500: see the hookup"
    assert redact("a whsec_abcd", [SIGNING]) == "a whsec_abcd"  # not a beginning of it


def test_a_signing_secret_is_masked_with_and_without_its_prefix() -> None:
    assert redact(f"bad key {SIGNING} ({SIGNING[6:]})", [SIGNING, SIGNING[6:]]) == (
        "bad key *** (***)")
