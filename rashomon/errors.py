"""The one exception tree of Rashomon.

Every error a user can act on derives from `RashomonError` and carries a message that names
what to fix; the CLI prints it as one line and exits non-zero (`exit_code`).

    RashomonError
    ├── ConfigError          a configuration file or value is wrong (exit 2)
    ├── StoreError           the store cannot be opened, read or written (a full disk, a
    │                        corrupt file: `rashomon.store.faults` says which, and what to do)
    ├── CrawlError           a crawl could not run at all (not: a page failed to parse)
    ├── ParseError           a page or feed matched none of its selectors (counted, not fatal)
    ├── AnalysisError        an input to the analysis cannot be read (`rashomon diff`)
    ├── DeliveryError        an alert could not be delivered
    │   ├── RetryableDelivery   network error, 5xx, 429: try again later
    │   └── PermanentDelivery   other 4xx (410: the webhook is gone): do not retry
    ├── ReportError          the report folder cannot be written
    └── LockError            another daemon already holds the store
"""

from __future__ import annotations


class RashomonError(Exception):
    """Base of every error Rashomon raises on purpose."""

    exit_code = 1


class ConfigError(RashomonError):
    """A configuration file, key or value is wrong. The message names file, key and problem."""

    exit_code = 2


class StoreError(RashomonError):
    """The store cannot be opened, migrated, read or written; the message names the store and
    what to do (free space, restore a backup, …)."""


class CrawlError(RashomonError):
    """A crawl could not run (the child process failed to start or died)."""


class ParseError(RashomonError):
    """A page or feed matched none of its selectors; recorded as a parse failure with its URL."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem


class AnalysisError(RashomonError):
    """An input to the analysis cannot be read or understood."""


class DeliveryError(RashomonError):
    """An alert could not be delivered to a channel."""


class RetryableDelivery(DeliveryError):
    """A delivery failed for a passing reason; `retry_after` (seconds) when the server said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDelivery(DeliveryError):
    """A delivery failed for good (4xx other than 429); the reason is kept in the outbox."""


class ReportError(RashomonError):
    """The static report cannot be written where it was asked for (`rashomon report`)."""


class LockError(RashomonError):
    """Another daemon holds the store's lock."""
