"""One HTTP POST and what its outcome means for the outbox.

2xx: delivered. 429, 5xx and network errors: try again later (`RetryableDelivery`, with the
server's Retry-After in seconds when it sent one, as a number or an HTTP date). Any other
status: a permanent failure with the reason kept (410: the webhook is gone). Redirects are not
followed: a webhook that moved must be reconfigured, not silently re-sent elsewhere.
Messages never contain the URL (it is a secret for Slack).

The whole exchange, connecting included, takes at most `limit` seconds (`[alerts] timeout`),
however the receiver answers (`rashomon.http.Deadline`). A 2xx is delivered as soon as its
status line is read: the body of an accepted request is not waited for, so that the outbox can
record the delivery at once (a process killed between the two sends the alert again).
"""

from __future__ import annotations

from datetime import datetime

import httpx

from alerts.channels.base import Sent
from rashomon.errors import PermanentDelivery, RetryableDelivery
from rashomon.http import Deadline, retry_after

SNIPPET = 200


class RetryableStatus(RetryableDelivery):
    """A retryable failure with an HTTP response (429, 5xx); `status` is kept in the outbox."""

    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message, retry_after)
        self.status = status


class PermanentStatus(PermanentDelivery):
    """A permanent failure with an HTTP response (4xx other than 429, 3xx)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def post(client: httpx.Client, url: str, body: bytes, headers: dict[str, str],
         now: datetime, limit: float) -> Sent:
    """POST `body` within `limit` seconds; map the outcome to `Sent` or a `DeliveryError`."""
    with Deadline(limit) as deadline:
        try:
            return _exchange(client, client.build_request("POST", url, content=body,
                                                          headers=headers), now)
        except httpx.HTTPError as exc:
            raise _network_failure(exc, deadline) from None


def _exchange(client: httpx.Client, request: httpx.Request, now: datetime) -> Sent:
    """The status line decides; only a failure's body is read (for its reason)."""
    response = client.send(request, stream=True)
    try:
        if not response.is_success:
            response.read()
        return outcome(response, now)
    finally:
        response.close()


def _network_failure(exc: httpx.HTTPError, deadline: Deadline) -> RetryableDelivery:
    if deadline.expired:
        return RetryableDelivery(f"no complete answer within {deadline.seconds:g} s")
    if isinstance(exc, httpx.TimeoutException):
        return RetryableDelivery(f"timed out ({type(exc).__name__})")
    return RetryableDelivery(f"network error ({type(exc).__name__}): {exc}")


def outcome(response: httpx.Response, now: datetime) -> Sent:
    """`Sent` for a 2xx (its body unread); else the `DeliveryError` it means (body read)."""
    status = response.status_code
    reason = f"HTTP {status} {response.reason_phrase}".rstrip()
    if 200 <= status < 300:
        return Sent(status, reason)
    said = _snippet(response)
    if status == 429 or status >= 500:
        wait = retry_after(response.headers.get("retry-after"), now)
        raise RetryableStatus(f"{reason}{said}", status, wait)
    if status == 410:
        raise PermanentStatus(f"gone: the webhook no longer exists ({reason}){said}", status)
    raise PermanentStatus(f"{reason}{said}", status)


def _snippet(response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:SNIPPET]
    return f": {text}" if text else ""
