"""Persistence behind one interface: `Store` and its repositories, SQLite by default, chosen
by URL. The bottom layer: it imports only the shared leaves (`rashomon.models`,
`rashomon.errors`, `rashomon.clock`), never a layer above it."""

from rashomon.store.engine import create_store_engine
from rashomon.store.store import Store

__all__ = ["Store", "create_store_engine"]
