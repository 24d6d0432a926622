"""robots.txt for the parent's in-process checks, kept in the store like the crawl child's.

`RobotsCheck.allowed(url)` reads the site's robots.txt as kept in the store (`crawler.robots`
says how the kept copy is read and when it must be asked again); an expired copy is asked
again conditionally through the paced client, so an idle hour costs no robots.txt at all and
an idle day one 304 per site.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from crawler.robots import RobotsRules, answered, conditional_headers, fresh, origin_of, robots_url
from rashomon.clock import Clock
from rashomon.crawl.fetch import NoAnswer, PacedClient
from rashomon.settings import CrawlConfig
from rashomon.store.robots import RobotsFile, RobotsRepository


class RobotsCheck:
    """Whether robots.txt lets us fetch a URL, from the kept copy while it is fresh."""

    def __init__(self, config: CrawlConfig, repository: RobotsRepository, client: PacedClient,
                 clock: Clock) -> None:
        self.config, self.repository, self.client, self.clock = config, repository, client, clock
        self.ttl = timedelta(hours=config.robots_ttl_hours)
        self._parsed: dict[tuple[str, str], RobotsRules] = {}

    def allowed(self, url: str) -> bool:
        if not self.config.obey_robots:
            return True
        return self.rules(origin_of(url)).allowed(url)

    def rules(self, origin: str) -> RobotsRules:
        file = self.file(origin)
        text = file.text if file is not None else ""
        key = (origin, text)
        if key not in self._parsed:
            self._parsed[key] = RobotsRules(text, self.config.user_agent)
        return self._parsed[key]

    def file(self, origin: str) -> RobotsFile | None:
        """The kept file while fresh; else what the site answers now (a 304 keeps it)."""
        kept = self.repository.get(origin)
        if fresh(kept, self.clock(), self.ttl):
            return kept
        try:
            answer = self.client.get(robots_url(origin), conditional_headers(kept),
                                     follow_redirects=True)
        except (httpx.HTTPError, NoAnswer):
            return kept  # unreachable: the kept copy, or none (all allowed, as Scrapy does)
        headers = {name.lower(): value for name, value in answer.headers}
        new = answered(origin, kept, answer.status, answer.body, headers, self.clock())
        if new is not None:
            self.repository.save(new)
        return new or kept
