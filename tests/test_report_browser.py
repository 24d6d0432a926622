"""The report in a real browser: Debian's headless Chromium reads the built site over HTTP on
127.0.0.1 and from disk, and the tests check the rendered DOM, never the HTML source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from rashomon.demo.server import SampleSite
from rashomon.report import Report
from rashomon.report.viewmodel import page_path
from tests.browser import chromium, recorded_page
from tests.report_calls import fixture

PUTIN_XI = "2022-06-15-putin-xi-phone"
SIDE_BY_SIDE = f"calls/{PUTIN_XI}.html"
SPANS = """els => els.map(e => ({text: e.textContent, highlight: e.className,
    marks: [...e.querySelectorAll("mark")].map(m => m.textContent),
    background: getComputedStyle(e).backgroundColor}))"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One browser for the whole test session (each test opens its own context)."""
    with chromium() as running:
        yield running


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    calls = fixture()
    Report(calls.info, calls.index).write(out, calls.analyses)
    return out


@pytest.fixture(scope="module")
def origin(site_dir: Path) -> Iterator[str]:
    with SampleSite([site_dir]).start() as site:
        yield site.origin


def spans(page: Page, side: str) -> dict[str, dict[str, Any]]:
    """The sentences of one column as rendered: text → class, marked words, background."""
    found = page.locator(f".account[data-side={side}] .document .s").evaluate_all(SPANS)
    return {item["text"]: item for item in found}


def visible_calls(page: Page) -> list[str]:
    return page.locator(".calls .call:visible a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")


# ---------------------------------------------------------------- a call's page


def test_the_two_accounts_stand_side_by_side_each_in_its_language(
        browser: Browser, origin: str) -> None:
    with recorded_page(browser) as recorded:
        page = recorded.page
        page.goto(f"{origin}/{SIDE_BY_SIDE}")
        assert page.locator(".account-head").all_inner_texts() == ["Moscow", "Beijing"]
        moscow, beijing = (page.locator(f".account[data-side={s}]").bounding_box()
                           for s in ("RU", "CN"))
        assert moscow and beijing
        assert beijing["x"] >= moscow["x"] + moscow["width"] and beijing["y"] == moscow["y"]
        languages = page.locator(".account .document").evaluate_all(
            "els => els.map(e => [e.closest('.account').dataset.side, e.lang, e.dir])")
        assert languages == [["RU", "ru", "ltr"], ["RU", "ru", "ltr"], ["CN", "zh", "ltr"]]
        assert recorded.external == []


def test_the_sentences_of_one_sided_topics_are_highlighted_with_their_words_marked(
        browser: Browser, origin: str) -> None:
    analysis = fixture().call(PUTIN_XI)
    with recorded_page(browser) as recorded:
        recorded.page.goto(f"{origin}/{SIDE_BY_SIDE}")
        for side in ("RU", "CN"):
            rendered = spans(recorded.page, side)
            divergent = {text for text, s in rendered.items() if "hl-divergent" in s["highlight"]}
            evidence = [e for f in analysis.asymmetric for e in f.evidence if e.side == side]
            assert divergent == {e.sentence for e in evidence}
            for item in evidence:
                assert set(item.matched) <= set(rendered[item.sentence]["marks"])
        colours = {s["highlight"]: s["background"] for s in spans(recorded.page, "CN").values()}
        assert len({colours["s hl-divergent"], colours["s hl-watched"], colours["s"]}) == 3


def test_chinese_text_renders_in_its_column_with_a_cjk_font(
        browser: Browser, origin: str) -> None:
    with recorded_page(browser) as recorded:
        page = recorded.page
        page.goto(f"{origin}/{SIDE_BY_SIDE}")
        title = page.locator(".account[data-side=CN] .doc-title")
        assert title.inner_text() == "习近平同俄罗斯总统普京通电话"
        column, box = page.locator(".account[data-side=CN]").bounding_box(), title.bounding_box()
        assert column and box and column["x"] <= box["x"] <= column["x"] + column["width"]
        fonts = platform_fonts(recorded.context.new_cdp_session(page),
                               ".account[data-side=CN] .doc-title .s")
        assert any("CJK" in f["familyName"] and f["glyphCount"] > 0 for f in fonts), fonts


def platform_fonts(cdp: Any, selector: str) -> list[dict[str, Any]]:
    """The fonts Chromium drew an element's text with (DevTools `CSS.getPlatformFontsForNode`)."""
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts: list[dict[str, Any]] = cdp.send("CSS.getPlatformFontsForNode",
                                           {"nodeId": node})["fonts"]
    return fonts


def test_the_topic_table_shows_each_side_with_evidence_and_marks(
        browser: Browser, origin: str) -> None:
    with recorded_page(browser) as recorded:
        page = recorded.page
        page.goto(f"{origin}/{SIDE_BY_SIDE}")
        row = page.locator("tr[data-topic=hong_kong]")
        assert row.locator("td .tick").all_inner_texts() == ["✗", "✓"]
        assert row.locator("td.yes blockquote mark").all_inner_texts() == ["涉港"]
        groups = page.locator("tr.group").all_inner_texts()
        assert [g.casefold() for g in groups] == ["watched topics", "context topics"]
        assert page.locator("ul.press li.discrepancy").count() == 1


def test_on_a_phone_the_accounts_stack_and_nothing_runs_off_the_screen(
        browser: Browser, origin: str) -> None:
    with recorded_page(browser, width=390, height=844) as recorded:
        page = recorded.page
        for path in (SIDE_BY_SIDE, "index.html"):
            page.goto(f"{origin}/{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        page.goto(f"{origin}/{SIDE_BY_SIDE}")
        moscow, beijing = (page.locator(f".account[data-side={s}]").bounding_box()
                           for s in ("RU", "CN"))
        assert moscow and beijing and beijing["y"] >= moscow["y"] + moscow["height"]


# ---------------------------------------------------------------- the index


def test_the_index_links_every_call_newest_first_and_draws_its_chart(
        browser: Browser, origin: str) -> None:
    calls = fixture().analyses
    with recorded_page(browser) as recorded:
        page = recorded.page
        page.goto(f"{origin}/index.html")
        newest_first = sorted(calls, key=lambda a: a.call.occurred_at, reverse=True)
        assert visible_calls(page) == [page_path(a.call.id) for a in newest_first]
        assert page.locator("svg.chart").is_visible()
        marks = page.locator("svg.chart .mark.divergent")
        assert marks.count() == sum(len(a.asymmetric) for a in calls)
        targets = set(marks.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
        assert targets == {page_path(a.call.id) for a in calls if a.asymmetric}
        assert recorded.external == []


def test_filtering_by_pair_and_year_hides_the_other_calls(browser: Browser, origin: str) -> None:
    with recorded_page(browser) as recorded:
        page = recorded.page
        page.goto(f"{origin}/index.html")
        page.select_option("#filter-pair", "biden+xi")
        assert visible_calls(page) == ["calls/2022-07-28-biden-xi-phone.html"]
        shown = page.locator("svg.chart .mark:visible").evaluate_all(
            "els => [...new Set(els.map(e => e.dataset.pair))]")
        assert shown == ["biden+xi"]
        page.select_option("#filter-pair", "putin+xi")
        page.select_option("#filter-year", "2022")
        assert visible_calls(page) == [f"calls/{PUTIN_XI}.html"]
        assert page.locator("#filter-count").inner_text() == "1 of 4 shown"
        page.select_option("#filter-pair", "")
        page.select_option("#filter-year", "2017")
        assert visible_calls(page) == ["calls/2017-10-26-putin-xi-phone.html"]


# ---------------------------------------------------------------- from disk, and nothing else


def test_the_site_works_from_disk(browser: Browser, site_dir: Path) -> None:
    with recorded_page(browser) as recorded:
        page = recorded.page
        page.goto((site_dir / "index.html").as_uri())
        page.select_option("#filter-year", "2020")
        assert visible_calls(page) == ["calls/2020-03-19-putin-xi-phone.html"]
        page.click(".calls .call:visible a")
        assert page.url == (site_dir / "calls" / "2020-03-19-putin-xi-phone.html").as_uri()
        assert page.locator(".missing").inner_text() == "No account from Moscow."
        head = page.locator(".account-head").first
        assert head.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
        assert any(url.endswith("/report.css") for url in recorded.requests)
        assert recorded.external == []


def test_no_page_fetches_anything_from_another_host(browser: Browser, origin: str) -> None:
    with recorded_page(browser) as recorded:
        for path in ["index.html", *(page_path(a.call.id) for a in fixture().analyses)]:
            recorded.page.goto(f"{origin}/{path}")
        assert f"{origin}/report.css" in recorded.requests
        assert recorded.external == []


def test_screenshots_show_the_pages(browser: Browser, origin: str, tmp_path: Path) -> None:
    with recorded_page(browser) as recorded:
        for path, name in ((SIDE_BY_SIDE, "call.png"), ("index.html", "index.png")):
            recorded.page.goto(f"{origin}/{path}")
            image = recorded.page.screenshot(path=tmp_path / name)
            assert image.startswith(b"\x89PNG") and len(image) > 20_000
