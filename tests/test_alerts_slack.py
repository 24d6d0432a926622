"""Slack payloads within Block Kit's limits, whatever the size of the analysis."""

from __future__ import annotations

import re
from typing import Any

from alerts.channels.slack import (
    BLOCK_LIMIT,
    HEADER_LIMIT,
    SECTION_LIMIT,
    SlackMarkup,
    fit_line,
    message,
)
from alerts.message import Alert, build_alert
from rashomon.models import Evidence, Framing, PressItem, TopicFinding
from tests.test_alerts_support import T0, analysis, document

LINK = re.compile(r"<([^<>|]+)\|([^<>]*)>")


def oversized() -> Alert:
    """200 one-sided topics with long sentences, long titles, many documents and press."""
    topics = tuple(
        TopicFinding(f"topic_{n}", f"Topic number {n} " + "with a long label " * 3, True,
                     (Evidence("CN" if n % 2 else "RU",
                               f"Sentence {n}: a very long sentence & <tags> " * 40,
                               f"https://example.org/{n}/" + "x" * 150, "en"),))
        for n in range(200))
    docs = tuple(document("RU", f"http://en.kremlin.ru/events/president/news/{n}",
                          "Long title " * 40, minutes=n) for n in range(60))
    docs += (document("CN", "https://www.fmprc.gov.cn/eng/1.html", "中方" * 300),)
    framing = tuple(Framing("label " * 30, "RU", "a", "CN", "b") for _ in range(30))
    press = tuple(PressItem("Press " * 50, f"https://press.example/{n}", "feed", T0, n % 2 == 0)
                  for n in range(20))
    found = analysis(documents=docs, topics=topics, framing=framing, press=press)
    alert = build_alert(found, None, leaders={"putin": "P" * 100, "xi": "X" * 100}, now=T0)
    assert alert is not None
    return alert


def section_texts(payload: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]


def test_an_oversized_alert_stays_within_every_limit() -> None:
    payload = message(oversized())
    blocks = payload["blocks"]
    assert len(blocks) <= BLOCK_LIMIT
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["type"] == "plain_text"
    assert len(blocks[0]["text"]["text"]) <= HEADER_LIMIT
    assert all(len(text) <= SECTION_LIMIT for text in section_texts(payload))
    assert blocks[-1]["type"] == "context" and "left out" in blocks[-1]["elements"][0]["text"]
    assert payload["text"] and len(payload["text"]) <= 3000


def test_links_are_never_cut() -> None:
    payload = message(oversized())
    for text in section_texts(payload):
        stripped = LINK.sub("", text)
        assert "<" not in stripped and ">" not in stripped, stripped[:200]
        for url, _title in LINK.findall(text):
            assert url.startswith(("http://", "https://"))


def test_long_sections_are_split_between_lines() -> None:
    payload = message(oversized())
    texts = section_texts(payload)
    assert sum(text.startswith("*Only in one account*") for text in texts) == 1
    assert len([t for t in texts if t.startswith("• “Sentence")]) >= 2
    assert all(not text.startswith("\n") and not text.endswith("\n") for text in texts)


def test_a_single_overlong_line_is_cut_before_a_link_not_inside_it() -> None:
    line = "x" * 2990 + " <https://example.org/long|title>"
    fitted = fit_line(line, SECTION_LIMIT)
    assert len(fitted) <= SECTION_LIMIT and fitted.endswith("…") and "<" not in fitted
    escaped = "y" * 2996 + "&amp;&amp;"
    assert not fit_line(escaped, SECTION_LIMIT).removesuffix("…").endswith(("&", "&am"))


def test_text_is_escaped_for_mrkdwn() -> None:
    markup = SlackMarkup()
    assert markup.text("a & <b>") == "a &amp; &lt;b&gt;"
    assert markup.link("A|B <c>", "https://x.org/a|b>") == "<https://x.org/a%7Cb%3E|A|B &lt;c&gt;>"


def test_a_small_alert_is_one_header_and_a_section_per_part() -> None:
    alert = build_alert(analysis(), None, now=T0)
    assert alert is not None
    payload = message(alert)
    assert [b["type"] for b in payload["blocks"]] == ["header"] + ["section"] * 4
    assert payload["text"] == alert.headline
