"""One HTTP POST and what its outcome means for the outbox.

2xx: delivered. 429, 5xx and network errors: try again later (`RetryableDelivery`, with the
server's Retry-After in seconds when it sent one, as a number or an HTTP date). Any other
status: a permanent failure with the reason kept (410: the webhook is gone). Redirects are not
followed: a webhook that moved must be reconfigured, not silently re-sent elsewhere.
Messages never contain the URL (it is a secret for Slack).
"""

from __future__ import annotations

from datetime import datetime

import httpx

from alerts.channels.base import Sent
from rashomon.errors import PermanentDelivery, RetryableDelivery
from rashomon.http import retry_after

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
         now: datetime) -> Sent:
    """POST `body`; map the outcome to `Sent` or a `DeliveryError`."""
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.TimeoutException as exc:
        raise RetryableDelivery(f"timed out ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise RetryableDelivery(f"network error ({type(exc).__name__}): {exc}") from None
    return outcome(response, now)


def outcome(response: httpx.Response, now: datetime) -> Sent:
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
