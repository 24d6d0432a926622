"""A site with a listing as long as a test needs, whose articles can be slow or hang.

`ListingSite` is the sample site plus, under a prefix, a Xinhua-style listing of `links`
generated articles (`/<prefix>/list/big.htm`) and the articles themselves. Each article waits
`delay` seconds, and then until `gate` is set, before it answers: a slow or hung source, for
real, over HTTP on 127.0.0.1. `source_toml` is the configuration of a source reading it.
"""

from __future__ import annotations

import re
import threading
import time

from rashomon.demo.server import SITE_ROOT, Headers, Reply, Resource, SampleSite, full_reply
from tests.sites import BROKEN_ROOT

LISTING = "/list/big.htm"
ARTICLE = re.compile(r"^/(?P<prefix>[a-z_]+)/20240102/(?P<hex>[0-9a-f]{32})/c\.html$")
STARTED = time.time()


class ListingSite(SampleSite):
    """The sample site and a generated listing of `links` articles under `prefix`."""

    def __init__(self, prefix: str = "big", links: int = 100, delay: float = 0.0,
                 host: str = "127.0.0.1") -> None:
        super().__init__([SITE_ROOT, BROKEN_ROOT], host=host)
        self.prefix, self.links, self.delay = prefix, links, delay
        self.gate = threading.Event()
        self.gate.set()
        self.articles_asked = 0  # requests for articles that arrived
        self.articles_served = 0  # articles answered

    def answer(self, method: str, path: str, request: Headers) -> Reply:
        if path == f"/{self.prefix}{LISTING}":
            return full_reply(Resource(self.listing().encode(), {"Content-Type": "text/html"},
                                       STARTED), request)
        match = ARTICLE.match(path)
        if match and match["prefix"] == self.prefix:
            return self.article(int(match["hex"], 16))
        return super().answer(method, path, request)

    def listing(self) -> str:
        items = "".join(
            f'<div class="item"><div class="tit"><a href="{article_path(n)}">Story {n}</a>'
            f'</div></div>' for n in range(self.links))
        return f'<html><body><div id="list" class="list">{items}</div></body></html>'

    def article(self, number: int) -> Reply:
        self.articles_asked += 1
        time.sleep(self.delay)
        self.gate.wait()
        self.articles_served += 1
        body = (f'<html><body><div class="conTop"><h1>Story {number}</h1>'
                f'<div class="time">2024-01-02 10:{number % 60:02d}:00</div></div>'
                f'<div id="detailContent"><p>The text of story {number}.</p></div>'
                '</body></html>')
        return Reply(200, {"Content-Type": "text/html; charset=utf-8"}, body)


def article_path(number: int) -> str:
    """An article's path below the prefix (as the listing links it)."""
    return f"/20240102/{number:032x}/c.html"


def source_toml(source_id: str, site: SampleSite, prefix: str = "big") -> str:
    """A source of the Xinhua family reading the generated listing, following every link."""
    return (f'[sources.{source_id}]\nextends = "xinhua_en"\nbase_url = "{site.origin}/{prefix}"\n'
            f'follow = []\npaths = {{ listings = ["{LISTING}"], datasources = [] }}\n')
