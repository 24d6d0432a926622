"""The one composition root: every part of Rashomon built once, on first use, from the settings.

    rashomon = Rashomon(load_settings(path))
    rashomon.cycle.run()            # crawl, analyse, alert, deliver
    rashomon.close()

The CLI (`rashomon.cli`) makes one per command and takes from it what the command needs; the
demo, the tests and the benchmarks build through it too. Each part is handed the small, typed
piece of the settings it needs (the `[crawl]` table, the sources, the alert policy, the
channels' secrets), never the whole, and the store's repositories it works on, never the
store: nothing below this module builds a part of its own, keeps one in a module, or reads
the environment. What a test must set is passed in here: the clock, the sleep, the
randomness, the HTTP transport, the stdout channel's stream, a store already open.

Parts are imported when first built: `rashomon diff` needs neither the store nor Scrapy nor
the alert channels, and a command-line tool should answer before a person waits.
"""

from __future__ import annotations

import os
import random as randomness
import socket
import time
import uuid
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, TextIO

from rashomon.clock import Clock, utcnow
from rashomon.settings import Settings

if TYPE_CHECKING:
    import httpx

    from alerts.channels.base import Channel, Sent
    from alerts.service import AlertService
    from rashomon.analysis.analyser import Analyser
    from rashomon.analysis.service import CallService
    from rashomon.crawl import CrawlRunner
    from rashomon.daemon import Cycle, Daemon
    from rashomon.report import Report
    from rashomon.store import Store
    from rashomon.store.lock import StoreLock


class Rashomon:
    """Settings in, parts out: each built on first use, once, and closed by `close()`."""

    def __init__(self, settings: Settings, *, store: Store | None = None, clock: Clock = utcnow,
                 sleep: Callable[[float], None] = time.sleep,
                 random: Callable[[], float] = randomness.random,
                 transport: httpx.BaseTransport | None = None, stream: TextIO | None = None,
                 owner: str | None = None, create_store: bool = True) -> None:
        self.settings, self.clock, self.sleep, self.random = settings, clock, sleep, random
        self.transport, self.stream, self._given_store = transport, stream, store
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.create_store = create_store  # False: a command that only reads finds the store

    @cached_property
    def store(self) -> Store:
        from rashomon.store import Store

        return self._given_store or Store.open(self.settings.store.url, self.clock,
                                               create=self.create_store)

    @cached_property
    def analyser(self) -> Analyser:
        from rashomon.analysis.analyser import Analyser

        s = self.settings
        return Analyser(s.analysis, s.topics, s.framing, s.leaders, s.sources.values())

    @cached_property
    def calls(self) -> CallService:
        from rashomon.analysis.service import CallService

        store = self.store
        return CallService(self.analyser, store.documents, store.calls, store.cursors)

    @cached_property
    def crawler(self) -> CrawlRunner:
        from rashomon.crawl import CrawlRecords, CrawlRunner

        s, store = self.settings, self.store
        records = CrawlRecords(store.crawls, store.entry_points, store.validators, store.robots)
        return CrawlRunner(s.crawl, s.sources, store.url, records, self.clock)

    @cached_property
    def alerts(self) -> AlertService:
        """The alert service, with the channels, the HTTP client they share (the service
        closes it), the health checker and the deliverer."""
        from alerts.delivery import Deliverer
        from alerts.health import HealthChecker, HealthRecords
        from alerts.service import AlertService

        config, store = self.settings.alerts, self.store
        client, channels = self.channels
        records = HealthRecords(store.crawls, store.entry_points, store.documents, store.health)
        health = HealthChecker(records, self.settings.sources, config.health, self.clock)
        deliverer = Deliverer(store.outbox, channels, config.retry, self.owner,
                              config.lease_seconds, self.clock, self.sleep, self.random,
                              budget=config.pass_budget)
        return AlertService(store.outbox, channels, health, deliverer, leaders=self.leader_names,
                            max_press=config.max_press, clock=self.clock, client=client,
                            sources=self.source_names, page_url=self.page_url)

    @cached_property
    def channels(self) -> tuple[httpx.Client, dict[str, Channel]]:
        """The alert channels and the HTTP client they share: `rashomon test-webhook` needs
        these and no store."""
        from alerts.channels import ChannelContext, build_channels
        from alerts.service import http_client

        config = self.settings.alerts
        client = http_client(config, self.transport)
        try:
            return client, build_channels(ChannelContext(config, self.settings.secrets, client,
                                                         self.stream))
        except Exception:
            client.close()
            raise

    def send_test(self, name: str) -> Sent:
        """`rashomon test-webhook NAME`: a test message to one channel, outside the outbox."""
        from alerts.service import send_test

        return send_test(self.channels[1], name, self.clock())

    @property
    def leader_names(self) -> dict[str, str]:
        """Display names: a leader's first English name, else the id."""
        return {lid: (leader.names.get("en") or [lid])[0]
                for lid, leader in self.settings.leaders.items()}

    @property
    def source_names(self) -> dict[str, str]:
        """Display names: a source's configured name, else its id."""
        return {sid: source.name or sid for sid, source in self.settings.sources.items()}

    @cached_property
    def report(self) -> Report:
        """The static report, marking sentences with the analyser's own compiled topics."""
        from rashomon.report import Report, ReportInfo

        return Report(ReportInfo.from_settings(self.settings), self.analyser.topics)

    def page_url(self, call_id: str) -> str | None:
        """A call's page where the report is published (`[report] base_url`), else None."""
        if not self.settings.report.base_url:
            return None
        from rashomon.report import page_path

        return self.settings.report.page_url(page_path(call_id))

    @cached_property
    def cycle(self) -> Cycle:
        from rashomon.daemon import Cycle
        from rashomon.report import ReportFolder

        enabled = [source.id for source in self.settings.enabled_sources()]
        folder = self.settings.report.directory
        return Cycle(self.crawler, self.calls, self.alerts, self.store.cursors, sources=enabled,
                     max_call_age_days=self.settings.alerts.max_call_age_days, clock=self.clock,
                     report=None if folder is None else ReportFolder(self.report, folder))

    def lock(self) -> StoreLock:
        """The store lock that keeps one daemon (or cron run) per store."""
        return self.store.lock("daemon", lease=self.settings.store.lock_seconds)

    def daemon(self) -> Daemon:
        from rashomon.daemon import Daemon

        return Daemon(self.cycle, self.lock(), self.settings.enabled_sources())

    def close(self) -> None:
        """Close what was built: the alert service's client, the crawl checks' client, and the
        store if it opened it."""
        if "crawler" in self.__dict__:
            self.crawler.close()
        if "alerts" in self.__dict__:
            self.alerts.close()
        elif "channels" in self.__dict__:
            self.channels[0].close()
        if "store" in self.__dict__ and self._given_store is None:
            self.store.close()

    def __enter__(self) -> Rashomon:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
