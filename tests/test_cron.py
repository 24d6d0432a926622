"""The cron line as shipped (issue 11, item 14): cron mails what a job prints and ignores its
exit status, so `deploy/crontab`'s command must print one line when something failed and
nothing when all went well, while the structured log goes to its file.

The test takes the line from `deploy/crontab`, puts this checkout's paths where the deployed
ones are, and runs it with `sh -c` and the environment cron gives a job (the crontab's own
`NAME=value` lines, HOME, LOGNAME, SHELL, a bare PATH), against the sample site on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from alerts.delivery import Attempt, DeliveryReport
from rashomon import views
from rashomon.demo.server import SITE_ROOT, SampleSite
from tests.sites import ENV, broken_source, site_settings

pytestmark = pytest.mark.slow

CRONTAB = Path(__file__).parent.parent / "deploy" / "crontab"
SCHEDULE = re.compile(r"^(\S+\s+){5}(?P<command>.+)$")
SETTING = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*)$")


def cron_job() -> tuple[dict[str, str], str]:
    """The crontab's environment lines and its one job's command."""
    settings: dict[str, str] = {}
    commands = []
    for line in CRONTAB.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if setting := SETTING.match(line):
            settings[setting["name"]] = setting["value"].strip().strip("\"'")
        elif job := SCHEDULE.match(line):
            commands.append(job["command"])
    assert len(commands) == 1, commands
    return settings, commands[0]


def deployed_here(text: str, tmp_path: Path, config: Path) -> str:
    """`text` with the deployed paths replaced by this test's: the code (whose .venv is this
    venv), the config and secrets, the state directory and the log folder."""
    places = {"/opt/rashomon": tmp_path / "opt", "/etc/rashomon/rashomon.toml": config,
              "/etc/rashomon": tmp_path / "etc", "/var/lib/rashomon": tmp_path / "state",
              "/var/log/rashomon": tmp_path / "log"}
    for deployed in sorted(places, key=len, reverse=True):
        text = text.replace(deployed, str(places[deployed]))
    return text


def lay_out(tmp_path: Path) -> None:
    """The folders the deployment has: code with its venv, config with secrets, state, logs."""
    (tmp_path / "opt").mkdir()
    (tmp_path / "opt" / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "env").write_text("RASHOMON_UNUSED_SECRET=not-used\n")
    (tmp_path / "state").mkdir()
    (tmp_path / "log").mkdir()


def run_as_cron(tmp_path: Path, config: Path) -> tuple[str, int]:
    """Run the crontab's command as cron would; what it prints is what cron mails."""
    settings, command = cron_job()
    env = {"HOME": str(tmp_path), "LOGNAME": "rashomon", "SHELL": "/bin/sh",
           "PATH": "/usr/bin:/bin"}
    env |= {name: deployed_here(value, tmp_path, config) for name, value in settings.items()}
    done = subprocess.run(["/bin/sh", "-c", deployed_here(command, tmp_path, config)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                          cwd=tmp_path, timeout=300)
    return done.stdout, done.returncode


def log_file(tmp_path: Path) -> Path:
    logs = list((tmp_path / "log").iterdir())
    assert len(logs) == 1, logs  # the log went to the deployed log folder, and only there
    return logs[0]


def test_cron_mails_one_line_naming_the_failing_source_and_nothing_when_all_is_well(
        site: SampleSite, tmp_path: Path) -> None:
    lay_out(tmp_path)
    dead = broken_source("dead", "press", site.origin, '{ feed = "/rss.xml" }')
    _, config = site_settings(site, tmp_path, sources=["mfa_en"], press=[], extra=dead)

    mail, code = run_as_cron(tmp_path, config)
    assert len(mail.splitlines()) == 1, mail
    assert "dead" in mail and "1 of 2 sources failed" in mail and "HTTP 404" in mail
    assert "mfa_en" not in mail
    assert code == 1
    events = [json.loads(line) for line in log_file(tmp_path).read_text().splitlines()]
    crawls = {event["source"]: event for event in events if event["event"] == "crawl"}
    assert crawls["mfa_en"]["result"] == "ok" and crawls["mfa_en"]["stored"] > 0
    assert "HTTP 404" in crawls["dead"]["result"]
    assert [event["event"] for event in events][-1] == "cycle"

    site.put("/dead/rss.xml", (SITE_ROOT / "press_demo" / "rss.xml").read_bytes())
    logged = len(events)
    mail, code = run_as_cron(tmp_path, config)
    assert mail == "" and code == 0
    events = log_file(tmp_path).read_text().splitlines()
    assert len(events) > logged  # the second run appended its log
    assert json.loads(events[-1])["event"] == "cycle"


def test_the_crontab_keeps_stderr_for_cron() -> None:
    """No redirect of the job's stderr (or stdout): that is what cron mails."""
    _, command = cron_job()
    assert ">" not in command and "2>&1" not in command
    assert "--log-file" in command and "run --once" in command


def test_a_log_file_that_cannot_be_opened_is_one_line(site: SampleSite, tmp_path: Path) -> None:
    _, config = site_settings(site, tmp_path, sources=["mfa_en"], press=[])
    missing = tmp_path / "no" / "such" / "folder" / "rashomon.log"
    done = subprocess.run([sys.executable, "-m", "rashomon", "--config", str(config), "run",
                           "--once", "--log-file", str(missing)],
                          capture_output=True, text=True, timeout=120, env=ENV)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"rashomon: error: --log-file: cannot open {missing}: No such file or directory"]



def test_the_line_names_undelivered_alerts_and_errors_logged() -> None:
    """The parts of the line a failing channel and a logged error add (the crawl part is
    exercised through cron above)."""
    gone = Attempt(7, "hook", "divergence", "Putin–Xi", "gone: the webhook no longer exists")
    busy = Attempt(8, "desk", "divergence", "Putin–Xi", "HTTP 503\nService Unavailable")
    line = views.once_failures([], DeliveryReport(failed=[gone], retrying=[busy]),
                               {"report not written": 1, "delivery": 2})
    assert line == ("2 alert(s) not delivered (1 failed, 1 to retry; first hook: gone: the "
                    "webhook no longer exists); 3 error(s) logged (delivery, report not written)")
    assert views.once_failures([], DeliveryReport(sent=[gone]), {}) == ""
