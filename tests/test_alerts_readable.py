"""Alerts that read well (issue 10): each sentence once per side with all its topics, cut around
the words that matched and marked, watched topics first, press by name, a link to the call's
page; on stdout, in Slack and in the webhook payload. Made from the sample site's 2022-06-15
call as the analysis reads it (`tests.report_calls`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from alerts.channels.slack import BLOCK_LIMIT, HEADER_LIMIT, SECTION_LIMIT, ZWSP, message
from alerts.channels.stdout import render_text
from alerts.message import Alert, build_alert
from alerts.payload import payload
from rashomon.models import Evidence, TopicFinding
from rashomon.text import excerpt
from tests.report_calls import fixture
from tests.test_alerts_support import T0, analysis

CALL = "2022-06-15-putin-xi-phone"
PAGE = f"https://desk.example.org/rashomon/calls/{CALL}.html"
LEADERS = {"putin": "Vladimir Putin", "xi": "Xi Jinping"}
SOURCES = {"press_demo": "The Example Post"}
FIVE_TOPICS = "坚决反对任何势力借"  # one Chinese sentence that carries five topics


def alert(evidence_chars: int = 240) -> Alert:
    found = build_alert(fixture().call(CALL), None, now=T0, leaders=LEADERS, sources=SOURCES,
                        page_url=PAGE)
    assert found is not None
    return found


def only_in(text: str) -> str:
    return text.split("Only in one account")[1].split("\nFraming")[0]


def quote_lines(text: str) -> list[str]:
    return [line for line in only_in(text).splitlines() if line.strip().startswith("• “")]


def slack_texts(body: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]


def test_each_sentence_is_quoted_once_per_side_with_all_its_topics() -> None:
    text = render_text(alert())
    assert only_in(text).count(FIVE_TOPICS) == 1  # the issue saw it five times
    [line] = [line for line in quote_lines(text) if FIVE_TOPICS in line]
    assert line.endswith("— China's global initiatives, Hong Kong, Interference in internal "
                         "affairs, Taiwan, Xinjiang source <https://www.news.cn/2022-06/15/"
                         "c_1128743266.htm>")
    quoted = [line.split("” (")[0] for line in quote_lines(text)]
    assert len(quoted) == len(set(quoted))
    section = next(t for t in slack_texts(message(alert())) if "Only in one account" in t)
    assert section.count(FIVE_TOPICS) == 1 and len(section) < 0.75 * SECTION_LIMIT


def test_watched_topics_first_then_context_each_by_label() -> None:
    lines = quote_lines(render_text(alert()))
    moscow = lines[next(i for i, line in enumerate(lines) if "(ru)" in line):]
    assert any(line.split("— ", 1)[1].startswith("Sanctions · context: Energy") for line in moscow)
    beijing = [line.rsplit("” (zh) — ", 1)[1] for line in lines if "” (zh) — " in line]
    firsts = [labels.split(",")[0].split(" ·")[0] for labels in beijing]
    assert firsts == sorted(firsts, key=str.casefold) and firsts[0] == "China's global initiatives"
    topics = [t for t in payload(alert(), "msg_1")["topics"]]
    labels = [t["label"] for t in topics]
    assert labels == sorted(labels, key=str.casefold)


def test_shortening_keeps_the_matched_words_and_marks_them() -> None:
    long = ("It was agreed to expand cooperation in many areas, " * 6
            + "taking into account the illegitimate sanctions policy pursued by the West.")
    finding = TopicFinding("sanctions", "Sanctions", True, (
        Evidence("RU", long, "http://kremlin.ru/1", "en", ("illegitimate sanctions",)),))
    found = build_alert(analysis(topics=(finding,)), None, now=T0)
    assert found is not None
    [line] = quote_lines(render_text(found, evidence_chars=80))
    said = line.split("“", 1)[1].split("” (", 1)[0]
    assert "*illegitimate sanctions*" in said and said.startswith("…")
    assert len(said.replace("*", "")) <= 80
    russian = [line for line in quote_lines(render_text(alert(), evidence_chars=60))
               if "(ru)" in line]
    assert any("*санкционной*" in line for line in russian)


@pytest.mark.parametrize("limit", [40, 60, 120, 240])
def test_an_excerpt_fits_and_its_marks_are_the_words(limit: int) -> None:
    for item in (e for f in fixture().call(CALL).topics for e in f.evidence):
        text, spans = excerpt(item.sentence, item.matched, item.language, limit)
        assert len(text) <= limit
        assert all(text[a:b] in item.matched for a, b in spans)
        assert spans or not item.matched or len(min(item.matched, key=len)) + 2 > limit


def test_slack_marks_the_words_in_bold_within_its_limits() -> None:
    body = message(alert())
    texts = slack_texts(body)
    assert f"{ZWSP}*涉港*{ZWSP}" in "".join(texts)
    assert len(body["blocks"]) <= BLOCK_LIMIT
    assert len(body["blocks"][0]["text"]["text"]) <= HEADER_LIMIT
    assert all(len(text) <= SECTION_LIMIT for text in texts)


def test_press_sources_by_their_name_never_their_id() -> None:
    text = render_text(alert())
    press = text.split("\nPress\n")[1]
    assert "The Example Post" in press and "press_demo" not in press
    assert "The Example Post" in "".join(slack_texts(message(alert())))
    item = payload(alert(), "msg_1")["press"][0]
    assert item["source"] == "press_demo" and item["source_name"] == "The Example Post"


def test_every_alert_links_to_its_page_when_the_report_is_published() -> None:
    assert f"Report: the two accounts side by side <{PAGE}>" in render_text(alert())
    assert f"<{PAGE}|the two accounts side by side>" in "".join(slack_texts(message(alert())))
    assert payload(alert(), "msg_1")["call"]["report_url"] == PAGE
    without = replace(alert(), page_url=None)
    assert "Report:" not in render_text(without)
    assert payload(without, "msg_1")["call"]["report_url"] is None


def test_the_payload_stays_version_1_and_adds_whole_sentences_with_their_words() -> None:
    body = payload(alert(), "msg_1")
    assert body["schema_version"] == 1
    assert {"schema_version", "type", "id", "created_at", "headline", "call", "one_sided",
            "sides", "only_in", "topics", "framing", "press", "changes"} <= set(body)
    assert {"id", "type", "date", "date_only", "participants", "initiator"} <= set(body["call"])
    evidence = [e for t in body["topics"] for e in t["evidence"]]
    assert all({"side", "language", "sentence", "url", "matched"} <= set(e) for e in evidence)
    sentences = body["sentences"]
    assert len({(s["side"], s["sentence"]) for s in sentences}) == len(sentences)
    [five] = [s for s in sentences if FIVE_TOPICS in s["sentence"]]
    assert five["topics"] == ["global_initiatives", "hong_kong", "interference", "taiwan",
                              "xinjiang"]
    assert "涉港" in five["matched"] and five["sentence"].endswith("。")  # whole
    energy = next(s for s in sentences if "sanctions" in s["topics"])
    assert energy["context_topics"] == ["energy"]
