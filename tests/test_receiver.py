"""The local receiver the tests and the demo deliver to behaves like a web server when a
sender drops the connection after the status line (as Rashomon's delivery does after a 2xx):
the request is recorded and nothing is printed."""

from __future__ import annotations

import httpx
import pytest

from rashomon.demo.receiver import Receiver, Reply


def test_a_sender_that_leaves_the_body_unread_is_no_error(
        capfd: pytest.CaptureFixture[str]) -> None:
    with Receiver(default=Reply(200, body=b"x" * 100_000)) as receiver:
        for _ in range(3):
            with httpx.Client() as client:
                response = client.send(client.build_request("POST", receiver.url, content=b"{}"),
                                       stream=True)
                assert response.status_code == 200
                response.close()  # the body unread: the connection is reset
        receiver.wait_for(3)
    assert len(receiver.requests) == 3
    assert "Traceback" not in capfd.readouterr().err
