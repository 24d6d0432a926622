"""A full disk mid-delivery, for real (issue 11, item 8, the delivery's half): the store sits in
a small tmpfs that fills up just as the receiver accepts an alert. The deliverer keeps the
accepted result and records it once space is freed; the receiver gets every alert once.

Mounting needs root (or CAP_SYS_ADMIN): elsewhere the test is skipped and says why.
"""

from __future__ import annotations

import errno
import logging
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rashomon.store import Store
from rashomon.store.outbox import SENT
from tests.faulty_servers import FaultyServer, answer
from tests.test_alerts_support import analysis, service, settings, webhook

FILLER = "filler.bin"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs of its own, unmounted afterwards."""
    folder = tmp_path / "small"
    folder.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                                 capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("no mount command here: the full-disk test mounts a small tmpfs")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip()}): the full-disk "
                    "test needs root or CAP_SYS_ADMIN")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def fill(folder: Path) -> int:
    """Write a file until the filesystem has no byte left; the bytes written."""
    written = 0
    with (folder / FILLER).open("wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 12, 1):
            while True:
                try:
                    written += handle.write(b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
    return written


def fill_on_first_request(folder: Path) -> FaultyServer:
    """A receiver that fills the disk when the first alert arrives, then accepts it (and
    every other alert) with a 200."""
    def behaviour(conn: socket.socket, server: FaultyServer) -> None:
        if not server.requests:
            server.read_request(conn)
            fill(folder)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        else:
            answer()(conn, server)
    return FaultyServer(behaviour)


def test_an_alert_accepted_while_the_disk_filled_is_recorded_when_space_is_freed_never_resent(
        small_disk: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = Store.open(f"sqlite:///{small_disk / 'store.db'}")
    caplog.set_level(logging.INFO, logger="rashomon.alerts")
    with fill_on_first_request(small_disk) as receiver:
        config = settings(webhook(receiver.url), timeout=2, connect_timeout=1, lease_seconds=4)
        with service(store, config, real_time=True) as alerts:
            alerts.enqueue([analysis(call_id=f"call-{n}") for n in range(3)])
            worker = threading.Thread(target=alerts.deliver_due, daemon=True)
            worker.start()
            _wait_until(lambda: not worker.is_alive() or _refused(caplog), timeout=60)
            assert len(receiver.requests) == 1  # accepted, and nothing else went out meanwhile
            (small_disk / FILLER).unlink()  # space freed
            worker.join(timeout=60)
            time.sleep(4.5)  # any claim left behind has expired
            alerts.deliver_due()
    bodies = receiver.requests
    assert len(bodies) == 3 and len(set(bodies)) == 3  # every alert, each once
    assert {message.status for message in alerts.outbox.messages()} == {SENT}
    [refused] = _refused(caplog)
    error = refused.rashomon_fields["error"]  # type: ignore[attr-defined]
    assert f"the disk is full (free space in {small_disk}" in error
    assert "\n" not in error and refused.rashomon_fields["resent"] == "no"  # type: ignore[attr-defined]
    store.close()


def _refused(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records
            if getattr(record, "rashomon_fields", {}).get("outcome") == "delivered, not recorded"]


def _wait_until(condition: object, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.05)
