"""A store that cannot be read or written is one line saying what to do, for every command
(issue 11, item 8, the store's half): a file that is not a database, a database cut short, and
a disk that fills up, for real, on a small tmpfs mounted for the test. A crawl that meets a full
disk stops, stores nothing more, and loses nothing: once space is freed, the next crawl finds
every article the full disk kept out."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rashomon.demo.sample import sample_config
from rashomon.settings import load_settings
from rashomon.store import Store
from tests.conftest import make_document
from tests.listing_site import ListingSite, source_toml

CORRUPT = ("not a database or corrupt (restore a backup, or move it aside to start afresh)")
COMMANDS = [["calls"], ["sources"], ["alerts"], ["show", "2022-06-15-putin-xi-phone"],
            ["crawl"], ["run", "--once"], ["run"]]


def rashomon(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RASHOMON_CONFIG": "", "COLUMNS": "300"}
    return subprocess.run([sys.executable, "-m", "rashomon", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def quiet_config(tmp_path: Path, text: str = "") -> Path:
    """A user file with every packaged source disabled: nothing reaches a real site."""
    off = "".join(f"[sources.{source}]\nenabled = false\n" for source in load_settings(env={})
                  .sources)
    path = tmp_path / "quiet.toml"
    path.write_text(off + text, encoding="utf-8")
    return path


def garbage(path: Path) -> Path:
    path.write_bytes(os.urandom(64 * 1024))
    return path


def truncated(path: Path) -> Path:
    """A real store of 300 documents, checkpointed, then cut to half its size."""
    store = Store.open(f"sqlite:///{path}")
    for number in range(300):
        store.documents.save(make_document(url=f"http://en.kremlin.ru/events/{number}",
                                           external_id=str(number), title=f"Readout {number}",
                                           paragraphs=("words " * 200,)))
    store.close()
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command))
@pytest.mark.parametrize("damage", [garbage, truncated], ids=["garbage", "truncated"])
def test_a_corrupt_store_is_one_line_for_every_command(tmp_path: Path, damage: object,
                                                      command: list[str]) -> None:
    path = damage(tmp_path / "store.db")  # type: ignore[operator]
    config = quiet_config(tmp_path)
    done = rashomon("--config", str(config), "--store", f"sqlite:///{path}", *command,
                    cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"rashomon: error: store sqlite:///{path}: {CORRUPT}"]


# ---------------------------------------------------------------- a full disk, for real
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs of its own: filling it fills no one else's disk."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill (needs root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def fill(folder: Path, keep: int = 0) -> Path:
    """Fill the filesystem of `folder` until `keep` bytes are left; the file that fills it."""
    spare = folder / "spare"
    spare.write_bytes(b"\0" * keep)
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError:
        pass  # ENOSPC: full
    finally:
        os.close(descriptor)
    spare.unlink()
    return filler


def full_line(disk: Path) -> str:
    return (f"rashomon: error: store sqlite:///{disk / 'store.db'}: the disk is full "
            f"(free space in {disk} and run again)")


def test_a_full_disk_is_one_line_for_every_command(small_disk: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{small_disk / 'store.db'}"
    Store.open(url).close()
    fill(small_disk)
    config = quiet_config(tmp_path)
    for command in (["crawl"], ["run", "--once"], ["run"], ["calls"]):
        done = rashomon("--config", str(config), "--store", url, *command, cwd=tmp_path,
                        timeout=60)
        assert done.returncode == 1, command
        assert done.stderr.splitlines() == [full_line(small_disk)], command


def test_a_read_only_filesystem_is_one_line(small_disk: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{small_disk / 'store.db'}"
    Store.open(url).close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    done = rashomon("--config", str(quiet_config(tmp_path)), "--store", url, "run", "--once",
                    cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"rashomon: error: store {url}: cannot open the file (check that {small_disk} exists "
        "and that this user may write there)"]


@pytest.mark.slow
def test_a_disk_that_fills_during_a_crawl_loses_no_article(small_disk: Path,
                                                          tmp_path: Path) -> None:
    url = f"sqlite:///{small_disk / 'store.db'}"
    Store.open(url).close()
    with ListingSite(links=120) as site:
        config = tmp_path / "site.toml"
        text = sample_config(site.origin, url, sources=[], press=[], extra=source_toml("big", site))
        config.write_text(text.replace("[crawl]\n", "[crawl]\nmax_new_items = 500\n"),
                          encoding="utf-8")
        filler = fill(small_disk, keep=256 * 1024)

        crawl = rashomon("--config", str(config), "crawl", cwd=tmp_path)
        assert crawl.returncode == 1
        assert crawl.stderr.splitlines() == [full_line(small_disk)]
        asked = site.articles_asked
        assert asked < 120  # it stopped: nothing more was fetched to be lost

        once = rashomon("--config", str(config), "run", "--once", cwd=tmp_path)
        lines = once.stderr.splitlines()
        assert once.returncode == 1 and "Traceback" not in once.stderr
        assert lines[-1] == full_line(small_disk)
        assert all(line[:4].isdigit() for line in lines[:-1]), lines  # the others: log lines

        filler.unlink()  # space freed: the next crawl finds what the full disk kept out
        again = rashomon("--config", str(config), "crawl", cwd=tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
    store = Store.open(url)
    try:
        assert len(list(store.documents.latest())) == 120
    finally:
        store.close()


def test_an_unreachable_postgresql_server_is_one_line_without_the_password(
        tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    url = "postgresql+psycopg://desk:pa55word@127.0.0.1:1/rashomon"  # nothing listens on port 1
    done = rashomon("--config", str(quiet_config(tmp_path)), "--store", url, "calls",
                    cwd=tmp_path)
    assert done.returncode == 1 and "pa55word" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("rashomon: error: store postgresql+psycopg://desk:***@127.0.0.1:1/"
                           "rashomon: cannot connect (")
