"""Two processes started together on a new store (issue 11, item 10): one creates the schema
and takes the store lock, the other waits for the schema and is refused with the holder named,
never "table … already exists". Real processes, released at the same instant, many times."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rashomon.settings import load_settings
from rashomon.store import Store
from tests.conftest import STORE_URLS, _empty

TRIALS = 20
# A process that opens the store and takes its lock when told to, then holds it until told.
RACER = """
import sys
from rashomon.errors import RashomonError
from rashomon.store import Store
print("ready", flush=True)
sys.stdin.readline()
try:
    Store.open(sys.argv[1]).lock("daemon").acquire()
except RashomonError as exc:
    print(f"refused: {exc}", flush=True)
    sys.exit(1)
print("holder", flush=True)
sys.stdin.readline()
"""


def race(url: str, count: int = 2) -> dict[int, str]:
    """Start `count` racers, release them together; what each said, by process id."""
    racers = [subprocess.Popen([sys.executable, "-c", RACER, url], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(count)]
    try:
        for racer in racers:
            assert racer.stdout is not None and racer.stdout.readline().strip() == "ready"
        for racer in racers:
            assert racer.stdin is not None
            racer.stdin.write("go\n")
            racer.stdin.flush()
        said = {}
        for racer in racers:
            assert racer.stdout is not None and racer.stderr is not None
            said[racer.pid] = racer.stdout.readline().strip() or racer.stderr.read()
        return said
    finally:
        for racer in racers:
            racer.communicate("done\n", timeout=60)


def fresh(backend: str, tmp_path: Path, trial: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'store{trial}.db'}"
    url = os.environ["RASHOMON_TEST_POSTGRES_URL"]
    _empty(url)
    return url


@pytest.mark.parametrize("backend", STORE_URLS)
def test_the_second_of_two_processes_on_a_new_store_names_the_holder(
        backend: str, tmp_path: Path) -> None:
    for trial in range(TRIALS):
        said = race(fresh(backend, tmp_path, trial))
        holders = [pid for pid, words in said.items() if words == "holder"]
        assert len(holders) == 1, said
        [holder] = holders
        [refusal] = [words for pid, words in said.items() if pid != holder]
        assert refusal.startswith(f"refused: another Rashomon process (pid {holder} on "
                                  f"{socket.gethostname()}) is running on this store"), said


def test_two_cron_runs_started_together_on_a_new_store(tmp_path: Path) -> None:
    """The same through the command line: each pair either ran one after the other, or the
    second was refused with the first named."""
    off = "".join(f"[sources.{source}]\nenabled = false\n"
                  for source in load_settings(env={}).sources)
    config = tmp_path / "quiet.toml"
    config.write_text(off, encoding="utf-8")
    env = {**os.environ, "RASHOMON_CONFIG": ""}
    for trial in range(5):
        url = f"sqlite:///{tmp_path / f'cron{trial}.db'}"
        runs = [subprocess.Popen([sys.executable, "-m", "rashomon", "--config", str(config),
                                  "--store", url, "run", "--once"], env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
        errors = [run.communicate(timeout=120)[1] for run in runs]
        for run, stderr in zip(runs, errors, strict=True):
            assert "already exists" not in stderr and "Traceback" not in stderr, stderr
            if run.returncode != 0:
                assert "another Rashomon process (pid " in stderr.splitlines()[-1], stderr
        Store.open(url).close()  # and the store they made is whole
