"""Everything in the configuration is checked when it is loaded, before any work (issue 11,
item 9): a name one part gives another (a framing pair's topics, a channel's topic and side
filters, a topic's skipped sides, the kinds that report a call) must exist; a file that is not
UTF-8 and a store folder that cannot be made are one line each, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rashomon.demo.sample import sample_config
from rashomon.demo.server import SampleSite
from rashomon.errors import ConfigError
from rashomon.settings import load_settings

FRAMING = '[[framing]]\na = "taiwan"\nb = "sovereignty_x"\nlabel = "bad pair"\n'
CHANNEL = '[[alerts.channels]]\nname = "desk"\nkind = "stdout"\n'


def write(tmp_path: Path, text: str, name: str = "user.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rashomon(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RASHOMON_CONFIG": "", "COLUMNS": "300"}
    return subprocess.run([sys.executable, "-m", "rashomon", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def site_config(site: SampleSite, tmp_path: Path, extra: str) -> Path:
    """A user file crawling the sample site into `tmp_path/store.db`, with `extra` added."""
    store = f"sqlite:///{tmp_path / 'store.db'}"
    return write(tmp_path, sample_config(site.origin, store, sources=["kremlin_en"], extra=extra))


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# ---------------------------------------------------------------- names given elsewhere
@pytest.mark.parametrize(("text", "expected"), [
    (FRAMING, r"user\.toml: framing\.0\.b: unknown topic 'sovereignty_x' "
              r"\(did you mean 'sovereignty'\?\)"),
    ('[[framing]]\na = "nothing_like_it"\nb = "taiwan"\nlabel = "x"\n',
     r"user\.toml: framing\.0\.a: unknown topic 'nothing_like_it'"),
    (CHANNEL + 'topics = ["ukraine", "taiwann"]\n',
     r"user\.toml: alerts\.channels\.0\.topics: unknown topic 'taiwann' "
     r"\(did you mean 'taiwan'\?\)"),
    (CHANNEL + 'sides = ["RU", "CM"]\n',
     r"user\.toml: alerts\.channels\.0\.sides: unknown side 'CM' \(known: .*CN, .*RU"),
    ('[topics.taiwan]\nskip_sides = ["USA"]\n',
     r"user\.toml: topics\.taiwan\.skip_sides: unknown side 'USA'"),
    ('[analysis.kinds]\naccounts = ["readout", "readouts"]\n',
     r"user\.toml: analysis\.kinds\.accounts: unknown kind 'readouts' "
     r"\(did you mean 'readout'\?\)"),
], ids=["framing-b", "framing-a", "channel-topic", "channel-side", "skip-side", "kind"])
def test_an_unknown_name_is_an_error_at_load(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings(write(tmp_path, text), env={})


def test_known_names_load(tmp_path: Path) -> None:
    text = ('[[framing]]\na = "taiwan"\nb = "sovereignty"\nlabel = "fine"\n' + CHANNEL
            + 'topics = ["ukraine"]\nsides = ["RU", "CN", "press"]\n')
    settings = load_settings(write(tmp_path, text), env={})
    assert settings.framing[0].b == "sovereignty"
    assert settings.alerts.channels[0].sides == ("RU", "CN", "press")


def test_a_side_named_only_by_a_leader_or_a_source_is_known(tmp_path: Path) -> None:
    text = ('[leaders.someone]\nside = "EU"\n[sources.press_x]\nside = "UN"\nlanguage = "en"\n'
            'family = "press"\nbase_url = "https://example.org"\npaths = { feed = "/rss" }\n'
            + CHANNEL + 'sides = ["EU", "UN"]\n')
    assert load_settings(write(tmp_path, text), env={}).alerts.channels[0].sides == ("EU", "UN")


# ---------------------------------------------------------------- through the command line
def test_run_once_exits_2_before_crawling(site: SampleSite, tmp_path: Path) -> None:
    config = site_config(site, tmp_path, FRAMING)
    done = rashomon("--config", str(config), "run", "--once", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert one_line(done) == (f"rashomon: error: {config}: framing.0.b: unknown topic "
                              "'sovereignty_x' (did you mean 'sovereignty'?)")
    assert site.requests == [] and not (tmp_path / "store.db").exists()


def test_the_daemon_exits_2_before_crawling(site: SampleSite, tmp_path: Path) -> None:
    config = site_config(site, tmp_path, CHANNEL + 'topics = ["taiwann"]\n')
    done = rashomon("--config", str(config), "run", cwd=tmp_path, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "alerts.channels.0.topics: unknown topic 'taiwann'" in one_line(done)
    assert site.requests == [] and not (tmp_path / "store.db").exists()


def test_diff_does_not_ignore_a_bad_pair(tmp_path: Path) -> None:
    config = write(tmp_path, FRAMING)
    a = write(tmp_path, "Putin spoke of Taiwan.", "a.txt")
    b = write(tmp_path, "Xi spoke of sovereignty.", "b.txt")
    done = rashomon("--config", str(config), "diff", str(a), str(b), cwd=tmp_path)
    assert done.returncode == 2
    assert "framing.0.b: unknown topic 'sovereignty_x'" in one_line(done)


# ---------------------------------------------------------------- the file and the store folder
def test_a_file_that_is_not_utf8_is_one_line_with_the_byte(tmp_path: Path) -> None:
    config = tmp_path / "latin1.toml"
    config.write_bytes('[crawl]\nuser_agent = "Rashomon (Zoë)"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_settings(config, env={})
    assert str(caught.value) == (f"{config}: not UTF-8 text: byte 0xeb at offset 34 (line 2); "
                                 "save the file as UTF-8")
    done = rashomon("--config", str(config), "calls", cwd=tmp_path)
    assert done.returncode == 2
    assert one_line(done) == f"rashomon: error: {caught.value}"


@pytest.mark.parametrize("command", [["crawl"], ["run", "--once"],
                                     ["backfill", "kremlin_en", "--since", "2024-01-01"]],
                         ids=lambda c: c[0])
def test_a_store_folder_that_cannot_be_made_is_one_line(tmp_path: Path,
                                                       command: list[str]) -> None:
    blocker = tmp_path / "occupied"
    blocker.write_text("a file where the store's folder should be", encoding="utf-8")
    config = write(tmp_path, "".join(f"[sources.{source}]\nenabled = false\n" for source in
                                     load_settings(env={}).sources))
    url = f"sqlite:///{blocker / 'var' / 'rashomon.db'}"
    done = rashomon("--config", str(config), "--store", url, *command, cwd=tmp_path)
    assert done.returncode != 0
    assert one_line(done) == (f"rashomon: error: cannot create the store's folder "
                              f"{blocker / 'var'}: Not a directory")
