"""The configuration ladder: defaults < user file < environment < flags, and clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rashomon.errors import ConfigError
from rashomon.settings import load_settings

DEFAULT_SOURCES = {"kremlin_en", "kremlin_ru", "xinhua_en", "xinhua_zh", "mfa_en", "mfa_zh"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "user.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_defaults_hold_every_official_source_and_press_feeds() -> None:
    settings = load_settings(env={})
    assert set(settings.sources) >= DEFAULT_SOURCES
    press = [s for s in settings.sources.values() if s.side == "press"]
    assert len(press) >= 3 and all(s.id.startswith("press_") for s in press)
    assert settings.store.url == "sqlite:///var/rashomon.db"


def test_user_file_overrides_one_key_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, '[sources.kremlin_en]\nbase_url = "http://127.0.0.1:8001"\n')
    source = load_settings(path, env={}).sources["kremlin_en"]
    assert source.base_url == "http://127.0.0.1:8001"
    assert source.url("/events/president/news/feed") == (
        "http://127.0.0.1:8001/events/president/news/feed")
    assert source.selectors["title"][0] == "h1.entry-title.p-name"  # deep-merged, not replaced


def test_user_file_disables_and_adds_sources(tmp_path: Path) -> None:
    path = write(tmp_path, """
[sources.xinhua_zh]
enabled = false
[sources.press_extra]
side = "press"
language = "en"
family = "press"
base_url = "https://example.org"
paths = { feed = "/rss" }
""")
    settings = load_settings(path, env={})
    enabled = {s.id for s in settings.enabled_sources()}
    assert "xinhua_zh" not in enabled and "press_extra" in enabled


def test_a_new_source_can_extend_a_known_one(tmp_path: Path) -> None:
    path = write(tmp_path, """
[sources.kremlin_mirror]
extends = "kremlin_en"
base_url = "http://mirror.example"
interval_minutes = 60
""")
    settings = load_settings(path, env={})
    mirror, original = settings.sources["kremlin_mirror"], settings.sources["kremlin_en"]
    assert mirror.family == "kremlin" and mirror.selectors == original.selectors
    assert mirror.interval_minutes == 60 and mirror.base_url == "http://mirror.example"
    assert original.base_url == "http://en.kremlin.ru"


def test_environment_beats_the_file_and_flags_beat_both(tmp_path: Path) -> None:
    path = write(tmp_path, '[store]\nurl = "sqlite:///file.db"\n')
    env = {"RASHOMON_STORE_URL": "sqlite:///env.db"}
    assert load_settings(path, env=env).store.url == "sqlite:///env.db"
    flags = {"store": {"url": "sqlite:///flag.db"}}
    assert load_settings(path, env=env, overrides=flags).store.url == "sqlite:///flag.db"


def test_config_file_named_by_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "[crawl]\ndownload_delay = 0.5\n")
    assert load_settings(env={"RASHOMON_CONFIG": str(path)}).crawl.download_delay == 0.5


@pytest.mark.parametrize(("text", "expected"), [
    ("[crawl]\nbogus = 1\n", "user.toml: crawl.bogus: unknown key"),
    ("[crawl]\ndownload_delay = -1\n", "user.toml: crawl.download_delay: Input should be"),
    ('[sources.kremlin_en]\nbase_url = "ftp://x"\n', "sources.kremlin_en.base_url: must be"),
    ('[sources.kremlin_en]\ntimezone = "Mars/Base"\n', "unknown time zone 'Mars/Base'"),
    ('[sources.kremlin_en]\nfollow = ["(unclosed"]\n', "bad regular expression"),
    ('[sources.new]\nside = "RU"\nlanguage = "ru"\nfamily = "kremlin"\n'
     'base_url = "http://x"\n', "family 'kremlin' needs paths: feed"),
    ('[sources.Bad-Id]\nside = "RU"\n', "source id 'Bad-Id' must be lower_snake_case"),
    ("[crawl\n", "user.toml: invalid TOML"),
    ('[sources.x]\nextends = "nope"\n', "extends 'nope': no such source"),
])
def test_bad_config_names_file_key_and_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_settings_are_frozen() -> None:
    settings = load_settings(env={})
    with pytest.raises(Exception, match="frozen"):
        settings.crawl.download_delay = 0  # type: ignore[misc]


def test_cli_turns_a_bad_file_into_one_line_and_exit_code_2(tmp_path: Path) -> None:
    path = write(tmp_path, "[crawl]\nbogus = 1\n")
    result = subprocess.run(
        [sys.executable, "-m", "rashomon", "--config", str(path), "sources"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "crawl.bogus: unknown key" in lines[0]
    assert "Traceback" not in result.stderr


def test_channel_secrets_are_read_from_the_environment_by_the_loader_alone(
        tmp_path: Path) -> None:
    path = tmp_path / "user.toml"
    path.write_text('[[alerts.channels]]\nname = "ops"\nkind = "webhook"\nurl_env = "OPS_URL"\n'
                    'secret_env = "OPS_SECRET"\n', encoding="utf-8")
    env = {"OPS_URL": " https://hooks.example/ops ", "OPS_SECRET": "s3cret-value", "OTHER": "x"}
    settings = load_settings(path, env=env)
    assert settings.secrets == {"OPS_URL": "https://hooks.example/ops",
                                "OPS_SECRET": "s3cret-value"}
    assert "secrets" not in settings.model_dump() and "s3cret" not in repr(settings)
    assert load_settings(path, env={}).secrets == {}  # a missing one fails when channels are built


def test_secrets_in_a_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "user.toml"
    path.write_text('[secrets]\nOPS_URL = "https://hooks.example/ops"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="secrets come from the environment"):
        load_settings(path, env={})
