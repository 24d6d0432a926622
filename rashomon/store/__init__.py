"""Persistence behind one small interface (`Store`), SQLite by default, chosen by URL."""

from rashomon.store.store import Store, create_store_engine

__all__ = ["Store", "create_store_engine"]
