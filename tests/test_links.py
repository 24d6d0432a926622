"""Only http(s) links leave the system (issue 11, item 13). A press feed served on 127.0.0.1
carries `javascript:` and `data:` links; `rashomon run --once` crawls it with the sample site
and alerts to a webhook, Slack, stdout and e-mail (real local receivers), with the HTML report
kept: none of them, nor `rashomon show`, gets such a link, and the pieces still show by title.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rashomon.demo.receiver import Receiver
from rashomon.demo.server import SITE_ROOT, SampleSite
from rashomon.http import web_link
from tests.sites import ENV, site_settings, webhook
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.slow

CALL = "2022-06-15-putin-xi-phone"
FEED = "/press_demo/rss.xml"
SCRIPT = "javascript:alert(document.cookie)"
DATA = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
LINKS = {  # the two pieces about the call, as the sample feed has them, and what replaces them
    "https://news.example.org/world/2022/jun/17/xi-putin-call-two-readouts": SCRIPT,
    "https://news.example.org/world/2022/jun/15/xi-putin-phone-call-birthday": DATA,
}
BAD = ("javascript:", "data:text")


def hostile_feed() -> str:
    feed = (SITE_ROOT / "press_demo" / "rss.xml").read_text(encoding="utf-8")
    for real, hostile in LINKS.items():
        assert real in feed
        feed = feed.replace(real, hostile)
    return feed


def channels(hook: str, slack: str) -> str:
    return (webhook(hook) + f'[[alerts.channels]]\nname = "desk"\nkind = "slack"\nurl = "{slack}"\n'
            '[[alerts.channels]]\nname = "out"\nkind = "stdout"\n'
            '[[alerts.channels]]\nname = "mail"\nkind = "apprise"\n'
            'url_env = "RASHOMON_TEST_MAIL_URL"\n')


def test_javascript_and_data_links_from_a_press_feed_reach_no_channel_and_no_report(
        site: SampleSite, receiver: Receiver, tmp_path: Path) -> None:
    site.put(FEED, hostile_feed())
    report = tmp_path / "report"
    with Receiver() as slack, SmtpServer() as mail:
        extra = channels(receiver.url, slack.url) + f'[report]\ndir = "{report}"\n'
        _, config = site_settings(site, tmp_path, extra=extra)
        env = {**ENV, "RASHOMON_TEST_MAIL_URL": f"mailto://127.0.0.1:{mail.port}"
                                                 "?from=rashomon@example.org&to=desk@example.org"}
        command = [sys.executable, "-m", "rashomon", "--config", str(config)]
        run = subprocess.run([*command, "run", "--once"], env=env, capture_output=True,
                             text=True, timeout=180)
        assert run.returncode == 0, run.stderr
        show = subprocess.run([*command, "show", CALL, "--json"], env=env, capture_output=True,
                              text=True, timeout=60)
        assert show.returncode == 0, show.stderr
        hook_bodies = [item.body.decode() for item in receiver.requests]
        slack_bodies = [item.body.decode() for item in slack.requests]
        mails = [message.as_string() for message in mail.messages]
    pages = [path.read_text(encoding="utf-8") for path in sorted(report.rglob("*.html"))]
    everything = {"webhook": hook_bodies, "slack": slack_bodies, "stdout": [run.stdout],
                  "e-mail": mails, "report": pages, "show --json": [show.stdout]}
    for where, texts in everything.items():
        assert texts, where  # each of them got something
        for text in texts:
            assert not any(bad in text.lower() for bad in BAD), f"{where}: {text[:2000]}"
    assert not any("<|" in body for body in slack_bodies)  # no empty Slack link either
    assert not any('href=""' in text for text in [*pages, *mails])
    [birthday] = [json.loads(body) for body in hook_bodies if CALL in body]
    press = {item["title"]: item["url"] for item in birthday["press"]}
    assert press["Two readouts of one call: what Moscow and Beijing each left out"] == ""
    assert "Two readouts of one call" in run.stdout  # the piece is still there, unlinked
    pieces = json.loads(show.stdout)["press"]
    assert {item["url"] for item in pieces if "Two readouts" in item["title"]} == {""}


@pytest.mark.parametrize(("url", "kept"), [
    ("https://example.org/a?b=c#d", True), ("http://127.0.0.1:8080/x", True),
    ("HTTPS://EXAMPLE.ORG/", True), (SCRIPT, False), (DATA, False),
    ("JavaScript:alert(1)", False), ("java\tscript:alert(1)", False),
    (" javascript:alert(1)", False), ("\x01javascript:alert(1)", False),
    ("vbscript:msgbox(1)", False), ("file:///etc/passwd", False), ("//evil.example/x", False),
    ("/relative/path", False), ("mailto:desk@example.org", False), ("https://", False),
    ("http://[::1", False), ("", False),
])
def test_web_link_keeps_http_urls_with_a_host_and_nothing_else(url: str, kept: bool) -> None:
    assert web_link(url) == (url if kept else "")
