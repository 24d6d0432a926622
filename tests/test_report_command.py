"""`rashomon report`, `show --json`, the verdict fields of `calls --json`, and the report folder
the daemon keeps current (`[report] dir`, `[report] base_url`)."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.app import Rashomon
from rashomon.cli import app
from rashomon.errors import ConfigError, ReportError
from rashomon.settings import load_settings
from rashomon.store import Store
from tests.conftest import make_document

RUNNER = CliRunner()
NOW = datetime(2022, 6, 20, 12, 0, tzinfo=UTC)
JUNE = "2022-06-15-putin-xi-phone"
MAY = "2022-05-10-putin-xi-phone"
BASE_URL = "https://desk.example.org/rashomon/"


def invoke(url: str, *args: str) -> object:
    return RUNNER.invoke(app, ["--store", url, *args], env={"RASHOMON_CONFIG": ""})


def two_calls(store: Store) -> None:
    """Two Kremlin readouts of Putin–Xi calls, a month apart (no Chinese account: one-sided
    once the grace period is over)."""
    store.documents.save(make_document(paragraphs=(
        "Vladimir Putin had a telephone conversation with President of China Xi Jinping.",
        "They agreed to develop military and military-technical ties.")))
    store.documents.save(make_document(
        url="http://en.kremlin.ru/events/president/news/68400", external_id="68400",
        published_at=datetime(2022, 5, 10, 9, 0, tzinfo=UTC)))


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with closing(Store.open(url)) as store:
        two_calls(store)
    return url


def test_show_json_prints_the_view_model_the_report_draws(seeded: str) -> None:
    result = invoke(seeded, "show", "--json", JUNE)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    with closing(Store.open(seeded)) as store:
        rashomon = Rashomon(load_settings(env={}), store=store)
        now = datetime.now(UTC)
        expected = rashomon.report.call_view(rashomon.calls.analyse(JUNE, now))
    assert shown == expected
    assert shown["page"] == f"calls/{JUNE}.html" and shown["status"] == "one_sided"
    assert [c["side"] for c in shown["columns"]] == ["RU", "CN"]


def test_calls_json_verdicts_mean_one_thing_each(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    with closing(Store.open(url)) as store:
        store.documents.save(make_document(published_at=datetime.now(UTC) - timedelta(hours=2)))
        store.documents.save(make_document(
            url="http://en.kremlin.ru/events/president/news/68400", external_id="68400",
            published_at=datetime(2022, 5, 10, 9, 0, tzinfo=UTC)))
    calls = {c["status"]: c for c in json.loads(invoke(url, "calls", "--json").stdout)}
    lonely, waiting = calls["one_sided"], calls["awaiting"]
    assert lonely["one_sided"] is True and lonely["divergent"] is False
    assert lonely["divergences"] == 0
    assert waiting["one_sided"] is False and waiting["divergent"] is False


def test_report_writes_the_site_of_every_call_or_of_those_named(seeded: str,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = invoke(seeded, "report", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert str((out / "index.html").resolve()) in result.stdout.replace("\n", "")
    assert sorted(p.name for p in (out / "calls").iterdir()) == [f"{MAY}.html", f"{JUNE}.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="calls/{JUNE}.html"' in index and f'href="calls/{MAY}.html"' in index
    one = tmp_path / "one"
    assert invoke(seeded, "report", "--out", str(one), MAY).exit_code == 0
    assert [p.name for p in (one / "calls").iterdir()] == [f"{MAY}.html"]


def test_report_needs_a_folder_and_known_calls(seeded: str, tmp_path: Path) -> None:
    nowhere = invoke(seeded, "report")
    assert isinstance(nowhere.exception, ConfigError)  # one line, exit 2 through `main`
    assert "give --out DIR" in str(nowhere.exception)
    unknown = invoke(seeded, "report", "--out", str(tmp_path / "x"), "1999-01-01-a-b-phone")
    assert unknown.exit_code == 1 and "no call" in str(unknown.exception)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    unwritable = invoke(seeded, "report", "--out", str(blocker / "site"))
    assert isinstance(unwritable.exception, ReportError)
    assert f"cannot write the report in {blocker / 'site'}" in str(unwritable.exception)


def test_the_cycle_keeps_the_report_current_and_drops_pages_of_absorbed_calls(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "report"
    settings = load_settings(env={}, overrides={
        "report": {"dir": str(folder), "base_url": BASE_URL},
        "alerts": {"max_call_age_days": 0}})
    two_calls(store)
    clock = [NOW]
    rashomon = Rashomon(settings, store=store, clock=lambda: clock[0])
    rashomon.cycle.run([])
    assert sorted(p.name for p in (folder / "calls").iterdir()) == [f"{MAY}.html", f"{JUNE}.html"]
    printed = capsys.readouterr().out  # the default stdout channel: two one-sided alerts
    assert f"<{BASE_URL}calls/{JUNE}.html>" in printed
    assert f"<{BASE_URL}calls/{MAY}.html>" in printed

    with store.calls.begin() as calls:  # what the matcher does when a late account joins them
        calls.move_links(MAY, JUNE)
        calls.delete(MAY)
        june = calls.get(JUNE)
        assert june is not None
        calls.save(june, NOW + timedelta(minutes=1))
    clock[0] = NOW + timedelta(minutes=2)
    rashomon.cycle.run([])
    assert [p.name for p in (folder / "calls").iterdir()] == [f"{JUNE}.html"]
    assert MAY not in (folder / "index.html").read_text(encoding="utf-8")


def test_an_unwritable_report_folder_does_not_stop_the_alerts(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the report folder should be", encoding="utf-8")
    settings = load_settings(env={}, overrides={"report": {"dir": str(blocker / "report")},
                                                "alerts": {"max_call_age_days": 0}})
    two_calls(store)
    report = Rashomon(settings, store=store, clock=lambda: NOW).cycle.run([])
    assert len(report.delivery.sent) == 2 and "[one_sided]" in capsys.readouterr().out


def test_report_keys_are_checked_when_loaded(tmp_path: Path) -> None:
    config = tmp_path / "user.toml"
    config.write_text('[report]\nbase_url = "intranet/rashomon"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"user.toml: report.base_url: must be an http\(s\)"):
        load_settings(config, env={})
    config.write_text('[report]\ndir = "var/report"\nbase_url = "https://desk.example.org/r"\n',
                      encoding="utf-8")
    report = load_settings(config, env={}).report
    assert report.page_url(f"calls/{JUNE}.html") == f"https://desk.example.org/r/calls/{JUNE}.html"
    assert report.directory == Path("var/report")
