"""Content fingerprints and idempotency keys: the reason an alert is never sent twice.

The fingerprint of an alert covers its type, the picture it reports and the fingerprint of the
alert before it about the same subject. Chaining the previous fingerprint makes every transition
unique (a picture that goes A → B → A yields three different alerts), while building the same
alert again — a re-run, a retry, a restart — yields the same fingerprint, hence the same key,
which the outbox's UNIQUE constraint refuses to store twice.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical(data: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(alert_type: str, content: Any, previous: str = "") -> str:
    digest = hashlib.sha256(canonical({"type": alert_type, "content": content, "after": previous}))
    return digest.hexdigest()


def idempotency_key(subject: str, channel: str, content_fingerprint: str) -> str:
    """`msg_` + 32 hex digits of (subject, channel, fingerprint): also the `webhook-id` header."""
    digest = hashlib.sha256("\x00".join((subject, channel, content_fingerprint)).encode())
    return "msg_" + digest.hexdigest()[:32]
