"""Secrets out of every text Rashomon shows or keeps: one function, `redact`, used for the log
lines of delivery, the reasons stored in the outbox, `rashomon test-webhook`'s output and
Apprise's errors.

A channel's secrets are its URL (a Slack or webhook URL from the environment, an Apprise URL
with its credentials) and its signing secret. A secret URL is shown with its shape and nothing
of its secret: the scheme, the host and the port stay readable, and every path segment, every
query value, the fragment and the user and password are masked, as is a host that is no host
name (a Telegram bot token in `tgram://<token>/<chat>`):

    https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/kq3xyz789?token=s3cr3t
    → https://hooks.slack.com/***/***/***/***?token=***

Each of those parts is masked on its own too, wherever else it stands (a receiver that echoes
`team T0AB12CD3` in its answer), whatever its length: a part of 8 characters or more anywhere,
a shorter one where it stands as a word (so a segment "hook" does not mask "webhook"). Parts of
one or two characters are masked inside the URL only: a lone "1" or "v2" cannot be a secret,
and masking every "1" would garble every message. A text that ends inside a secret (an answer
kept to its first 200 characters) has that beginning masked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, unquote_plus, urlsplit

MASK = "***"
SHORTEST = 3  # characters: a shorter part is masked inside its URL only
ANYWHERE = 8  # characters: a part this long is masked even inside a longer word
WORD = "0-9A-Za-z"


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret out (see the module docstring); a URL among `secrets` (it has
    "://") is shown as `mask_url` gives it, everything else as `MASK`."""
    replacements = _replacements(secrets)
    if not replacements:
        return text
    pattern = "|".join(_pattern(secret) for secret in sorted(replacements, key=len,
                                                              reverse=True))
    return _cut_short(re.sub(pattern, lambda found: replacements[found.group(0)], text),
                      replacements)


def _cut_short(text: str, secrets: Iterable[str]) -> str:
    """`text` with the start of a secret masked where the text ends in it: a message kept to
    its first characters (a receiver's answer, 200 of them) may stop inside a secret."""
    for secret in sorted(secrets, key=len, reverse=True):
        for length in range(len(secret) - 1, SHORTEST - 1, -1):
            if text.endswith(secret[:length]) and re.search(_pattern(secret[:length]) + "$",
                                                            text):
                return text[:-length] + MASK
    return text


def mask_url(url: str) -> str:
    """The shape of a secret URL: scheme, host and port; the rest masked, part by part."""
    parts = urlsplit(url)
    login, host = _netloc(parts.netloc)
    shown = f"{parts.scheme}://" if parts.scheme else ""
    if login is not None:
        shown += ":".join(MASK for _ in login.split(":", 1)) + "@"
    shown += host if _readable(host) else MASK
    shown += re.sub(r"[^/]+", MASK, parts.path)
    if parts.query:
        shown += "?" + "&".join(_masked_item(item) for item in parts.query.split("&"))
    return shown + (f"#{MASK}" if parts.fragment else "")


def url_parts(url: str) -> set[str]:
    """The parts of a secret URL that carry (a piece of) its secret, as written and decoded."""
    parts = urlsplit(url)
    login, host = _netloc(parts.netloc)
    found = set(login.split(":", 1)) | {login} if login else set()
    found |= set() if _readable(host) else {host}
    found |= {segment for segment in parts.path.split("/") if segment}
    found |= {_value(item) for item in parts.query.split("&")} - {""}
    found |= {parts.fragment} - {""}
    decoded = {unquote(part) for part in found} | {unquote_plus(part) for part in found}
    return {part for part in found | decoded if len(part) >= SHORTEST}


def signing_secrets(secret: str) -> tuple[str, ...]:
    """A signing secret, and its key as written after a "whsec_" prefix."""
    return (secret, secret.removeprefix("whsec_"))


def _replacements(secrets: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for secret in secrets:
        if "://" in secret:
            found.update(dict.fromkeys(url_parts(secret), MASK))
            found[secret] = mask_url(secret)
        elif secret:
            found[secret] = MASK
    return found


def _pattern(secret: str) -> str:
    escaped = re.escape(secret)
    if len(secret) >= ANYWHERE:
        return escaped
    return rf"(?<![{WORD}]){escaped}(?![{WORD}])"


def _netloc(netloc: str) -> tuple[str | None, str]:
    """(user info or None, host with its port)."""
    login, at, host = netloc.rpartition("@")
    return (login if at else None), host


def _readable(host: str) -> bool:
    """Whether a URL's host (with its port) names a host: a domain, an address, localhost.
    Anything else (a bot token, a webhook id) is a secret in the host's place."""
    name, port = host, ""
    if ":" in host and not host.endswith("]"):  # a port, or a token such as "123:ABC"
        name, _, port = host.rpartition(":")
    if port and not port.isdigit():
        return False
    return name.startswith("[") or "." in name or name == "localhost"


def _value(item: str) -> str:
    """A query item's value ("token=abc": "abc"; a bare "abc" is all value)."""
    key, equals, value = item.partition("=")
    return value if equals else key


def _masked_item(item: str) -> str:
    key, equals, _ = item.partition("=")
    return f"{key}={MASK}" if equals else MASK
