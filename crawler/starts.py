"""Where a routine crawl of a source starts: the feeds and listings its spider asks first.

Free of Scrapy: the parent's in-process conditional check (`rashomon.crawl.check`) asks
exactly these addresses, and starts Scrapy only for a source where one of them changed. A test
holds them equal to what each family's spider requests first.
"""

from __future__ import annotations

from rashomon.settings import Source
from rashomon.store.entrypoints import EntryPointRepository


def failing_addresses(entry_points: EntryPointRepository, source: Source) -> frozenset[str]:
    """The source's addresses that failed when they were last asked."""
    return frozenset(state.url for state in entry_points.states(source.id) if state.failing)


def start_addresses(source: Source, failing: frozenset[str]) -> list[str]:
    """Every configured address of the source, except the Kremlin's fallback listing while it
    is not failing and the source has feeds (it is read only when a feed fails)."""
    addresses = source.entry_points()
    if source.family == "kremlin" and source.path_list("feed"):
        listing = source.url(source.path("listing"))
        if listing not in failing and listing in addresses:
            addresses.remove(listing)
    return addresses
