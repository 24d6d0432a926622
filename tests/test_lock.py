"""One daemon per store: the lease refuses a second holder and frees itself after a crash."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from rashomon.errors import LockError
from rashomon.store import Store

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_second_holder_is_refused_with_the_first_named(any_store: Store) -> None:
    any_store.lock(owner="pid 1 on alpha").acquire(NOW)
    with pytest.raises(LockError, match=r"pid 1 on alpha"):
        any_store.lock(owner="pid 2 on beta").acquire(NOW + timedelta(seconds=5))


def test_released_or_expired_lease_can_be_taken(any_store: Store) -> None:
    first = any_store.lock(owner="first", lease=60)
    first.acquire(NOW)
    second = any_store.lock(owner="second", lease=60)
    second.acquire(NOW + timedelta(seconds=61))  # the first crashed: its lease ran out
    assert not first.renew(NOW + timedelta(seconds=62))
    assert second.renew(NOW + timedelta(seconds=62))
    second.release()
    any_store.lock(owner="third").acquire(NOW + timedelta(seconds=63))


def test_renewing_keeps_others_out(any_store: Store) -> None:
    holder = any_store.lock(owner="holder", lease=60)
    holder.acquire(NOW)
    assert holder.renew(NOW + timedelta(seconds=50))
    with pytest.raises(LockError):
        any_store.lock(owner="other").acquire(NOW + timedelta(seconds=100))


def test_a_crashed_holder_on_this_machine_is_replaced_at_once(any_store: Store) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead = f"pid {finished.stdout.strip()} on {socket.gethostname()}"
    any_store.lock(owner=dead, lease=600).acquire(NOW)
    any_store.lock(owner="successor").acquire(NOW + timedelta(seconds=1))
    live = f"pid {os.getpid()} on {socket.gethostname()}"
    any_store.lock(name="other", owner=live, lease=600).acquire(NOW)
    with pytest.raises(LockError):
        any_store.lock(name="other", owner="rival").acquire(NOW + timedelta(seconds=1))
