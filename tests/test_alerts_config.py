"""`[alerts]` configuration: validated at load, secrets only by the name of their variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.channels import ChannelContext, build_channels
from alerts.message import build_alert
from rashomon.errors import ConfigError
from rashomon.settings import load_settings
from rashomon.settings.alerts import ChannelConfig
from tests.test_alerts_support import T0, analysis, one_sided, settings, webhook


def load(tmp_path: Path, text: str):
    path = tmp_path / "user.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, env={})


def test_the_packaged_defaults_load_with_a_default_stdout_channel() -> None:
    config = settings().alerts
    assert config.channels == [] and config.retry.max_attempts is None
    assert config.retry.give_up_after_hours == 24 and config.retry.backoff_cap == 900
    assert config.health.failures_before_alert == 3
    assert [(c.name, c.kind) for c in config.effective_channels()] == [("stdout", "stdout")]


def test_a_channel_from_a_user_file(tmp_path: Path) -> None:
    config = load(tmp_path, """
[[alerts.channels]]
name = "desk"
kind = "slack"
url_env = "DESK_SLACK_URL"
sides = ["RU"]
""").alerts
    assert config.channels[0].url_env == "DESK_SLACK_URL" and config.channels[0].sides == ("RU",)
    assert config.channels[0].min_interval == 1.0


@pytest.mark.parametrize(("body", "problem"), [
    ('kind = "slack"', "exactly one of url or url_env"),
    ('kind = "webhook"\nurl = "http://x/h"\nurl_env = "X"', "exactly one of url or url_env"),
    ('kind = "stdout"\nurl_env = "X"', "takes no url"),
    ('kind = "email"', "alerts.channels.0.kind"),
    ('kind = "stdout"\ncolour = "red"', "unknown key"),
    ('kind = "webhook"\nurl = "ftp://x/h"', "http(s) URL"),
    ('kind = "stdout"\ntypes = ["source_health"]', "alerts.channels.0.types"),
])
def test_bad_channels_are_config_errors_naming_the_key(tmp_path: Path, body: str,
                                                       problem: str) -> None:
    with pytest.raises(ConfigError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        load(tmp_path, f'[[alerts.channels]]\nname = "c"\n{body}\n')


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="duplicate channel names: a"):
        load(tmp_path, '[[alerts.channels]]\nname = "a"\nkind = "stdout"\n'
                       '[[alerts.channels]]\nname = "a"\nkind = "stdout"\n')


def test_a_missing_secret_names_its_variable_not_a_value() -> None:
    config = settings({"name": "desk", "kind": "slack", "url_env": "DESK_SLACK_URL"})
    with pytest.raises(ConfigError, match="environment variable DESK_SLACK_URL is not set"):
        build_channels(ChannelContext(config.alerts, secrets=config.secrets))


def test_filters_by_side_topic_and_type() -> None:
    alert = build_alert(analysis(), None, now=T0)
    lonely = build_alert(one_sided(), None, now=T0)
    assert alert is not None and lonely is not None
    cases = {
        "all": ({}, True, True),
        "cn": ({"sides": ["CN"]}, True, False),
        "taiwan": ({"topics": ["taiwan"]}, True, False),
        "energy": ({"topics": ["energy"]}, False, True),
        "divergence_only": ({"types": ["divergence"]}, True, False),
        "none": ({"types": []}, False, False),
    }
    config = settings(*({"name": name, "kind": "stdout", **f} for name, (f, _, _) in
                        cases.items()))
    channels = build_channels(ChannelContext(config.alerts, secrets=config.secrets))
    for name, (_, diverging, one) in cases.items():
        assert channels[name].accepts(alert) == diverging, name
        assert channels[name].accepts(lonely) == one, name


def test_who_receives_source_health() -> None:
    def receivers(*channels: dict) -> list[str]:
        config = settings(*channels)
        built = build_channels(ChannelContext(config.alerts, secrets=config.secrets))
        return [name for name, channel in built.items() if channel.receives_health]

    assert receivers(webhook("http://a/h", "a"), webhook("http://b/h", "b")) == ["a", "b"]
    assert receivers(webhook("http://a/h", "a"),
                     webhook("http://b/h", "b", operational=True)) == ["b"]
    assert receivers(webhook("http://a/h", "a", operational=False)) == []


def test_rate_defaults_by_kind() -> None:
    assert ChannelConfig(name="s", kind="stdout").min_interval == 0
    assert ChannelConfig(name="w", kind="webhook", url="http://x/h").min_interval == 1.0
    fast = ChannelConfig(name="w", kind="webhook", url="http://x/h", rate_per_second=4)
    assert fast.min_interval == 0.25
