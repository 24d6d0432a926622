"""Structured, quiet logs: one line per crawl and per delivery, as text or JSON.

Events are logged with `log_event(logger, "crawl", source=..., stored=...)`; the text format
prints `event key=value …`, the JSON format one object per line for log shippers. Libraries
(Scrapy runs in its own process; APScheduler, httpx) are held at WARNING so the daemon's log
says what happened, not how.

The log goes to stderr, or appended to a file (`--log-file`): under cron, whatever a job prints
is mailed, so the log goes to a file and `run --once` prints one line only when something
failed. The errors a run logged are tallied for that line, since nobody reads the file until
told to.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from logging.handlers import WatchedFileHandler
from pathlib import Path
from typing import Any

from rashomon.errors import ConfigError

FIELDS = "rashomon_fields"
NOISY = ("apscheduler", "httpx", "httpcore", "scrapy", "twisted", "urllib3")


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = " ".join(f"{key}={_text(value)}" for key, value in _fields(record).items())
        line = f"{stamp} {record.levelname.lower():7} {record.getMessage()}"
        return f"{line} {fields}".rstrip()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
                 "level": record.levelname.lower(), "logger": record.name,
                 "event": record.getMessage(), **_fields(record)}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False, default=str)


class ErrorTally(logging.Handler):
    """How many records were logged at ERROR or above, by event, wherever the log itself goes
    (counted, not kept: a daemon may log for months)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.getMessage()] += 1


def setup_logging(fmt: str = "text", level: str = "INFO", file: Path | None = None
                  ) -> ErrorTally:
    """Configure the root logger once, for the daemon and the commands: to stderr, or appended
    to `file` (reopened when logrotate moves it). Returns the tally of the errors logged."""
    handler = _file_handler(file) if file is not None else logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    tally = ErrorTally()
    root = logging.getLogger()
    root.handlers[:] = [handler, tally]
    root.setLevel(level.upper())
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
    return tally


def _file_handler(file: Path) -> logging.Handler:
    """A handler appending to `file`; a file that cannot be opened is one line to act on."""
    try:
        return WatchedFileHandler(file, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--log-file: cannot open {file}: {exc.strerror or exc}") from None


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO,
              **fields: Any) -> None:
    """One structured line: `event` plus its fields."""
    logger.log(level, event, extra={FIELDS: fields})


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return dict(getattr(record, FIELDS, {}))


def _text(value: Any) -> str:
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if (" " in text or not text) else text


def json_objects(lines: Iterable[str | bytes]) -> Iterator[dict[str, Any]]:
    """The JSON objects among `lines`, one per line, as the JSON log and the crawl child's
    progress events are written; any other line (a traceback, a half-written line) is skipped."""
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            yield value
