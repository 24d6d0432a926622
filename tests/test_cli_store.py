"""A command that only reads finds its store or says where it looked: it never creates one, nor
its folder (issue 11, item 16). `crawl`, `run` and `backfill` create the store they write to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rashomon.store import Store

READERS = [["calls"], ["show", "2022-06-15-putin-xi-phone"], ["sources"], ["alerts"],
           ["alerts", "retry"]]


def rashomon(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RASHOMON_CONFIG": ""}
    return subprocess.run([sys.executable, "-m", "rashomon", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c))
def test_a_reading_command_does_not_create_a_missing_store(tmp_path: Path,
                                                           command: list[str]) -> None:
    url = f"sqlite:///{tmp_path / 'nonexistent' / 'dir' / 'x.db'}"
    done = rashomon("--store", url, *command, cwd=tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"rashomon: error: no store at {tmp_path / 'nonexistent' / 'dir' / 'x.db'}: "
        "`rashomon crawl`, `run` or `backfill` creates one (or pass --store)"]
    assert not (tmp_path / "nonexistent").exists()


def test_the_default_store_is_not_created_by_calls_run_elsewhere(tmp_path: Path) -> None:
    done = rashomon("calls", cwd=tmp_path)
    assert done.returncode != 0 and "no store at" in done.stderr
    assert not (tmp_path / "var").exists()


def test_a_reading_command_reads_a_store_that_exists(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    Store.open(url).close()
    done = rashomon("--store", url, "calls", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_writing_open_creates_the_store_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "x.db"
    Store.open(f"sqlite:///{path}").close()
    assert path.is_file()


def test_test_webhook_needs_no_store_and_makes_none(tmp_path: Path) -> None:
    config = tmp_path / "rashomon.toml"
    config.write_text('[[alerts.channels]]\nname = "out"\nkind = "stdout"\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'none' / 'x.db'}"
    done = rashomon("--config", str(config), "--store", url, "test-webhook", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "out: delivered" in done.stdout
    assert not (tmp_path / "none").exists()
