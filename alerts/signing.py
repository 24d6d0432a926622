"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

    webhook-id:        the alert's idempotency key (the same on every retry)
    webhook-timestamp: unix seconds of this attempt
    webhook-signature: v1,<base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}"))>

The secret comes from the environment variable a channel names in `secret_env`. A secret
that starts with `whsec_` is the Standard Webhooks format: the key is the base64-decoding
of the rest. Any other secret is used as is: the key is its UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from rashomon.errors import ConfigError

PREFIX = "whsec_"


def signing_key(secret: str) -> bytes:
    """The HMAC key for a secret (see the module docstring); a bad `whsec_` value is an error."""
    if not secret.startswith(PREFIX):
        return secret.encode("utf-8")
    try:
        return base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except binascii.Error:
        raise ConfigError("a signing secret starting with whsec_ must be base64") from None


def signature(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(key: bytes | None, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers; unsigned (no `webhook-signature`) without a key."""
    found = {"webhook-id": message_id, "webhook-timestamp": str(timestamp)}
    if key is not None:
        found["webhook-signature"] = signature(key, message_id, timestamp, body)
    return found
