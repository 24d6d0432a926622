"""Selector chains, text clean-up, link rebasing, the sites' date formats, feed times and
summaries, and the external ids read from addresses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from parsel import Selector

from crawler import extract, feeds
from crawler.links import rebase
from crawler.spiders import FAMILIES
from crawler.spiders.base import drop_trailing
from rashomon.http import retry_after
from rashomon.settings import load_settings

KREMLIN_PARAGRAPH = (
    '<div class="entry-content"><p>Vladimir Putin congratulated <a href="/x">Xi Jinping'
    '<span class="read__tooltip">Chairman of the People\'s Republic of China Xi Jinping</span>'
    '</a> on his birthday.</p><div class="masha-ignore"><p>Share this</p></div></div>')


def test_tooltips_and_ignored_blocks_are_removed_before_taking_text() -> None:
    page = extract.without(KREMLIN_PARAGRAPH, ["span.read__tooltip", ".masha-ignore"])
    assert extract.texts(page, ["div.entry-content > p"]) == [
        "Vladimir Putin congratulated Xi Jinping on his birthday."]


def test_chain_falls_back_in_order_and_reads_attributes() -> None:
    page = Selector(text='<div id="detail"><p>Body</p></div>'
                         '<meta name="publishdate" content="2022-06-15 20:50:00">')
    assert extract.texts(page, ["#detailContent p", "#detail p"]) == ["Body"]
    chain = [".time", "meta[name=publishdate]::attr(content)"]
    assert extract.first_text(page, chain) == "2022-06-15 20:50:00"
    assert extract.first_text(page, [".nothing", "h1"]) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("2022-06-15", date(2022, 6, 15)),
    ("June 15, 2022, 14:40", date(2022, 6, 15)),
    ("April 1, 2025, 19:00", date(2025, 4, 1)),
    ("12 августа 2026 года, 16:30", date(2026, 8, 12)),
    ("2022年06月15日 20:50:38", date(2022, 6, 15)),
    ("2024 02/09 04:10:00", date(2024, 2, 9)),
    ("no date here", None),
    ("2022-02-30", None),
])
def test_local_dates(text: str, expected: date | None) -> None:
    assert extract.parse_local_date(text) == expected


def test_clock_and_conversion_to_utc() -> None:
    assert extract.parse_clock("June 15, 2022, 14:40") == time(14, 40)
    assert extract.parse_clock("25:99") is None
    moscow = extract.to_utc(date(2024, 2, 8), time(23, 30), "Europe/Moscow")
    beijing = extract.to_utc(date(2024, 2, 9), time(4, 10), "Asia/Shanghai")
    assert moscow == datetime(2024, 2, 8, 20, 30, tzinfo=UTC)
    assert beijing == datetime(2024, 2, 8, 20, 10, tzinfo=UTC)


def test_date_in_url() -> None:
    assert extract.date_in_url("https://english.news.cn/20220615/abc/c.html") == date(2022, 6, 15)
    assert extract.date_in_url("./202206/t20220615_10703868.html") == date(2022, 6, 15)
    legacy = "http://www.news.cn/2022-06/15/c_1128743000.htm"
    assert extract.date_in_url(legacy) == date(2022, 6, 15)


def test_trailing_editor_lines_are_dropped() -> None:
    lines = ["Xi said.", "【纠错】", "责任编辑：王四"]
    assert drop_trailing(lines, ["^【纠错】", "^责任编辑"]) == ["Xi said."]


@pytest.mark.parametrize(("href", "expected"), [
    ("http://en.kremlin.ru/events/president/news/68656",
     "http://127.0.0.1:9/kremlin_en/events/president/news/68656"),
    ("/events/president/news/68656", "http://127.0.0.1:9/kremlin_en/events/president/news/68656"),
    ("68657", "http://127.0.0.1:9/kremlin_en/events/president/news/68657"),
    ("https://www.theguardian.com/world", None),
    ("javascript:void(0)", None),
    ("http://127.0.0.1:9/kremlin_en/x#top", "http://127.0.0.1:9/kremlin_en/x"),
])
def test_links_on_known_hosts_are_rebased_onto_base_url(href: str, expected: str | None) -> None:
    overrides = {"sources": {"kremlin_en": {"base_url": "http://127.0.0.1:9/kremlin_en"}}}
    source = load_settings(env={}, overrides=overrides).sources["kremlin_en"]
    page = "http://127.0.0.1:9/kremlin_en/events/president/news/"
    assert rebase(source, href, page) == expected


def test_retry_after_in_seconds_or_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after("7", now) == 7.0
    assert retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert retry_after(None, now) is None
    assert retry_after("soon", now) is None


KREMLIN_ENTRY = {  # as feedparser gives an entry of the real Kremlin feed (feed-2020-08-27-b)
    "published": "2020-08-27T15:20:00+04:00",
    "summary": '<div class="c-summary" style="font-size: 1.2em"><p>During his working trip\nto '
               'the Republic of Crimea, Vladimir Putin took part. </p></div>  <img src="x.jpg" '
               'alt="Vladimir Putin speaks with VAD workers." />   ',
}


def test_a_feed_offset_that_is_not_trusted_gives_way_to_the_source_zone() -> None:
    """The Kremlin prints Moscow wall-clock time with +04:00 (Moscow is UTC+3 since 2014)."""
    trusted = feeds.entry_published(KREMLIN_ENTRY)
    moscow = feeds.entry_published(KREMLIN_ENTRY, "Europe/Moscow")
    assert trusted == datetime(2020, 8, 27, 11, 20, tzinfo=UTC)
    assert moscow == datetime(2020, 8, 27, 12, 20, tzinfo=UTC)  # the page's 15:20 in Moscow
    rss = {"published": "Thu, 27 Aug 2020 15:20:00 +0400"}
    assert feeds.entry_published(rss, "Europe/Moscow") == moscow


def test_the_kremlin_sources_do_not_trust_their_feeds_offset() -> None:
    sources = load_settings(env={}).sources
    assert not sources["kremlin_en"].trust_feed_offset
    assert not sources["kremlin_ru"].trust_feed_offset
    assert sources["press_bbc_world"].trust_feed_offset  # press feeds mean what they print


def test_a_feed_summary_is_clean_text() -> None:
    assert feeds.html_text(KREMLIN_ENTRY["summary"], []) == (
        "During his working trip to the Republic of Crimea, Vladimir Putin took part.")


def test_an_empty_match_falls_through_to_the_next_selector() -> None:
    page = Selector(text='<h2 class="title">Remarks on August 15, 2019</h2>'
                         '<div id="News_Body_Time"></div>')
    assert extract.first_text(page, ["#News_Body_Time", "h2.title"]) == (
        "Remarks on August 15, 2019")


def test_a_line_break_is_a_space_between_words_and_nothing_between_chinese() -> None:
    page = extract.without('<div id="t">外交部发言人陆慷就加拿大方面执意推进针对<br>中国公民</div>'
                           '<p>Putin<br>Xi</p>', [])
    assert extract.first_text(page, ["#t"]) == "外交部发言人陆慷就加拿大方面执意推进针对中国公民"
    assert extract.first_text(page, ["p"]) == "Putin Xi"


@pytest.mark.parametrize(("family", "url", "expected"), [
    ("mfa", "https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/"
            "t1617471.shtml", "t1617471"),
    ("mfa", "https://www.mfa.gov.cn/eng/xw/zyxw/202206/t20220615_10703868.html",
     "t20220615_10703868"),
    ("xinhua", "http://news.xinhuanet.com/english/2016-10/20/c_135768928.htm", "c_135768928"),
    ("xinhua", "https://english.news.cn/20220615/c2d7a1f04e3b4f1c9a6e8b2d5f7c0a93/c.html",
     "c2d7a1f04e3b4f1c9a6e8b2d5f7c0a93"),
    ("kremlin", "http://en.kremlin.ru/events/president/news/63326", "63326"),
])
def test_external_ids_as_in_the_address(family: str, url: str, expected: str) -> None:
    """Old MFA addresses (t1638467.shtml) have an id too; ids keep their `t`/`c_` as in the
    URL, so the ministry's and Xinhua's numbers can never be taken for one another."""
    spider = FAMILIES[family].__new__(FAMILIES[family])
    assert spider.external_id(url) == expected
