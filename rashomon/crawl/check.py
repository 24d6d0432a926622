"""The conditional check, in the parent process: has anything changed on a source's site?

Starting a crawl child costs a second of CPU (Python, Scrapy, the reactor); asking a feed with
its stored validators costs a few milliseconds and, when nothing changed, a 304 of a few
hundred bytes. So before any child starts, `ConditionalCheck` asks each source's start
addresses (`crawler.starts`: what its spider would ask first) with the stored ETag and
Last-Modified, robots.txt obeyed (`rashomon.crawl.robots`), through the paced client. A source
whose every address answered 304 is done: nothing changed. Any other answer (a 200, an error,
an address robots.txt forbids, a network failure) sends the source to the crawl child, with the
answers already got, so no site is asked twice. Hosts are asked in parallel, each host one
request at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from crawler.robots import validator_headers
from crawler.starts import failing_addresses, start_addresses
from rashomon.clock import Clock
from rashomon.crawl.fetch import Answer, NoAnswer, PacedClient
from rashomon.crawl.robots import RobotsCheck
from rashomon.settings import Source
from rashomon.store.entrypoints import EntryPointRepository
from rashomon.store.validators import ValidatorRepository

MAX_HOSTS = 8  # hosts asked at the same time


@dataclass
class SourceCheck:
    """What the check found for one source: each start address's answer, or why it has none."""

    source: Source
    addresses: list[str]
    started_at: datetime
    answers: dict[str, Answer] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    finished_at: datetime | None = None

    @property
    def unchanged(self) -> bool:
        """Every start address answered 304: there is nothing to crawl."""
        return (bool(self.addresses) and not self.problems
                and all(self.answers.get(url) is not None and self.answers[url].status == 304
                        for url in self.addresses))


class ConditionalCheck:
    """Asks sources' start addresses with their stored validators."""

    def __init__(self, client: PacedClient, robots: RobotsCheck, validators: ValidatorRepository,
                 entry_points: EntryPointRepository, clock: Clock) -> None:
        self.client, self.robots, self.validators = client, robots, validators
        self.entry_points, self.clock = entry_points, clock

    def check(self, sources: Iterable[Source]) -> list[SourceCheck]:
        """One `SourceCheck` per source, in order."""
        checks = [SourceCheck(source, self.addresses(source), self.clock()) for source in sources]
        by_host: dict[str, list[tuple[SourceCheck, str]]] = defaultdict(list)
        for check in checks:
            for url in check.addresses:
                by_host[httpx.URL(url).netloc.decode("ascii")].append((check, url))
        with ThreadPoolExecutor(max_workers=max(1, min(MAX_HOSTS, len(by_host)))) as pool:
            list(pool.map(self._ask_all, by_host.values()))
        for check in checks:
            check.finished_at = self.clock()
        return checks

    def addresses(self, source: Source) -> list[str]:
        return start_addresses(source, failing_addresses(self.entry_points, source))

    def _ask_all(self, asks: list[tuple[SourceCheck, str]]) -> None:
        """One host's addresses, one after the other."""
        for check, url in asks:
            answer = self._ask(url)
            if isinstance(answer, Answer):
                check.answers[url] = answer
            else:
                check.problems[url] = answer

    def _ask(self, url: str) -> Answer | str:
        """The site's answer, or why there is none."""
        if not self.robots.allowed(url):
            return "forbidden by robots.txt"
        headers = validator_headers(*self.validators.get([url]).get(url, (None, None)))
        try:
            return self.client.get(url, headers)
        except (httpx.HTTPError, NoAnswer) as exc:
            return f"{type(exc).__name__}: {exc}"
