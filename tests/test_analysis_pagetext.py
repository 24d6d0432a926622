"""The account in a saved page (analysis.pagetext): the article, not the site around it."""

from __future__ import annotations

from rashomon.analysis.diff import page_rules
from rashomon.analysis.pagetext import page_text
from rashomon.settings import load_settings

RULES = page_rules(load_settings(env={}).sources.values())
UNKNOWN_SITE = """<html><body>
<header><a href="/">Home</a> <a href="/world">Ukraine war live</a></header>
<div class="menu"><ul><li><a href="/a">Taiwan</a></li></ul></div>
<main><h1>Leaders speak by phone</h1>
<div class="story"><p>The two leaders discussed trade.</p><p>They agreed to stay in touch.</p></div>
<ul class="related"><li><a href="/b">Sanctions on Iran tightened</a></li></ul></main>
<footer><p>© Some Ministry. Contact us about NATO.</p></footer></body></html>"""


def test_a_page_of_an_unknown_site_is_read_as_its_main_block() -> None:
    assert page_text(UNKNOWN_SITE, RULES).splitlines() == [
        "Leaders speak by phone", "The two leaders discussed trade.",
        "They agreed to stay in touch."]


def test_a_known_site_is_read_by_its_configured_selectors() -> None:
    page = """<html><body><div id="menu"><p>Ukraine</p></div>
    <div class="conTop"><h1>Xi holds talks</h1></div>
    <div id="detailContent"><p>Xi met the president.</p><p>[Editor: X]</p></div></body></html>"""
    assert page_text(page, RULES).splitlines()[:2] == ["Xi holds talks", "Xi met the president."]


def test_a_fragment_of_paragraphs_is_read_whole() -> None:
    lines = page_text("<p>第一段。</p><p>第二段。</p>", RULES).splitlines()
    assert lines == ["第一段。", "第二段。"]
