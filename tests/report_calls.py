"""Realistic analysed calls for the report's tests, made the way the pipeline makes them.

Documents come from two development calls of the real corpus (2017-10-26 Putin–Xi, Kremlin
English and CCTV Chinese; 2022-07-28 Biden–Xi, White House and CCTV) and from the sample
site's pages (2022-06-15 Putin–Xi in Russian and Chinese with the aide's commentary and press
from the sample feed; 2020-03-19, reported by Xinhua only and dated by its day). Each is
recognised, compared by topic, framed and matched to press with the analysis's own code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser

from rashomon.analysis.diff import page_rules, read_text
from rashomon.analysis.divergence import find_topics, framing_differences, one_sided, passages_of
from rashomon.analysis.leaders import LeaderIndex
from rashomon.analysis.matcher import id_base
from rashomon.analysis.pagetext import page_text
from rashomon.analysis.press import PressMatcher
from rashomon.analysis.recognise import Recogniser
from rashomon.analysis.topics import TopicIndex
from rashomon.demo.server import SITE_ROOT
from rashomon.models import Call, CallAnalysis, Document, PressItem
from rashomon.report import ReportInfo
from rashomon.settings import Settings, load_settings

REAL = Path(__file__).parent / "data" / "real" / "calls"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
CORPUS_SOURCES = {("RU", "en"): "kremlin_en", ("CN", "zh"): "cctv_zh", ("US", "en"): "whitehouse"}
EXTRA_SOURCES = {"cctv_zh": "CCTV 新闻联播", "whitehouse": "The White House",
                 "press_demo": "The Example Post"}
ZONES = {"kremlin_en": "Europe/Moscow", "kremlin_ru": "Europe/Moscow", "cctv_zh": "Asia/Shanghai",
         "xinhua_zh": "Asia/Shanghai", "whitehouse": "America/New_York"}


@dataclass(frozen=True)
class Fixture:
    """The analysed calls, oldest first, with what a report needs to show them."""

    analyses: tuple[CallAnalysis, ...]
    info: ReportInfo
    index: TopicIndex

    def call(self, call_id: str) -> CallAnalysis:
        return next(a for a in self.analyses if a.call.id == call_id)


@cache
def settings() -> Settings:
    return load_settings(env={})


@cache
def fixture() -> Fixture:
    """The four calls (built once per process: the analysis is pure)."""
    analyses = (
        analyse(corpus_documents("2017-10-26-putin-xi-phone")),
        analyse([sample_document("xinhua_zh/politics/leaders/2020-03/19/c_1125737166.htm",
                                 "xinhua_zh", "2020-03-19T00:00:00+08:00")]),
        analyse(sample_2022_06_15(), sample_press()),
        analyse(corpus_documents("2022-07-28-biden-xi-phone")),
    )
    info = ReportInfo.from_settings(settings())
    info = ReportInfo(info.leaders, info.sides, info.topics,
                      {**info.sources, **EXTRA_SOURCES})
    return Fixture(analyses, info, TopicIndex.build(settings().topics))


# ---------------------------------------------------------------- documents


def corpus_documents(call: str) -> list[Document]:
    """The documents of one corpus call, as a crawler would have stored them."""
    folder = REAL / call
    with (folder / "meta.toml").open("rb") as handle:
        meta = tomllib.load(handle)
    return [corpus_document(folder, entry) for entry in meta["documents"]]


def corpus_document(folder: Path, entry: dict[str, str]) -> Document:
    source_id = CORPUS_SOURCES[(entry["side"], entry["language"])]
    lines = _lines(read_text(folder / entry["file"], page_rules(settings().sources.values())))
    title = entry["title"]
    return Document(source_id, entry["side"], entry["language"], "readout", entry["url"],
                    title, _published(entry["published"], ZONES[source_id]),
                    tuple(line for line in lines if line != title))


def sample_2022_06_15() -> list[Document]:
    """The sample site's Kremlin readout and aide's commentary (Russian), and Xinhua's."""
    news = "kremlin_ru/events/president/news"
    return [
        sample_document(f"{news}/68656", "kremlin_ru", "2022-06-15T14:40:00+03:00",
                        url="http://kremlin.ru/events/president/news/68656"),
        sample_document(f"{news}/68657", "kremlin_ru", "2022-06-15T15:30:00+03:00",
                        kind="commentary", url="http://kremlin.ru/events/president/news/68657"),
        sample_document("xinhua_zh/2022-06/15/c_1128743266.htm", "xinhua_zh",
                        "2022-06-15T20:36:28+08:00"),
    ]


def sample_document(path: str, source_id: str, published: str, *, kind: str = "readout",
                    url: str = "") -> Document:
    """A sample-site page read by the article selectors: the title, then its paragraphs."""
    source = settings().sources[source_id]
    raw = (SITE_ROOT / path).read_text(encoding="utf-8")
    title, *paragraphs = _lines(page_text(raw, page_rules([source])))
    kept = tuple(p for p in paragraphs if not re.match(r"【纠错】|责任编辑", p))
    return Document(source_id, source.side, source.language, kind,
                    url or f"https://www.news.cn/{path.split('/', 1)[1]}", title,
                    datetime.fromisoformat(published).astimezone(UTC), kept)


def sample_press() -> list[Document]:
    """Every item of the sample press feed, as the press spider stores it."""
    feed = feedparser.parse((SITE_ROOT / "press_demo" / "rss.xml").read_bytes())
    return [Document("press_demo", "press", "en", "press", entry.link, entry.title,
                     datetime(*entry.published_parsed[:6], tzinfo=UTC),
                     (re.sub(r"<[^>]+>", "", entry.summary),)) for entry in feed.entries]


def _lines(text: str) -> list[str]:
    """Non-empty lines without leftover markup ("18<sup>th</sup>", a bare "###")."""
    cleaned = (re.sub(r"<[^>]+>", "", line).strip() for line in text.splitlines())
    return [line for line in cleaned if line.strip("# ")]


def _published(text: str, zone: str) -> datetime:
    """"2017-10-26 17:00" (the source's local time) or with an offset ("… +08:00")."""
    moment = datetime.fromisoformat(re.sub(r"\s+(?=[+-]\d\d:\d\d$)", "", text))
    return (moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))).astimezone(UTC)


# ---------------------------------------------------------------- analysis


def analyse(docs: Sequence[Document], press: Sequence[Document] = ()) -> CallAnalysis:
    """The comparison `Analyser.analyse` makes, for documents of one call. A document the
    recogniser does not take for a call (the White House readout: the US has no source) is
    filed under the call all the same, as the corpus files it, and dates it like any other
    account: the call is at its earliest account's time."""
    config = settings()
    recogniser = Recogniser(LeaderIndex(config.leaders), config.analysis, ZONES)
    found = [r for r in map(recogniser.recognise, docs) if r is not None]
    first = min(found, key=lambda r: (r.date_only, r.occurred_at))
    if not first.date_only:
        first = replace(first, occurred_at=min(doc.published_at for doc in docs))
    ordered = tuple(sorted(docs, key=lambda doc: (doc.published_at, doc.url)))
    call = Call(id_base(first, first.day.isoformat()), first.type, first.participants,
                first.occurred_at, ordered, next((r.initiator for r in found if r.initiator),
                                                 None), first.date_only)
    index = TopicIndex.build(config.topics)
    topics = find_topics(index, (p for doc in ordered for p in passages_of(doc)))
    return CallAnalysis(call, topics, framing_differences(topics, config.framing, call.sides),
                        _press(call, press), _one_sided(call),
                        config.analysis.min_divergent_topics)


def _press(call: Call, press: Sequence[Document]) -> tuple[PressItem, ...]:
    config = settings().analysis
    matcher = PressMatcher(LeaderIndex(settings().leaders), config.discrepancy,
                           config.press_before_hours, config.press_after_hours)
    start, end = matcher.window(call.occurred_at)
    items = (matcher.item(doc, call.participants) for doc in press
             if start <= doc.published_at <= end)
    return tuple(item for item in items if item is not None)


def _one_sided(call: Call) -> bool:
    leaders = settings().leaders
    expected = {leaders[p].side for p in call.participants} & {"RU", "CN"}
    return one_sided(call.sides, expected, call.occurred_at, NOW, 24)

