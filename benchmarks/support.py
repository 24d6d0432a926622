"""Shared by the daemon benchmarks: configuration, call C's Chinese accounts, memory readings.

Call C is the 2022-02-25 Putin–Xi phone call; the bundled sample site has only the Kremlin's
account of it. The pages below are the Chinese side's accounts (written from the facts in
the reference list of calls), in the structure of the site's existing Xinhua and MFA pages,
to be `put` on a running `SampleSite` together with an updated listing that links them.
"""

from __future__ import annotations

import base64
import multiprocessing
import re
import resource
import statistics
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rashomon.demo.receiver import Receiver
from rashomon.demo.sample import sample_config
from rashomon.demo.server import SITE_ROOT, SampleSite
from rashomon.logs import json_objects

SECRET_ENV = "RASHOMON_BENCH_SECRET"
SECRET = "whsec_" + base64.b64encode(b"rashomon benchmark secret: not for production").decode()
CALL_C = "2022-02-25-putin-xi-phone"


def daemon_config(origin: str, store_url: str, receiver_url: str,
                  interval_minutes: int | None = None) -> str:
    """`sample_config` with a signed webhook channel to the receiver (instead of stdout) and,
    when given, the same crawl interval for every source."""
    text = sample_config(origin, store_url, extra=(
        '[[alerts.channels]]\nname = "bench-webhook"\nkind = "webhook"\n'
        f'url = "{receiver_url}"\nsecret_env = "{SECRET_ENV}"\n'))
    if interval_minutes is not None:
        text = re.sub(r"^(\[sources\.[a-z0-9_]+\])$", rf"\1\ninterval_minutes = {interval_minutes}",
                      text, flags=re.MULTILINE)
    return text


def rss_mib() -> float:
    """This process's resident set size now (VmRSS), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def children_peak_rss_mib() -> float:
    """The largest peak RSS of any terminated, waited-for child process, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def median(values: list[float]) -> float:
    return statistics.median(values)


# ---------------------------------------------------------------- call C's Chinese accounts


@dataclass(frozen=True)
class NewAccount:
    """One new page of call C and the listing that now links it (both paths on the site)."""

    source_id: str
    article_path: str
    article: str
    listing_path: str
    listing: str


def _insert_after(text: str, marker: str, addition: str) -> str:
    if marker not in text:
        raise ValueError(f"listing marker not found: {marker!r}")
    return text.replace(marker, marker + addition, 1)


def _listing(source_id: str, relative: str) -> tuple[str, str]:
    return f"/{source_id}/{relative}", (SITE_ROOT / source_id / relative).read_text("utf-8")


XINHUA_EN_ARTICLE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="publishdate" content="2022-02-25 21:56:00">
<meta name="keywords" content="Xi Jinping,Vladimir Putin,Ukraine">
<title>Xi holds phone talks with Putin-Xinhua</title>
</head>
<body>
<div class="main wrapper">
  <div class="conTop">
    <div class="crumbs"><a href="https://english.news.cn/index.htm">Home</a> &gt; China</div>
    <h1>Xi holds phone talks with Putin</h1>
    <div class="infoBox clearfix">
      <div class="info"><span class="source">Source: Xinhua</span> \
<span class="time">2022-02-25 21:56:00</span></div>
    </div>
  </div>
  <div class="conLeft">
    <div class="content">
      <div id="detail">
      <div id="detailContent">
        <p>BEIJING, Feb. 25 (Xinhua) -- Chinese President Xi Jinping held phone talks with \
Russian President Vladimir Putin on Friday afternoon.</p>
        <p>Xi said that China decides its position on the Ukraine issue on the basis of the \
merits of the matter itself.</p>
        <p>It is important to abandon the Cold War mentality, attach importance to and respect \
the reasonable security concerns of every country, and form a balanced, effective and \
sustainable European security mechanism through negotiation, Xi said.</p>
        <p>China supports Russia and Ukraine in resolving the issue through negotiation, Xi \
said.</p>
        <p>Xi stressed that China's basic position of respecting the sovereignty and territorial \
integrity of all countries and abiding by the purposes and principles of the UN Charter is \
consistent.</p>
        <p>[Editor: Bench]</p>
      </div>
      </div>
    </div>
  </div>
</div>
</body>
</html>
"""

MFA_EN_ARTICLE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="ArticleTitle" content="President Xi Jinping Speaks with Russian President \
Vladimir Putin on the Phone">
<meta name="PubDate" content="2022-02-25 22:30:00">
<title>President Xi Jinping Speaks with Russian President Vladimir Putin on the Phone</title>
</head>
<body>
<div class="container w1200">
  <div class="news_header">
    <div class="news_header_title">President Xi Jinping Speaks with Russian President Vladimir \
Putin on the Phone</div>
    <div class="news_header_info"><span class="xltime">2022-02-25 22:30</span>\
<span class="xlsource">Source: Ministry of Foreign Affairs</span></div>
  </div>
  <div class="content_text">
    <div class="trs_editor_view TRS_UEDITOR trs_paper_default trs_web">
        <p>On the afternoon of February 25, 2022, President Xi Jinping spoke with Russian \
President Vladimir Putin on the phone.</p>
        <p>President Xi Jinping stressed that China determines its position on the basis of the \
merits of the Ukraine issue itself. It is important to abandon the Cold War mentality, attach \
importance to and respect the reasonable security concerns of all countries, and reach a \
balanced, effective and sustainable European security mechanism through negotiation.</p>
        <p>China supports Russia and Ukraine in resolving the issue through negotiation. China's \
basic position of respecting the sovereignty and territorial integrity of all countries and \
abiding by the purposes and principles of the UN Charter is consistent.</p>
    </div>
  </div>
</div>
</body>
</html>
"""

XINHUA_ZH_ARTICLE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="keywords" content="习近平,普京,通电话">
<title>习近平同俄罗斯总统普京通电话-新华网</title>
</head>
<body>
<div class="header domPC">
  <div class="header-top clearfix">
    <div class="header-time left">
      <span class="year"><em> 2022</em></span>
      <span class="day"><em> 02</em>/<em>25</em></span>
      <span class="time"> 21:53:10</span>
    </div>
    <div class="source">来源：新华社</div>
  </div>
  <div class="head-line clearfix">
    <h1><span class="title">习近平同俄罗斯总统普京通电话</span></h1>
  </div>
</div>
<div class="main clearfix">
  <div class="main-left left">
    <div id="detail">
      <p>新华社北京2月25日电 2月25日下午，国家主席习近平同俄罗斯总统普京通电话。</p>
      <p>习近平强调，中方根据乌克兰问题本身的是非曲直决定中方立场。要摒弃冷战思维，\
重视和尊重各国合理安全关切，通过谈判形成均衡、有效、可持续的欧洲安全机制。\
中方支持俄方同乌方通过谈判解决问题。</p>
      <p>中方尊重各国主权和领土完整、遵守联合国宪章宗旨和原则的基本立场是一贯的。</p>
      <p>【纠错】</p>
      <p>责任编辑：基准</p>
    </div>
  </div>
</div>
</body>
</html>
"""


def xinhua_en_account() -> NewAccount:
    """Xinhua's English account, linked from `list/china-politics.htm`."""
    hexid = "5f2a0c7e9b1d4e3a8c6f0b2d4e6a8c10"
    listing_path, listing = _listing("xinhua_en", "list/china-politics.htm")
    item = ('\n    <div class="item item-style1">\n      <div class="txt">\n'
            f'        <div class="tit"><a href="https://english.news.cn/20220225/{hexid}/c.html" '
            'target="_blank">Xi holds phone talks with Putin</a></div>\n'
            '        <div class="time">2022-02-25 21:56:00</div>\n      </div>\n    </div>')
    return NewAccount("xinhua_en", f"/xinhua_en/20220225/{hexid}/c.html", XINHUA_EN_ARTICLE,
                      listing_path, _insert_after(listing, '<div id="list" class="list">', item))


def xinhua_zh_account() -> NewAccount:
    """Xinhua's Chinese account, linked from `politics/index.htm`."""
    relative = "politics/leaders/2022-02/25/c_1128417197.htm"
    listing_path, listing = _listing("xinhua_zh", "politics/index.htm")
    item = ('\n    <div class="item item-style1">\n      <div class="txt">\n'
            f'        <div class="tit"><a href="http://www.news.cn/{relative}" target="_blank">'
            '习近平同俄罗斯总统普京通电话</a></div>\n'
            '        <div class="time">2022-02-25 21:53:10</div>\n      </div>\n    </div>')
    return NewAccount("xinhua_zh", f"/xinhua_zh/{relative}", XINHUA_ZH_ARTICLE, listing_path,
                      _insert_after(listing, '<div id="list" class="list">', item))


def mfa_en_account() -> NewAccount:
    """The Foreign Ministry's English account, linked from the Top News listing."""
    relative = "202202/t20220225_10645701.html"
    listing_path, listing = _listing("mfa_en", "eng/xw/zyxw/index.html")
    item = (f'\n      <li><a href="./{relative}">President Xi Jinping Speaks with Russian '
            'President Vladimir Putin on the Phone</a><span>2022-02-25</span></li>')
    return NewAccount("mfa_en", f"/mfa_en/eng/xw/zyxw/{relative}", MFA_EN_ARTICLE, listing_path,
                      _insert_after(listing, '<div class="news_list">\n    <ul>', item))


def publish(site: SampleSite, account: NewAccount) -> None:
    """The article first, then the listing that links it (as a site would publish them)."""
    site.put(account.article_path, account.article)
    site.put(account.listing_path, account.listing)


# ---------------------------------------------------------------- servers in another process


def _serve(connection: Connection) -> None:
    with SampleSite() as site, Receiver() as receiver:
        connection.send((site.origin, receiver.url))
        while True:
            try:
                command = connection.recv()
            except EOFError:
                return
            if command == "stop":
                connection.send(len(receiver.requests))
                return
            connection.send(len(receiver.requests))


class RemoteServers:
    """A SampleSite and a Receiver in a child process, so that their request logs and threads
    do not count in the memory of the process being measured."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(target=_serve, args=(child_end,), daemon=True,
                                        name="bench-servers")

    def __enter__(self) -> RemoteServers:
        self._process.start()
        if not self._connection.poll(60):
            raise RuntimeError("the sample site did not start within 60 s")
        self.origin, self.receiver_url = self._connection.recv()
        return self

    def received(self) -> int:
        """How many requests the receiver got so far."""
        self._connection.send("count")
        return int(self._connection.recv())

    def __exit__(self, *exc: object) -> None:
        try:
            self._connection.send("stop")
            self._connection.poll(10)
        finally:
            self._connection.close()
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=5)


def log_events(log: Path) -> list[dict[str, Any]]:
    """The entries of a daemon's JSON log (`--log-format json`), skipping any other line."""
    if not log.exists():
        return []
    return list(json_objects(log.read_text("utf-8", "replace").splitlines()))
