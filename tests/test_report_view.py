"""The report's view model, marks, times, chart and files, without a browser."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rashomon.models import Document
from rashomon.report import Report, ReportInfo, SideInfo
from rashomon.report.chart import timeline
from rashomon.report.index import index_view
from rashomon.report.marks import direction, mark_spans, split_marked
from rashomon.report.when import duration
from tests.report_calls import analyse, fixture, settings

PUTIN_XI = "2022-06-15-putin-xi-phone"
BIDEN_XI = "2022-07-28-biden-xi-phone"
ONE_SIDED = "2020-03-19-putin-xi-phone"


def view(call_id: str) -> dict[str, Any]:
    calls = fixture()
    return Report(calls.info, calls.index).call_view(calls.call(call_id))


def sentences(column: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for doc in column["documents"] for p in doc["paragraphs"] for s in p["sentences"]]


def test_the_view_model_is_plain_json() -> None:
    for analysis in fixture().analyses:
        model = view(analysis.call.id)
        assert json.loads(json.dumps(model, ensure_ascii=False)) == model


def test_header_names_leaders_time_in_both_capitals_and_publication_delays() -> None:
    model = view(PUTIN_XI)
    assert model["pair"] == {"key": "putin+xi", "label": "Vladimir Putin – Xi Jinping"}
    assert model["time"]["utc"] == "2022-06-15T11:40:00Z"
    assert [t["text"] for t in model["time"]["local"]] == ["14:40 Moscow", "19:40 Beijing"]
    assert [c["side"] for c in model["columns"]] == ["RU", "CN"]
    assert [c["after_call"]["text"] for c in model["columns"]] == [
        "within a minute of the call", "56 min after the call"]
    assert model["status"] == "divergent"
    assert model["summary"] == "The accounts diverge on 12 topics"


def test_a_day_shift_is_spelled_out_and_the_initiator_named() -> None:
    model = view(BIDEN_XI)
    assert [t["text"] for t in model["time"]["local"]] == [
        "13:37 Washington", "2022-07-29 01:37 Beijing"]
    assert model["initiator"] == {"id": "biden", "name": "Joe Biden"}


def test_a_date_only_call_shows_its_date_and_delays_in_days() -> None:
    model = view(ONE_SIDED)
    assert model["time"] == {"utc": None, "date": "2020-03-19", "date_only": True,
                             "text": "2020-03-19", "local": []}
    assert model["status"] == "one_sided"
    assert model["summary"] == "Only Beijing reported this call"
    moscow, beijing = model["columns"]
    assert moscow["documents"] == [] and moscow["after_call"] is None
    assert beijing["after_call"] == {"seconds": None, "days": 0, "text": "the same day"}


def test_topics_watched_first_then_context_each_by_label() -> None:
    topics = view(PUTIN_XI)["topics"]
    watched = [t["label"] for t in topics if t["watched"]]
    context = [t["label"] for t in topics if not t["watched"]]
    assert [t["watched"] for t in topics] == [True] * len(watched) + [False] * len(context)
    assert watched == sorted(watched, key=str.casefold) and context == sorted(context,
                                                                             key=str.casefold)
    assert {"Energy", "Trade"} <= set(context)


def test_sentences_of_one_sided_topics_are_highlighted_as_divergent() -> None:
    analysis = fixture().call(PUTIN_XI)
    for column in view(PUTIN_XI)["columns"]:
        expected = {s for f in analysis.asymmetric for s in f.sentences(column["side"])}
        marked = {s["text"] for s in sentences(column) if s["highlight"] == "divergent"}
        assert marked == expected


def test_matched_words_are_marked_where_they_stand() -> None:
    model = view(PUTIN_XI)
    russian = sentences(model["columns"][0])
    sanctions = next(s for s in russian if "sanctions" in s["topics"])
    assert [sanctions["text"][a:b] for a, b in sanctions["marks"]] == [
        "энергетической", "санкционной"]
    chinese = next(s for s in sentences(model["columns"][1]) if "hong_kong" in s["topics"])
    assert "涉港" in [chinese["text"][a:b] for a, b in chinese["marks"]]


def test_a_topic_skipped_for_the_sides_is_not_marked() -> None:
    """`united_states` is not compared in a call with the US: its words stay unmarked."""
    us = sentences(view(BIDEN_XI)["columns"][0])
    taiwan = next(s for s in us if "United States policy" in s["text"])
    assert taiwan["topics"] == ["taiwan"]
    assert {taiwan["text"][a:b] for a, b in taiwan["marks"]} == {"Taiwan"}


def test_evidence_in_the_topic_table_carries_its_marks_and_language() -> None:
    topics = {t["id"]: t for t in view(BIDEN_XI)["topics"]}
    ukraine = topics["ukraine"]
    assert ukraine["divergent"] and not ukraine["sides"]["US"]["found"]
    [evidence] = ukraine["sides"]["CN"]["evidence"]
    assert evidence["language"] == "zh" and evidence["dir"] == "ltr"
    assert [evidence["text"][a:b] for a, b in evidence["marks"]] == ["乌克兰"]


def test_framing_and_press_flagged_oldest_first() -> None:
    model = view(PUTIN_XI)
    [framing] = model["framing"]
    assert framing["text"] == ("Moscow speaks of “Legitimacy of actions endorsed”, "
                               "Beijing of “Sovereignty and territorial integrity”")
    press = model["press"]
    assert [p["discusses_discrepancy"] for p in press] == [False, True]
    assert press[1]["after_call"]["text"] == "1 d 23 h after the call"
    assert {p["source"] for p in press} == {"The Example Post"}


@pytest.mark.parametrize(("words", "sentence", "language", "expected"), [
    (["US"], "The US and the USSR.", "en", ["US"]),
    (["Ukrain"], "Ukraine was discussed.", "en", ["Ukrain"]),
    (["台独", "台"], "反对“台独”。", "zh", ["台独"]),
    (["外部势力", "干涉"], "外部势力干涉", "zh", ["外部势力", "干涉"]),
])
def test_mark_spans(words: list[str], sentence: str, language: str,
                    expected: list[str]) -> None:
    spans = mark_spans(sentence, words, language)
    assert [sentence[a:b] for a, b in spans] == expected
    pieces = split_marked(sentence, spans)
    assert "".join(p for p, _ in pieces) == sentence
    assert [p for p, marked in pieces if marked] == expected


def test_direction_and_durations() -> None:
    assert [direction(x) for x in ("ar", "he-IL", "zh", "ru")] == ["rtl", "rtl", "ltr", "ltr"]
    assert [duration(s) for s in (59, 3600, 3660, 90000, 86400)] == [
        "0 min", "1 h", "1 h 1 min", "1 d 1 h", "1 d"]


def test_index_newest_first_with_pairs_years_and_one_mark_per_divergent_topic() -> None:
    views = [view(a.call.id) for a in fixture().analyses]
    index = index_view(views)
    assert [v["id"] for v in index["calls"]] == [BIDEN_XI, PUTIN_XI, ONE_SIDED,
                                                 "2017-10-26-putin-xi-phone"]
    assert [p["key"] for p in index["pairs"]] == ["biden+xi", "putin+xi"]
    assert index["years"] == [2022, 2020, 2017]
    chart = index["chart"]
    divergent = [m for m in chart.marks if m.kind == "divergent"]
    assert len(divergent) == sum(len(a.asymmetric) for a in fixture().analyses)
    assert [m.kind for m in chart.marks if m.kind != "divergent"] == ["one_sided"]
    assert [t.label for t in chart.ticks] == ["2018", "2019", "2020", "2021", "2022"]
    assert all(chart.left < m.x < chart.right for m in chart.marks)


def test_a_short_range_is_marked_by_months() -> None:
    views = [view(PUTIN_XI), view(BIDEN_XI)]
    labels = [t.label for t in timeline(views).ticks]
    assert labels[0] == "2022-06" and "2022-07" in labels


def test_the_site_is_self_contained(tmp_path: Path) -> None:
    calls = fixture()
    written = Report(calls.info, calls.index).write(tmp_path, calls.analyses)
    assert written[:2] == [tmp_path / "index.html", tmp_path / "report.css"]
    assert sorted(p.name for p in (tmp_path / "calls").iterdir()) == sorted(
        f"{a.call.id}.html" for a in calls.analyses)
    for page in written:
        text = page.read_text(encoding="utf-8")
        loaded = re.findall(r'<(?:script|img|iframe)[^>]*\ssrc="([^"]*)"', text)
        loaded += re.findall(r'<link[^>]*\shref="([^"]*)"', text)
        loaded += re.findall(r"url\(([^)]*)\)|@import", text)
        assert all(not re.match(r"(?i)(https?:)?//", url) for url in loaded), (page, loaded)


def test_text_is_escaped_and_a_right_to_left_account_is_marked_so(tmp_path: Path) -> None:
    arabic = Document("aljazeera", "QA", "ar", "readout", "https://example.org/a",
                      "<script>alert(1)</script> اتصال هاتفي", datetime(2024, 1, 1, tzinfo=UTC),
                      ("أجرى الرئيس اتصالاً هاتفياً.",))
    base = fixture().call(PUTIN_XI)
    call = replace(base.call, documents=(*base.call.documents, arabic))
    analysis = replace(base, call=call)
    info = replace(fixture().info, sides={**fixture().info.sides, "QA": SideInfo("Doha")})
    Report(info, fixture().index).write(tmp_path, [analysis])
    page = (tmp_path / "calls" / f"{PUTIN_XI}.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<article class="document" lang="ar" dir="rtl" data-source="aljazeera">' in page


def test_report_info_from_settings() -> None:
    info = ReportInfo.from_settings(settings())
    assert info.side("RU") == SideInfo("Moscow", "Europe/Moscow")
    assert info.side("CN") == SideInfo("Beijing", "Asia/Shanghai")
    assert info.leader("xi").name == "Xi Jinping" and info.leader("xi").side == "CN"
    assert info.source("kremlin_en") == "Kremlin (English)"
    assert info.topic("energy").watched is False
    assert info.side("XX") == SideInfo("XX", "UTC")


def test_analysis_of_the_sample_call_recognises_it() -> None:
    """The fixture's calls come out of the analysis as the pipeline would file them."""
    assert [a.call.id for a in fixture().analyses] == [
        "2017-10-26-putin-xi-phone", ONE_SIDED, PUTIN_XI, BIDEN_XI]
    assert analyse(fixture().call(PUTIN_XI).call.documents).call.id == PUTIN_XI


def test_calls_whose_accounts_agree_get_a_lane_of_their_own() -> None:
    calls = fixture()
    base = calls.call("2017-10-26-putin-xi-phone")
    agreeing = replace(base, topics=tuple(t for t in base.topics if len(t.sides) == 2))
    model = Report(calls.info, calls.index).call_view(agreeing)
    assert model["status"] == "agreeing" and model["divergent_topics"] == []
    assert model["summary"] == "The accounts raise the same watched topics"
    chart = timeline([model])
    assert [label for label, _ in chart.lanes] == ["No divergent topic"]
    assert [m.kind for m in chart.marks] == ["agreeing"]
