"""Shared fixtures: a real store per test (on every backend for the store's contract), and the
analysis built on it as the composition root builds it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rashomon.analysis.service import CallService
from rashomon.app import Rashomon
from rashomon.demo.receiver import Receiver
from rashomon.demo.server import SampleSite
from rashomon.models import Document
from rashomon.settings import Settings
from rashomon.store import Store, create_store_engine
from rashomon.store.schema import metadata
from tests.sites import start_site

STORE_URLS = ["sqlite"]
if os.environ.get("RASHOMON_TEST_POSTGRES_URL"):
    STORE_URLS.append("postgresql")


@pytest.fixture(params=STORE_URLS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Every backend the contract runs against: SQLite always, PostgreSQL when given a URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = os.environ["RASHOMON_TEST_POSTGRES_URL"]
        _empty(url)
    store = Store.open(url)
    yield store
    store.close()


def _empty(url: str) -> None:
    """Start from an empty scratch database: drop every table Rashomon defines."""
    engine = create_store_engine(url)
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    yield store
    store.close()


@pytest.fixture
def site() -> Iterator[SampleSite]:
    """The sample site (plus the broken fixtures) on 127.0.0.1."""
    with start_site() as running:
        yield running


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real local webhook receiver."""
    with Receiver() as running:
        yield running


def make_document(**fields: object) -> Document:
    """A plausible Kremlin readout; tests override what they are about."""
    values: dict[str, object] = {
        "source_id": "kremlin_en", "side": "RU", "language": "en", "kind": "readout",
        "url": "http://en.kremlin.ru/events/president/news/68656",
        "title": "Telephone conversation with President of China Xi Jinping",
        "published_at": datetime(2022, 6, 15, 11, 40, tzinfo=UTC),
        "paragraphs": ("Vladimir Putin had a telephone conversation with Xi Jinping.",),
        "external_id": "68656",
    }
    values.update(fields)
    return Document(**values)  # type: ignore[arg-type]


def call_service(store: Store, settings: Settings) -> CallService:
    """The analysis over `store`, built by the composition root from `settings`."""
    return Rashomon(settings, store=store).calls
