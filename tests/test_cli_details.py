"""The command line's small promises (issue 11, item 17): a version, help that reads as
written, choices checked, a near miss answered with the ids meant, pipes not wrapped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from typer.testing import CliRunner

from rashomon.cli import app
from tests.test_cli_analysis import invoke, seeded_store

RUNNER = CliRunner()


def test_version() -> None:
    result = RUNNER.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"rashomon {version('rashomon')}"


def test_boolean_options_show_as_flags() -> None:
    result = RUNNER.invoke(app, ["run", "--help"])
    assert "--once" in result.stdout and "<bool>" not in result.stdout
    assert "<bool>" not in RUNNER.invoke(app, ["calls", "--help"]).stdout


def test_help_keeps_square_brackets() -> None:
    result = RUNNER.invoke(app, ["test-webhook", "--help"])
    assert "[[alerts.channels]]" in result.stdout


def test_an_unknown_status_is_an_error(tmp_path: Path) -> None:
    result = invoke("alerts", "--status", "bogus", store_url=seeded_store(tmp_path))
    assert result.exit_code == 2
    assert "'bogus' is not one of 'pending', 'sent', 'failed'" in result.output


def test_a_date_alone_is_answered_with_the_calls_of_that_day(tmp_path: Path) -> None:
    url = seeded_store(tmp_path)
    call_id = json.loads(invoke("calls", "--json", store_url=url).stdout)[0]["id"]
    result = invoke("show", call_id[:10], store_url=url)
    assert result.exit_code != 0
    assert str(result.exception) == f"no call {call_id[:10]!r}; did you mean {call_id}?"


def test_piped_output_is_not_wrapped(tmp_path: Path) -> None:
    sentence = ("The two leaders discussed the situation in Ukraine at great length and agreed "
                "that their foreign ministers should stay in close contact on it.")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(sentence, encoding="utf-8")
    b.write_text("双方讨论了贸易。", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {"RASHOMON_CONFIG": ""}
    done = subprocess.run([sys.executable, "-m", "rashomon", "diff", str(a), str(b)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert any(sentence in line for line in done.stdout.splitlines())
