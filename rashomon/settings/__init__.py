"""The configuration ladder, loaded once into frozen, typed objects: the config layer, which
every other layer may import and which imports none of them.

Priority, lowest first: packaged defaults (`config/*.toml`, shipped as `rashomon.defaults`)
< the user's TOML file (deep-merged) < environment variables (secrets) < CLI flags.
Any error names the file, the key and the problem, and raises `ConfigError` (exit code 2):
a file that is not TOML or not UTF-8, an unknown key, a bad value, and a name that nothing
defines (a framing pair's topic, a channel's topic or side filter: `references`). All of it is
checked here, once, before any command does any work.

This loader is the only reader of the environment: `RASHOMON_CONFIG`, `RASHOMON_STORE_URL`, and
the variables the alert channels name in `url_env` and `secret_env`, whose values it keeps in
`Settings.secrets` (never dumped, never shown) for the channels to be built with.

The models live by concern: `sources` (a site to collect from), `analysis` (leaders, topics,
thresholds), `alerts` (channels, retries, health), `report` (the static report's folder and
address), `model` (their frozen, strict base), `references` (the names one part gives
another); this module holds the root `Settings`, the `[crawl]` and `[store]` tables, and the loader.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from rashomon.errors import ConfigError
from rashomon.settings.alerts import AlertsConfig
from rashomon.settings.analysis import AnalysisConfig, FramingPair, Leader, Topic
from rashomon.settings.model import ConfigModel
from rashomon.settings.references import unknown_names
from rashomon.settings.report import ReportConfig
from rashomon.settings.sources import KindSignals, Source

DEFAULT_FILES = ("rashomon.toml", "sources.toml", "leaders.toml", "topics.toml")
SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CrawlConfig(ConfigModel):
    user_agent: str = "Rashomon/0.1 (+https://github.com/rashomon-monitor/rashomon)"
    download_delay: float = Field(5.0, ge=0)
    obey_robots: bool = True
    timeout: float = Field(30.0, gt=0)
    max_response_bytes: int = Field(10_000_000, gt=0)
    crawl_timeout: float = Field(600.0, gt=0)
    max_listing_pages: int = Field(1, ge=1)
    max_retries: int = Field(2, ge=0)
    retry_after_max: float = Field(300.0, ge=0)
    max_new_items: int = Field(50, ge=1)
    robots_ttl_hours: float = Field(24.0, gt=0, le=24)
    slow_source_wait: float = Field(15.0, ge=0)


class StoreConfig(ConfigModel):
    url: str = "sqlite:///var/rashomon.db"
    lock_seconds: float = Field(120.0, ge=1)  # the store lock's lease, renewed every third


class Settings(ConfigModel):
    crawl: CrawlConfig = CrawlConfig()
    store: StoreConfig = StoreConfig()
    sources: dict[str, Source] = {}
    leaders: dict[str, Leader] = {}
    topics: dict[str, Topic] = {}
    framing: list[FramingPair] = []
    analysis: AnalysisConfig = AnalysisConfig()
    alerts: AlertsConfig = AlertsConfig()
    report: ReportConfig = ReportConfig()
    # Channel secrets by variable name, read from the environment by `load_settings` alone.
    secrets: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)

    @field_validator("secrets")
    @classmethod
    def _not_from_files(cls, value: dict[str, str]) -> dict[str, str]:
        if value:
            raise ValueError("secrets come from the environment variables that channels name "
                             "in url_env and secret_env, never from a file")
        return value

    @field_validator("sources", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        for key in value:
            if not SOURCE_ID.match(key):
                raise ValueError(f"source id {key!r} must be lower_snake_case")
        return {key: {**_extended(value, body), "id": key} if isinstance(body, Mapping) else body
                for key, body in value.items()}

    def enabled_sources(self) -> list[Source]:
        return [s for s in self.sources.values() if s.enabled]

    def source(self, source_id: str) -> Source:
        return find_source(self.sources, source_id)


def find_source(sources: Mapping[str, Source], source_id: str) -> Source:
    """A configured source; an unknown id is a `ConfigError` listing the known ones."""
    try:
        return sources[source_id]
    except KeyError:
        known = ", ".join(sorted(sources))
        raise ConfigError(f"unknown source {source_id!r} (known: {known})") from None


def _extended(sources: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
    """`extends = "kremlin_en"` starts a new source from a copy of another one's keys."""
    if "extends" not in body:
        return dict(body)
    parent = sources.get(body["extends"])
    if not isinstance(parent, Mapping) or "extends" in parent:
        raise ValueError(f"extends {body['extends']!r}: no such source (or it extends another)")
    own = {key: item for key, item in body.items() if key != "extends"}
    return deep_merge({k: v for k, v in parent.items() if k != "enabled"}, own)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value in `override` replaces the one in `base`."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; a syntax error names the file and line."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: {not_utf8(exc)}; save the file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def not_utf8(exc: UnicodeDecodeError) -> str:
    """Where a file stops being UTF-8: the byte, its offset and its line."""
    data = bytes(exc.object)
    line = data[:exc.start].count(b"\n") + 1
    return f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} (line {line})"


def packaged_defaults() -> dict[str, Any]:
    """The defaults shipped in `config/`, merged in a fixed order."""
    folder = resources.files("rashomon.defaults")
    tree: dict[str, Any] = {}
    for name in DEFAULT_FILES:
        with resources.as_file(folder / name) as path:
            tree = deep_merge(tree, read_toml(path))
    return tree


def environment_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    """Secrets come from the environment, never from files that end up in a repository."""
    tree: dict[str, Any] = {}
    if env.get("RASHOMON_STORE_URL"):
        tree["store"] = {"url": env["RASHOMON_STORE_URL"]}
    return tree


def load_settings(
    path: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the frozen settings from the whole ladder (see the module docstring)."""
    env = os.environ if env is None else env
    if path is None and env.get("RASHOMON_CONFIG"):
        path = Path(env["RASHOMON_CONFIG"])
    user = read_toml(path) if path is not None else {}
    tree = deep_merge(packaged_defaults(), user)
    tree = deep_merge(tree, environment_overrides(env))
    tree = deep_merge(tree, overrides or {})
    settings = validate(tree, user, path)
    return settings.model_copy(update={"secrets": channel_secrets(settings.alerts, env)})


def channel_secrets(alerts: AlertsConfig, env: Mapping[str, str]) -> dict[str, str]:
    """The values of the variables the channels name (`url_env`, `secret_env`) that are set."""
    names = {name for channel in alerts.channels
             for name in (channel.url_env, channel.secret_env) if name}
    return {name: env[name].strip() for name in sorted(names) if env.get(name, "").strip()}


def validate(tree: dict[str, Any], user: Mapping[str, Any], path: Path | None) -> Settings:
    """The typed settings; then every name one part gives another must exist (`references`)."""
    try:
        settings = Settings.model_validate(tree)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        raise _error(error["loc"], message, user, path) from None
    for unknown in unknown_names(settings):
        raise _error(unknown.location, unknown.problem, user, path)
    return settings


def _error(loc: Sequence[str | int], problem: str, user: Mapping[str, Any],
           path: Path | None) -> ConfigError:
    """"file: key: problem", blaming the user's file when it set the key, else the defaults."""
    location = [str(part) for part in loc]
    origin = path if path is not None and _has_key(user, location) else "packaged defaults"
    return ConfigError(f"{origin}: {'.'.join(location) or '(top level)'}: {problem}")


def _has_key(tree: Mapping[str, Any], location: list[str]) -> bool:
    """Whether the user's file set (a prefix of) this key, to blame the right file."""
    node: Any = tree
    for part in location:
        if not isinstance(node, Mapping) or part not in node:
            return node is not tree
        node = node[part]
    return True


__all__ = ["ConfigModel", "CrawlConfig", "KindSignals", "ReportConfig", "Settings", "Source",
           "StoreConfig", "channel_secrets", "deep_merge", "find_source", "load_settings"]
