"""Builders shared by the alert tests: records, a fake clock, settings and services.

No tests here; the records are built directly (the analysis that produces them is tested
on its own), the store is a real SQLite file, the network a real local receiver.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.service import AlertService
from rashomon.app import Rashomon
from rashomon.clock import utcnow
from rashomon.models import (
    Call,
    CallAnalysis,
    CrawlOutcome,
    Document,
    Evidence,
    Framing,
    PressItem,
    TopicFinding,
)
from rashomon.settings import Settings, channel_secrets, load_settings
from rashomon.store import Store

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
RU_URL = "http://en.kremlin.ru/events/president/news/70001"
RU_ZH_URL = "http://kremlin.ru/events/president/news/70001"
CN_URL = "https://www.fmprc.gov.cn/eng/zxxx/202601/t20260110_1.html"
CN_ZH_URL = "https://www.fmprc.gov.cn/zyxw/202601/t20260110_2.shtml"


class FakeClock:
    """A clock and a sleep that move together: `sleep(2)` advances `now` by two seconds."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def document(side: str = "RU", url: str = RU_URL, title: str = "Telephone conversation with "
             "President of China Xi Jinping", language: str = "en", kind: str = "readout",
             minutes: int = 65) -> Document:
    return Document(source_id="kremlin_en" if side == "RU" else "mfa_en", side=side,
                    language=language, kind=kind, url=url, title=title,
                    published_at=T0 + timedelta(minutes=minutes), paragraphs=("…",))


def topic(topic_id: str, *sides: str, sentence: str = "", watched: bool = True) -> TopicFinding:
    evidence = tuple(
        Evidence(side, sentence or f"{side} sentence about {topic_id}.",
                 RU_URL if side == "RU" else CN_URL, "en")
        for side in sides)
    return TopicFinding(topic_id, topic_id.replace("_", " ").title(), watched, evidence)


def analysis(
    documents: tuple[Document, ...] | None = None,
    topics: tuple[TopicFinding, ...] | None = None,
    framing: tuple[Framing, ...] = (),
    press: tuple[PressItem, ...] = (),
    one_sided: bool = False,
    call_id: str = "2026-01-10-putin-xi-phone",
) -> CallAnalysis:
    """By default a diverging call: Taiwan only in the Chinese account, Ukraine in both."""
    if documents is None:
        documents = (document(), document("CN", CN_URL, "Xi Jinping speaks with Putin",
                                          minutes=90))
    if topics is None:
        topics = (topic("ukraine", "RU", "CN"), topic("taiwan", "CN"))
    call = Call(id=call_id, type="phone", participants=("putin", "xi"), occurred_at=T0,
                documents=documents, initiator="putin")
    return CallAnalysis(call=call, topics=topics, framing=framing, press=press,
                        one_sided=one_sided)


def one_sided(call_id: str = "2026-01-12-putin-xi-phone") -> CallAnalysis:
    return analysis(documents=(document(),), topics=(topic("energy", "RU"),), one_sided=True,
                    call_id=call_id)


def with_documents(base: CallAnalysis, *extra: Document) -> CallAnalysis:
    call = replace(base.call, documents=(*base.call.documents, *extra))
    return replace(base, call=call)


def press(title: str = "Readouts differ on Taiwan", discusses: bool = True,
          minutes: int = 120) -> PressItem:
    return PressItem(title, f"https://press.example/{minutes}", "press_feed",
                     T0 + timedelta(minutes=minutes), discusses)


def settings(*channels: Mapping[str, Any], **alerts: Any) -> Settings:
    """The packaged defaults with these channels (none: the default stdout channel)."""
    tree: dict[str, Any] = {**alerts}
    if channels:
        tree["channels"] = [dict(c) for c in channels]
    return load_settings(env={}, overrides={"alerts": tree})


def webhook(url: str, name: str = "hook", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "webhook", "url": url, **extra}


def service(store: Store, config: Settings, clock: FakeClock | None = None,
            env: Mapping[str, str] | None = None, real_time: bool = False,
            **options: Any) -> AlertService:
    """A service on a fake clock (no real sleeping) with no jitter, unless told otherwise,
    built by the composition root; `env` is the environment the settings read secrets from."""
    fake = clock or FakeClock()
    timing = {"clock": utcnow, "sleep": time.sleep} if real_time else {
        "clock": fake, "sleep": fake.sleep}
    options.setdefault("random", lambda: 0.0)
    if env is not None:
        config = config.model_copy(update={"secrets": channel_secrets(config.alerts, env)})
    return Rashomon(config, store=store, **timing, **options).alerts


def crawl(source_id: str, finished: datetime, *, error: str | None = None,
          parse_failures: int = 0, responses: Mapping[str, int] | None = None) -> CrawlOutcome:
    return CrawlOutcome(
        source_id=source_id, started_at=finished - timedelta(seconds=30), finished_at=finished,
        requests=3, responses={"200": 3} if responses is None else responses,
        parse_failures=parse_failures, error=error,
        failed_urls=("http://en.kremlin.ru/broken",) if parse_failures else ())
