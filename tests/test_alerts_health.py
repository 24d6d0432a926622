"""Source health from real crawl outcomes in a real store: one alert per change, not per crawl."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.health import problem
from rashomon.demo.receiver import Receiver
from rashomon.models import CrawlOutcome
from rashomon.store import Store
from tests.conftest import make_document
from tests.test_alerts_support import T0, FakeClock, crawl, service, settings, webhook

BROKEN = {"error": "no feed or listing answered"}


def record(store: Store, clock: FakeClock, **fields: object) -> None:
    clock.advance(minutes=10)
    store.crawls.record(crawl("kremlin_en", clock.now, **fields), run_id="test")  # type: ignore[arg-type]


def health_alerts(receiver: Receiver) -> list[dict]:
    return [r.json() for r in receiver.requests if r.json()["type"] == "source_health"]


def test_three_bad_crawls_give_one_alert_then_one_recovery(store: Store,
                                                           receiver: Receiver) -> None:
    clock = FakeClock()
    with service(store, settings(webhook(receiver.url)), clock) as alerts:
        for _ in range(2):
            record(store, clock, **BROKEN)
            assert alerts.check_health(["kremlin_en"]) == 0
        for _ in range(4):  # the third bad crawl raises it; the next ones do not repeat it
            record(store, clock, **BROKEN)
            alerts.check_health(["kremlin_en"])
        record(store, clock)  # a good crawl
        assert alerts.check_health(["kremlin_en"]) == 1
        assert alerts.check_health(["kremlin_en"]) == 0
        alerts.deliver_due(wait=10)
    sent = health_alerts(receiver)
    assert [body["source"]["status"] for body in sent] == ["failing", "recovered"]
    failing = sent[0]["source"]
    assert failing["id"] == "kremlin_en" and failing["side"] == "RU"
    assert failing["reason"] == "the last 3 crawls were bad"
    assert "error: no feed or listing answered" in failing["details"][0]


def test_a_restart_does_not_repeat_a_health_alert(store: Store) -> None:
    clock = FakeClock()
    for _ in range(3):
        record(store, clock, parse_failures=2)
    with service(store, settings(), clock) as first:
        assert first.check_health(["kremlin_en"]) == 1
    with service(store, settings(), clock) as second:
        assert second.check_health(["kremlin_en"]) == 0


def test_a_good_crawl_in_between_resets_the_count(store: Store) -> None:
    clock = FakeClock()
    with service(store, settings(), clock) as alerts:
        for fields in (BROKEN, BROKEN, {}, BROKEN, BROKEN):
            record(store, clock, **fields)
            assert alerts.check_health(["kremlin_en"]) == 0


@pytest.mark.parametrize(("fields", "bad"), [
    ({}, False),
    ({"responses": {"304": 4}}, False),
    ({"responses": {"200": 1, "404": 2}}, False),
    ({"error": "crawl stopped: shutdown"}, True),
    ({"parse_failures": 1}, True),
    ({"responses": {}}, True),
    ({"responses": {"503": 3}}, True),
    ({"responses": {"403": 1, "500": 2}}, True),
])
def test_what_counts_as_a_bad_crawl(fields: dict, bad: bool) -> None:
    assert (problem(crawl("kremlin_en", T0, **fields)) is not None) == bad


def test_nothing_new_is_not_a_bad_crawl() -> None:
    quiet = CrawlOutcome("kremlin_en", T0, T0, requests=2, responses={"304": 2}, items_stored=0)
    assert problem(quiet) is None


def test_silence_raises_one_alert_and_a_new_document_one_recovery(store: Store) -> None:
    clock = FakeClock(T0)
    store.documents.save(make_document(published_at=T0))
    record(store, clock)
    with service(store, settings(), clock) as alerts:
        clock.advance(hours=95)
        assert alerts.check_health(["kremlin_en"]) == 0  # kremlin_en: silence_hours = 96
        clock.advance(hours=2)
        assert alerts.check_health(["kremlin_en"]) == 1
        clock.advance(hours=20)
        assert alerts.check_health(["kremlin_en"]) == 0
        store.documents.save(make_document(url="http://en.kremlin.ru/new",
                                          published_at=clock.now - timedelta(hours=1)))
        assert alerts.check_health(["kremlin_en"]) == 1
        messages = alerts.outbox.messages()
    assert [m.headline for m in reversed(messages)] == [
        "Source Kremlin (English) is silent: no new document for more than 96 h",
        "Source Kremlin (English) recovered: a new document, published 2026-01-15 08:10 UTC",
    ]


def test_a_source_without_silence_hours_is_never_silent(store: Store) -> None:
    clock = FakeClock(T0)
    record(store, clock)
    config = settings()
    quiet = [s.id for s in config.sources.values() if s.silence_hours == 0]
    assert quiet, "the packaged sources have one without a silence period"
    store.crawls.record(crawl(quiet[0], T0), run_id="test")
    clock.advance(hours=10_000)
    with service(store, config, clock) as alerts:
        assert alerts.check_health([quiet[0]]) == 0


def test_health_goes_only_to_operational_channels_when_one_is_named(store: Store,
                                                                    receiver: Receiver) -> None:
    clock = FakeClock()
    config = settings(webhook(receiver.url, "calls"),
                      webhook(receiver.url, "ops", operational=True, types=[]))
    for _ in range(3):
        record(store, clock, **BROKEN)
    with service(store, config, clock) as alerts:
        assert alerts.check_health(["kremlin_en"]) == 1
        assert [m.channel for m in alerts.outbox.messages()] == ["ops"]


TRANSCRIPTS = "http://en.kremlin.ru/events/president/transcripts/feed"


def answer(store: Store, clock: FakeClock, status: str, url: str = TRANSCRIPTS) -> None:
    """A good crawl of kremlin_en in which one configured address answered `status`."""
    record(store, clock)
    store.entry_points.record("kremlin_en", url, status, status.startswith("HTTP 2"), clock.now)


def test_an_address_that_keeps_failing_raises_one_alert_though_the_crawls_are_good(
        store: Store) -> None:
    """The transcripts feed answers 404 while the news feed works: every crawl is good, the
    address is not, and after `failures_before_alert` crawls the source is failing."""
    clock = FakeClock()
    with service(store, settings(), clock) as alerts:
        for _ in range(2):
            answer(store, clock, "HTTP 404")
            assert alerts.check_health(["kremlin_en"]) == 0
        first_failure = store.entry_points.states("kremlin_en")[0].failing_since
        answer(store, clock, "HTTP 404")
        assert alerts.check_health(["kremlin_en"]) == 1
        answer(store, clock, "HTTP 404")
        assert alerts.check_health(["kremlin_en"]) == 0  # not repeated
        answer(store, clock, "HTTP 200")
        assert alerts.check_health(["kremlin_en"]) == 1  # recovered
        messages = list(reversed(alerts.outbox.messages()))
    assert [m.headline for m in messages] == [
        f"Source Kremlin (English) is failing: a configured address keeps failing: "
        f"{TRANSCRIPTS} (HTTP 404)",
        "Source Kremlin (English) recovered: a crawl succeeded again",
    ]
    assert f"{TRANSCRIPTS}: HTTP 404 since {first_failure:%Y-%m-%d %H:%M} UTC (3 crawls in a row)" \
        in messages[0].body


def test_an_address_no_longer_configured_is_not_held_against_the_source(store: Store) -> None:
    clock = FakeClock()
    with service(store, settings(), clock) as alerts:
        for _ in range(3):
            answer(store, clock, "HTTP 404", "http://en.kremlin.ru/an/old/feed")
        assert alerts.check_health(["kremlin_en"]) == 0
