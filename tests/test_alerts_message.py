"""The channel-neutral alert: when there is one, what it says, and what an update says."""

from __future__ import annotations

from dataclasses import replace

from alerts.channels.stdout import render_text
from alerts.message import build_alert
from rashomon.models import Framing
from rashomon.text import shorten
from tests.test_alerts_support import (
    CN_URL,
    CN_ZH_URL,
    RU_ZH_URL,
    T0,
    analysis,
    document,
    one_sided,
    press,
    topic,
    with_documents,
)

LEADERS = {"putin": "Vladimir Putin", "xi": "Xi Jinping"}


def test_a_diverging_call_gives_a_divergence_alert_with_everything_a_reader_needs() -> None:
    found = analysis(press=(press("Wire story", False, 30), press()))
    alert = build_alert(found, None, leaders=LEADERS, now=T0)
    assert alert is not None and alert.type == "divergence"
    text = render_text(alert)
    assert "Vladimir Putin–Xi Jinping phone call of 2026-01-10" in alert.headline
    assert "2026-01-10 12:00 UTC · 20:00 Beijing · 15:00 Moscow" in text
    assert "Initiated by: Vladimir Putin" in text
    assert "Only Beijing:\n  • “CN sentence about taiwan.” (en) — Taiwan source" in text
    assert CN_URL in text and "published 2026-01-10 13:30 UTC" in text
    assert "Ukraine" not in text.split("Only in one account")[1]  # raised by both sides
    assert text.index("Readouts differ on Taiwan") < text.index("Wire story")
    assert "discusses the discrepancy" in text


def test_a_call_that_does_not_diverge_gets_no_alert() -> None:
    agreed = analysis(topics=(topic("ukraine", "RU", "CN"), topic("trade", "RU", "CN")))
    assert build_alert(agreed, None, now=T0) is None


def test_an_unwatched_topic_raised_by_one_side_is_not_a_divergence() -> None:
    found = analysis(topics=(topic("weather", "RU", watched=False),))
    assert build_alert(found, None, now=T0) is None


def test_min_topics_raises_the_bar() -> None:
    assert build_alert(replace(analysis(), min_divergent_topics=2), None, now=T0) is None


def test_framing_differences_are_reported_but_not_enough_alone() -> None:
    framing = (Framing("who is to blame", "RU", "us", "CN", "external_forces"),)
    alert = build_alert(analysis(framing=framing), None, now=T0)
    assert alert is not None
    assert "who is to blame: Moscow says “us”, Beijing says “external_forces”" in render_text(alert)
    assert build_alert(analysis(topics=(topic("ukraine", "RU", "CN"),), framing=framing),
                       None, now=T0) is None


def test_a_one_sided_call_says_so_plainly() -> None:
    alert = build_alert(one_sided(), None, leaders=LEADERS, now=T0)
    assert alert is not None and alert.type == "one_sided"
    assert alert.headline.startswith("Only Moscow reported the Vladimir Putin–Xi Jinping")
    assert "Only Moscow reported this call. No account from Beijing so far." in render_text(alert)


def test_nothing_changed_nothing_sent() -> None:
    first = build_alert(analysis(), None, now=T0)
    assert first is not None
    assert build_alert(analysis(), first.snapshot, now=T0) is None


def test_new_press_alone_is_not_a_change() -> None:
    first = build_alert(analysis(), None, now=T0)
    assert first is not None
    assert build_alert(analysis(press=(press(),)), first.snapshot, now=T0) is None


def test_the_second_side_arriving_sends_an_update_saying_so() -> None:
    first = build_alert(one_sided(), None, now=T0)
    assert first is not None
    both = with_documents(one_sided(), document("CN", CN_URL, "Xi speaks with Putin"))
    both = replace(both, one_sided=False, topics=(topic("energy", "RU"), topic("taiwan", "CN")))
    update = build_alert(both, first.snapshot, now=T0)
    assert update is not None and update.type == "update"
    assert update.changes[0] == "Beijing's account arrived"
    assert "New divergence: Energy — only Moscow mentions it" in update.changes
    assert "New divergence: Taiwan — only Beijing mentions it" in update.changes
    assert "The call is no longer one-sided" in update.changes
    assert "What changed" in render_text(update)


def test_a_chinese_language_version_and_the_aides_commentary_are_named() -> None:
    first = build_alert(analysis(), None, now=T0)
    assert first is not None
    later = with_documents(
        analysis(),
        document("CN", CN_ZH_URL, "习近平同普京通电话", language="zh"),
        document("RU", RU_ZH_URL, "Commentary by Yury Ushakov", kind="commentary"),
    )
    update = build_alert(later, first.snapshot, now=T0)
    assert update is not None
    assert update.changes == ("New readout from Beijing (zh): 习近平同普京通电话",
                              "New commentary from Moscow (en): Commentary by Yury Ushakov")


def test_a_divergence_that_disappears_is_an_update_too() -> None:
    first = build_alert(analysis(), None, now=T0)
    assert first is not None
    settled = analysis(topics=(topic("ukraine", "RU", "CN"), topic("taiwan", "RU", "CN")))
    update = build_alert(settled, first.snapshot, now=T0)
    assert update is not None
    assert update.changes == ("Taiwan is no longer mentioned by Beijing alone",)


def test_every_transition_has_its_own_fingerprint_and_a_rebuild_the_same() -> None:
    a = build_alert(analysis(), None, now=T0)
    assert a is not None and a.snapshot is not None
    b = build_alert(analysis(topics=(topic("taiwan", "CN", "RU"),)), a.snapshot, now=T0)
    assert b is not None and b.snapshot is not None
    back = build_alert(analysis(), b.snapshot, now=T0)
    assert back is not None
    assert len({a.fingerprint, b.fingerprint, back.fingerprint}) == 3
    again = build_alert(analysis(), None, now=T0)
    assert again is not None and again.fingerprint == a.fingerprint


def test_evidence_is_shortened_sensibly_in_its_own_language() -> None:
    russian = "Владимир Путин подчеркнул " + "важность стратегического партнёрства " * 20
    short = shorten(russian, 80)
    assert len(short) <= 80 and short.endswith("…") and not short[:-1].endswith(" ")
    assert russian.startswith(short[:-1])
    chinese = "习近平强调，" + "中方坚定支持" * 60
    assert len(shorten(chinese, 50)) == 50


def test_topic_filters_see_divergent_framed_and_one_sided_topics() -> None:
    framing = (Framing("blame", "RU", "us", "CN", "external_forces"),)
    alert = build_alert(analysis(framing=framing), None, now=T0)
    assert alert is not None and alert.topic_ids == {"taiwan", "us", "external_forces"}
    lonely = build_alert(one_sided(), None, now=T0)
    assert lonely is not None and lonely.topic_ids == {"energy"}
