"""The sample site server, and the sample pages themselves.

The server is exercised over real HTTP with httpx; the pages are checked against the first
selector of each chain in the packaged `sources.toml`, so a fixture can never drift away from
the configuration the spiders use (except the pages that exist to exercise a fallback).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest
from parsel import Selector

from rashomon.demo.server import (
    ATOM,
    HTML,
    SIDECAR_SUFFIX,
    SITE_ROOT,
    Headers,
    Reply,
    SampleSite,
    content_type,
    http_date,
)
from rashomon.settings import load_settings

BROKEN_ROOT = Path(__file__).parent / "fixtures" / "broken"
FEED_TYPES = (ATOM, "application/rss+xml")
KREMLIN_NEWS = "/kremlin_en/events/president/news"
DELETED_MFA = "/mfa_en/eng/xw/zyxw/202206/t20220616_10704000.html"

# Article pages that deliberately use an older template: the title, date or body is only
# reachable through a later selector of the chain.
FALLBACK_PAGES = {
    "xinhua_zh/politics/leaders/2020-03/19/c_1125737166.htm",      # legacy xinhuanet.com
    "mfa_en/eng/xw/zyxw/202402/t20240209_11242612.html",          # template (b)
    "mfa_zh/web/wjdt_674879/gjldrhd_674881/202206/t20220615_10703757.shtml",  # legacy (d)
}
ARTICLE_PATTERNS = {
    "kremlin": re.compile(r"events/president/news/\d+$"),
    "xinhua": re.compile(r"(/c\.html|/c_\d+\.htm)$"),
    "mfa": re.compile(r"/t\d{8}_\d+\.s?html$"),
}
LISTING_PATTERNS = {
    "kremlin": re.compile(r"events/president/news/(index\.html|page/\d+)$"),
    "xinhua": re.compile(r"(list/[\w-]+\.htm|politics/index\.htm)$"),
    "mfa": re.compile(r"/(zyxw|gjldrhd_674881)/index(_\d+)?\.s?html$"),
}


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite([SITE_ROOT, BROKEN_ROOT]) as running:
        yield running


@pytest.fixture
def client(site: SampleSite) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.origin, timeout=10) as http:
        yield http


@pytest.fixture
def tmp_site(tmp_path: Path) -> Iterator[tuple[SampleSite, httpx.Client, Path]]:
    """A server over a scratch root, for tests that need files of their own."""
    root = tmp_path / "root"
    root.mkdir()
    with SampleSite([root]) as running, httpx.Client(base_url=running.origin,
                                                     timeout=10) as http:
        yield running, http, root


def put_file(root: Path, relative: str, data: bytes | str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ---------------------------------------------------------------- addresses and lifecycle


def test_addresses_and_lifecycle() -> None:
    sample = SampleSite()
    with pytest.raises(RuntimeError):
        _ = sample.port
    with sample:
        assert sample.port > 0
        assert sample.origin == f"http://127.0.0.1:{sample.port}"
        assert sample.base_url("kremlin_en") == f"{sample.origin}/kremlin_en"
        assert sample.roots == [SITE_ROOT]
        assert httpx.get(sample.url(KREMLIN_NEWS)).status_code == 200
    with pytest.raises(RuntimeError):
        _ = sample.port


# ---------------------------------------------------------------- files and content types


def test_directory_is_served_by_its_index(client: httpx.Client) -> None:
    listing = client.get(KREMLIN_NEWS)
    assert listing.status_code == 200
    assert listing.headers["content-type"] == HTML
    assert 'data-id="68656"' in listing.text
    feed = client.get(KREMLIN_NEWS + "/feed")  # a directory holding index.atom and page/2
    assert feed.status_code == 200
    assert feed.headers["content-type"] == ATOM
    assert client.get(KREMLIN_NEWS + "/feed/page/2").headers["content-type"] == ATOM


@pytest.mark.parametrize(("name", "body", "expected"), [
    ("a.html", "<p>x</p>", HTML),
    ("b.htm", "<p>x</p>", HTML),
    ("c.shtml", "<p>x</p>", HTML),
    ("d.xml", "<rss/>", "application/rss+xml"),
    ("e.rss", "<rss/>", "application/rss+xml"),
    ("f.atom", "<feed/>", ATOM),
    ("g.json", "{}", "application/json"),
    ("sniffed_xml", '<?xml version="1.0"?><feed/>', ATOM),
    ("sniffed_feed", "\ufeff\n  <feed xmlns='http://www.w3.org/2005/Atom'/>", ATOM),
    ("sniffed_rss", "\n\t<rss version='2.0'/>", ATOM),
    ("sniffed_html", "<!DOCTYPE html><html></html>", HTML),
])
def test_content_type_by_extension_or_sniffing(
        tmp_site: tuple[SampleSite, httpx.Client, Path], name: str, body: str,
        expected: str) -> None:
    _, http, root = tmp_site
    put_file(root, f"p/{name}", body)
    response = http.get(f"/p/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == expected
    assert response.content == body.encode("utf-8")


def test_sidecar_headers_override_defaults_and_are_never_served(client: httpx.Client) -> None:
    response = client.get("/broken_press_html/feed.xml")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert client.get("/broken_press_html/feed.xml" + SIDECAR_SUFFIX).status_code == 404
    assert client.get("/_redirects.txt").status_code == 404


def test_first_root_wins_and_later_roots_fill_in(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    put_file(first, "p/shared.html", "first")
    put_file(second, "p/shared.html", "second")
    put_file(second, "p/only.html", "only in second")
    with SampleSite([first, second]) as sample, httpx.Client(base_url=sample.origin) as http:
        assert http.get("/p/shared.html").text == "first"
        assert http.get("/p/only.html").text == "only in second"


def test_missing_paths_robots_and_escapes_are_404(client: httpx.Client) -> None:
    assert client.get("/kremlin_en/events/president/news/1").status_code == 404
    assert client.get("/robots.txt").status_code == 404
    assert client.get("/").status_code == 404
    assert client.get("/kremlin_en/%2e%2e/%2e%2e/server.py").status_code == 404


def test_head_has_headers_but_no_body(client: httpx.Client) -> None:
    full = client.get(KREMLIN_NEWS)
    head = client.head(KREMLIN_NEWS)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(full.content))
    assert head.headers["etag"] == full.headers["etag"]


# ---------------------------------------------------------------- conditional GET


def test_if_none_match_answers_304(client: httpx.Client) -> None:
    first = client.get(KREMLIN_NEWS + "/feed")
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    again = client.get(KREMLIN_NEWS + "/feed", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get(KREMLIN_NEWS + "/feed", headers={"If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304
    other = client.get(KREMLIN_NEWS + "/feed", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200 and other.content == first.content


def test_if_modified_since_answers_304_unless_older(client: httpx.Client) -> None:
    first = client.get("/press_demo/rss.xml")
    modified = first.headers["last-modified"]
    assert client.get("/press_demo/rss.xml",
                      headers={"If-Modified-Since": modified}).status_code == 304
    older = http_date(time.time() - 10 * 365 * 86400)
    assert client.get("/press_demo/rss.xml",
                      headers={"If-Modified-Since": older}).status_code == 200
    # If-None-Match takes precedence: a stale tag means 200 even with a fresh date.
    both = {"If-Modified-Since": modified, "If-None-Match": '"stale"'}
    assert client.get("/press_demo/rss.xml", headers=both).status_code == 200


def test_last_modified_is_the_file_mtime(tmp_site: tuple[SampleSite, httpx.Client, Path]) -> None:
    _, http, root = tmp_site
    path = put_file(root, "p/page.html", "<p>old</p>")
    os.utime(path, (1_600_000_000, 1_600_000_000))
    assert http.get("/p/page.html").headers["last-modified"] == http_date(1_600_000_000)


# ---------------------------------------------------------------- redirects


def test_redirect_to_the_mfa_system_page(client: httpx.Client) -> None:
    raw = client.get(DELETED_MFA)
    assert raw.status_code == 302
    assert raw.headers["location"] == "/mfa_en/web/system/index_17321.shtml"
    followed = client.get(DELETED_MFA, follow_redirects=True)
    assert followed.status_code == 200
    assert "index_17321" in str(followed.url)
    assert "does not exist" in followed.text


# ---------------------------------------------------------------- runtime content


def test_scripted_replies_are_consumed_in_order_then_files_resume(
        site: SampleSite, client: httpx.Client) -> None:
    path = "/press_demo/rss.xml"
    site.script(path, [Reply(503), Reply(429, {"Retry-After": "7"}, "slow down")])
    site.script(path, [Reply(500, body=b"oops")])
    statuses = [client.get(path) for _ in range(4)]
    assert [r.status_code for r in statuses] == [503, 429, 500, 200]
    assert statuses[1].headers["retry-after"] == "7" and statuses[1].text == "slow down"
    assert statuses[3].headers["content-type"] == "application/rss+xml"
    assert [r.status for r in site.requests_to(path)] == [503, 429, 500, 200]


def test_put_adds_and_replaces_content_and_delete_makes_404(
        site: SampleSite, client: httpx.Client) -> None:
    new = "/xinhua_en/20220616/00000000000000000000000000000000/c.html"
    assert client.get(new).status_code == 404
    site.put(new, "<html><body><h1>Second account</h1></body></html>")
    added = client.get(new)
    assert added.status_code == 200 and "Second account" in added.text
    assert added.headers["content-type"] == HTML
    assert client.get(new, headers={"If-None-Match": added.headers["etag"]}).status_code == 304

    feed = KREMLIN_NEWS + "/feed"
    before = client.get(feed)
    site.put(feed, before.content.replace(b"all-time high", b"highest level ever"),
             {"X-Edited": "yes"})
    after = client.get(feed, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and b"highest level ever" in after.content
    assert after.headers["content-type"] == ATOM and after.headers["x-edited"] == "yes"

    site.delete(feed)
    assert client.get(feed).status_code == 404
    site.put(feed, before.content)
    assert client.get(feed).content == before.content


def test_request_log(site: SampleSite, client: httpx.Client) -> None:
    client.get(KREMLIN_NEWS + "?page=1", headers={"User-Agent": "Rashomon-test/1"})
    client.head(KREMLIN_NEWS)
    client.get("/nowhere")
    log = site.requests
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", KREMLIN_NEWS, 200), ("HEAD", KREMLIN_NEWS, 200), ("GET", "/nowhere", 404)]
    assert log[0].query == "page=1"
    assert log[0].headers["User-Agent"] == log[0].headers["user-agent"] == "Rashomon-test/1"
    assert isinstance(log[0].headers, Headers) and log[0].headers.get("X-Missing") is None
    assert log[0].time <= log[1].time <= log[2].time <= time.monotonic()
    assert len(site.requests_to(KREMLIN_NEWS)) == 2
    assert len(site.requests_to("nowhere")) == 1  # leading slash optional
    site.clear_log()
    assert site.requests == []


def test_post_only_to_receivers(site: SampleSite, client: httpx.Client) -> None:
    hook = client.post("/hooks/receiver", json={"alert": "divergence"})
    assert hook.status_code == 200
    assert client.post("/press_demo/rss.xml", content=b"x").status_code == 405
    assert client.put("/press_demo/rss.xml", content=b"x").status_code == 405
    entry = site.requests_to("/hooks/receiver")[0]
    assert entry.method == "POST" and entry.body == b'{"alert":"divergence"}'
    site.script("/hooks/receiver", [Reply(500)])
    assert client.post("/hooks/receiver", content=b"retry me").status_code == 500
    assert site.requests_to("/hooks/receiver")[-1].body == b"retry me"


def test_answer_can_be_called_directly(site: SampleSite) -> None:
    reply = site.answer("GET", KREMLIN_NEWS + "/feed", Headers())
    assert reply.status == 200 and reply.body.startswith(b"<?xml")


# ---------------------------------------------------------------- the sample pages


SETTINGS = load_settings(env={})


def site_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(
        SIDECAR_SUFFIX) and p.name != "_redirects.txt")


def source_of(relative: str) -> tuple[str, str] | None:
    """(source id, family) of a page under the bundled site, None for press prefixes."""
    prefix = relative.split("/", 1)[0]
    source = SETTINGS.sources.get(prefix)
    return (prefix, source.family) if source is not None else None


def matches(page: Selector, css: str) -> bool:
    return any(value.strip() if isinstance(value, str) else value
               for value in page.css(css).getall())


@pytest.mark.parametrize("path", site_files(SITE_ROOT),
                         ids=lambda p: str(p.relative_to(SITE_ROOT)))
def test_every_sample_file_parses(path: Path) -> None:
    relative = str(path.relative_to(SITE_ROOT))
    body = path.read_bytes()
    kind = content_type(path.name, body)
    if kind in FEED_TYPES:
        feed = feedparser.parse(body)
        assert not feed.bozo, feed.get("bozo_exception")
        if not relative.endswith("transcripts/feed"):
            assert feed.entries
        return
    assert kind == HTML
    page = Selector(text=body.decode("utf-8"))
    assert page.css("html body")
    owner = source_of(relative)
    if owner is None:
        return
    source = SETTINGS.sources[owner[0]]
    if ARTICLE_PATTERNS[owner[1]].search(relative):
        check_article(page, relative, source.selectors)
    elif LISTING_PATTERNS[owner[1]].search(relative):
        first = source.selectors["listing_item"][0]
        items = page.css(first)
        assert items, f"{relative}: no {first}"
        assert all(item.css(source.selectors["listing_link"][0]).get() for item in items)


def check_article(page: Selector, relative: str, selectors: dict[str, list[str]]) -> None:
    """The first selector of each chain matches, or (fallback pages) a later one does."""
    for field in ("title", "date", "body"):
        chain = selectors[field]
        if relative in FALLBACK_PAGES:
            assert any(matches(page, css) for css in chain), (relative, field)
        else:
            assert matches(page, chain[0]), (relative, field, chain[0])
    if relative in FALLBACK_PAGES:
        assert not matches(page, selectors["title"][0]), relative
    if "article" in selectors:  # Kremlin: container, lead, tooltips to remove
        assert matches(page, selectors["article"][0])
        assert matches(page, selectors["lead"][0])
        assert page.css("div.read__internal_content > p span.read__tooltip")
        assert page.css("div.masha-ignore") and page.css(".read__bottommeta")


def test_kremlin_feed_pages_and_listings_agree() -> None:
    for lang in ("en", "ru"):
        news = SITE_ROOT / f"kremlin_{lang}" / "events/president/news"
        one = feedparser.parse((news / "feed/index.atom").read_bytes())
        two = feedparser.parse((news / "feed/page/2").read_bytes())
        ids = [e.id.rsplit("/", 1)[1] for e in one.entries]
        assert ids == ["73410", "68657", "68656", "67851", "63031"]
        assert [e.id.rsplit("/", 1)[1] for e in two.entries] == ["62183"]  # backfill only
        next_links = [link.href for link in one.feed.links if link.rel == "next"]
        host = "http://en.kremlin.ru" if lang == "en" else "http://kremlin.ru"
        assert next_links == [f"{host}/events/president/news/feed/page/2"]
        assert not [link for link in two.feed.links if link.rel == "next"]
        # As the real feed (tests/fixtures/real/kremlin): Moscow wall-clock time with a false
        # +04:00, an HTML summary that also opens the content, no categories.
        assert all(e.published.endswith("+04:00") for e in one.entries + two.entries)
        assert all("read__tooltip" in e.content[0].value for e in one.entries)
        assert all(e.content[0].value.startswith(e.summary) and 'class="c-summary"' in e.summary
                   for e in one.entries)
        assert not any(e.get("tags") for e in one.entries + two.entries)
        listing = Selector(text=(news / "index.html").read_text(encoding="utf-8"))
        assert listing.css("div.hentry_event::attr(data-id)").getall() == ids[:4]
        stamps = listing.css("time.published::attr(datetime)").getall()
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) for s in stamps)


# Topic discipline: the sample calls are only useful if each side says what it is meant to.
CHINESE_SIDE_A = ["xinhua_en/20220615", "xinhua_zh/2022-06", "mfa_en/eng/xw/zyxw/202206/t20220615",
                  "mfa_zh/web/wjdt_674879/gjldrhd_674881/202206"]
KREMLIN_ARTICLES = [f"kremlin_{lang}/events/president/news/{n}" for lang in ("en", "ru")
                    for n in (73410, 68657, 68656, 67851, 63031)]
CALL_B = ["kremlin_en/events/president/news/63031", "kremlin_ru/events/president/news/63031",
          "xinhua_en/20200319", "xinhua_zh/politics/leaders/2020-03"]


def visible_text(relative_prefix: str) -> str:
    pages = [p for p in site_files(SITE_ROOT)
             if str(p.relative_to(SITE_ROOT)).startswith(relative_prefix)]
    assert pages, relative_prefix
    return " ".join(" ".join(Selector(text=p.read_text(encoding="utf-8")).css(
        "body ::text").getall()) for p in pages)


@pytest.mark.parametrize("prefix", CHINESE_SIDE_A)
def test_chinese_accounts_of_call_a_omit_kremlin_only_claims(prefix: str) -> None:
    text = visible_text(prefix).lower()
    for word in ("military", "all-time", "unprecedented", "legitimacy", "军事", "前所未有"):
        assert word not in text, (prefix, word)


@pytest.mark.parametrize("prefix", KREMLIN_ARTICLES)
def test_kremlin_texts_omit_chinese_only_claims(prefix: str) -> None:
    text = visible_text(prefix).lower()
    for word in ("xinjiang", "hong kong", "taiwan", "global security initiative", "синьцзян",
                 "гонконг", "тайван", "глобальной безопасности"):
        assert word not in text, (prefix, word)


@pytest.mark.parametrize("prefix", CALL_B)
def test_call_b_stays_off_contested_topics(prefix: str) -> None:
    text = visible_text(prefix).lower()
    for word in ("military", "taiwan", "united states", "sanction", "ukraine", "visit",
                 "all-time", "военн", "санкци", "украин", "сша", "визит", "台湾", "美国",
                 "制裁", "乌克兰", "军事", "访问"):
        assert word not in text, (prefix, word)


# ---------------------------------------------------------------- the broken fixtures


def test_broken_fixtures_are_broken_in_the_intended_way() -> None:
    kremlin = BROKEN_ROOT / "broken_kremlin/events/president/news"
    assert feedparser.parse((kremlin / "feed").read_bytes()).bozo
    maintenance = Selector(text=(kremlin / "99001").read_text(encoding="utf-8"))
    chains = SETTINGS.sources["kremlin_en"].selectors
    assert not any(maintenance.css(css) for css in chains["article"] + chains["title"])
    assert feedparser.parse((BROKEN_ROOT / "broken_press_truncated/feed.xml").read_bytes()).bozo
    encoded = (BROKEN_ROOT / "broken_press_encoding/feed.xml").read_bytes()
    assert encoded.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    with pytest.raises(UnicodeDecodeError):
        encoded.decode("utf-8")
    assert "Путин" in encoded.decode("cp1251")
    mfa = Selector(text=(BROKEN_ROOT / "broken_mfa/eng/xw/zyxw/202206/t20220617_1.html")
                   .read_text(encoding="utf-8"))
    mfa_chains = SETTINGS.sources["mfa_en"].selectors
    assert not any(matches(mfa, css) for css in mfa_chains["title"] + mfa_chains["body"])
