"""The deploy files as shipped: the systemd unit verifies and is sandboxed; the install script
lays out code, config, secrets and unit where the unit expects them (issue 11, item 15). The
cron line is run as cron runs it in tests/test_cron.py (item 14)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
UNIT = ROOT / "deploy" / "rashomon.service"
INSTALL = ROOT / "deploy" / "install.sh"
ANALYZE = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")


def local_unit(tmp_path: Path) -> Path:
    """The unit with its ExecStart pointing at this checkout's venv (verify checks it exists)."""
    unit = tmp_path / "rashomon.service"
    unit.write_text(UNIT.read_text().replace("/opt/rashomon", str(ROOT)))
    return unit


@needs_systemd
def test_the_unit_verifies(tmp_path: Path) -> None:
    done = subprocess.run([str(ANALYZE), "verify", str(local_unit(tmp_path))],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "rashomon.service" not in done.stderr, done.stderr


@needs_systemd
def test_the_sandbox_rates_under_4(tmp_path: Path) -> None:
    done = subprocess.run([str(ANALYZE), "security", "--offline=true", str(local_unit(tmp_path))],
                          capture_output=True, text=True, timeout=60)
    match = re.search(r"Overall exposure level for rashomon\.service: ([\d.]+)", done.stdout)
    assert match is not None, done.stdout + done.stderr
    assert float(match[1]) < 4.0


def test_the_unit_uses_directories_systemd_creates() -> None:
    """`ReadWritePaths=` on a path that may not exist fails the unit at start."""
    text = UNIT.read_text()
    assert "ReadWritePaths" not in text
    assert "StateDirectory=rashomon" in text and "ConfigurationDirectory=rashomon" in text
    assert "sqlite:////var/lib/rashomon/rashomon.db" in text
    assert "Restart=on-failure" in text


def install(tmp_path: Path) -> dict[str, Path]:
    places = {"PREFIX": tmp_path / "opt", "CONFIG_DIR": tmp_path / "etc",
              "UNIT_DIR": tmp_path / "units"}
    env = {**os.environ, **{k: str(v) for k, v in places.items()},
           "SKIP_USER": "1", "SKIP_PIP": "1", "SKIP_SYSTEMCTL": "1"}
    done = subprocess.run(["sh", str(INSTALL)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return places


def test_install_lays_out_code_config_secrets_and_unit(tmp_path: Path) -> None:
    places = install(tmp_path)
    prefix, config = places["PREFIX"], places["CONFIG_DIR"]
    assert (prefix / "pyproject.toml").is_file() and (prefix / "rashomon" / "cli.py").is_file()
    assert not (prefix / ".venv").exists() and not (prefix / ".git").exists()
    assert stat.S_IMODE(config.stat().st_mode) == 0o750
    for name in ("rashomon.toml", "env"):
        assert stat.S_IMODE((config / name).stat().st_mode) == 0o640
    unit = (places["UNIT_DIR"] / "rashomon.service").read_text()
    assert f"ExecStart={prefix}/.venv/bin/rashomon" in unit


def test_install_again_keeps_the_config_and_the_secrets(tmp_path: Path) -> None:
    places = install(tmp_path)
    (places["CONFIG_DIR"] / "env").write_text("RASHOMON_SLACK_URL=https://hooks.example/x\n")
    (places["CONFIG_DIR"] / "rashomon.toml").write_text("[crawl]\ndownload_delay = 9.0\n")
    install(tmp_path)
    assert "hooks.example" in (places["CONFIG_DIR"] / "env").read_text()
    assert "download_delay = 9.0" in (places["CONFIG_DIR"] / "rashomon.toml").read_text()


def test_the_example_config_loads() -> None:
    from rashomon.settings import load_settings

    settings = load_settings(ROOT / "deploy" / "rashomon.example.toml", env={})
    assert settings.crawl.user_agent.startswith("Rashomon/")
