"""Schema versions. New tables appear by themselves (`create_all` on `schema.metadata`, which
holds every table); a change to an existing table, or to data already stored, is a numbered
step here, run once, in order, so existing data is kept. It imports nothing but the schema.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, select, text

from rashomon.clock import utcnow
from rashomon.store.schema import alert_outbox, cursors, meta, metadata

Step = Callable[[Connection], None]
SCHEMA_LOCK = 0x7261_7368  # PostgreSQL advisory lock key of the schema ("rash")


def _calls_date_only(connection: Connection) -> None:
    """Calls remember that no account gave a time (their date is the local date)."""
    columns = {column["name"] for column in inspect(connection).get_columns("calls")}
    if "date_only" not in columns:
        connection.execute(text(
            "ALTER TABLE calls ADD COLUMN date_only BOOLEAN NOT NULL DEFAULT FALSE"))


def _one_progress_table(connection: Connection) -> None:
    """Progress is kept in `cursors` alone. Its key names a scope (a source, or a stage such as
    "analysis" and "alerts") rather than a source id; the alert pass's mark, kept under the
    made-up source "pipeline", moves to "alerts"; `analysis_marks` moves in as "analysis"."""
    columns = {column["name"] for column in inspect(connection).get_columns("cursors")}
    if "source_id" in columns:
        connection.execute(text("ALTER TABLE cursors RENAME COLUMN source_id TO scope"))
    connection.execute(cursors.update().where(cursors.c.scope == "pipeline")
                       .values(scope="alerts"))
    if inspect(connection).has_table("analysis_marks"):
        marks = connection.execute(text("SELECT name, value FROM analysis_marks")).all()
        for name, value in marks:
            connection.execute(cursors.insert().values(
                scope="analysis", name=name, value=str(value), since=None, updated_at=utcnow()))
        connection.execute(text("DROP TABLE analysis_marks"))


def _crawl_reasons_and_deferred(connection: Connection) -> None:
    """Crawl outcomes keep why each page failed, and how many new items waited for the next
    crawl (`[crawl] max_new_items`)."""
    columns = {column["name"] for column in inspect(connection).get_columns("crawls")}
    if "failure_reasons" not in columns:
        connection.execute(text("ALTER TABLE crawls ADD COLUMN failure_reasons JSON"))
    if "deferred" not in columns:
        connection.execute(text(
            "ALTER TABLE crawls ADD COLUMN deferred INTEGER NOT NULL DEFAULT 0"))


def _outbox_failing_since(connection: Connection) -> None:
    """Alerts are retried for a time counted from their first failed attempt (`[alerts.retry]
    give_up_after_hours`), no longer for a number of attempts, so the outbox keeps when that
    was. A pending alert that has failed before is taken to be failing since its last attempt:
    the time it already spent is not known, and it gets the whole budget from there."""
    columns = {column["name"] for column in inspect(connection).get_columns("alert_outbox")}
    if "failing_since" not in columns:
        connection.execute(text("ALTER TABLE alert_outbox ADD COLUMN failing_since TIMESTAMP"))
    connection.execute(alert_outbox.update().where(
        alert_outbox.c.status == "pending", alert_outbox.c.attempts > 0,
        alert_outbox.c.failing_since.is_(None)).values(failing_since=alert_outbox.c.updated_at))


# (version, what it does, the step). Append only; never edit a step that has shipped.
STEPS: list[tuple[int, str, Step]] = [
    (1, "calls.date_only", _calls_date_only),
    (2, "cursors: the one progress table (scope; analysis_marks moved in)", _one_progress_table),
    (3, "crawls.failure_reasons, crawls.deferred", _crawl_reasons_and_deferred),
    (4, "alert_outbox.failing_since", _outbox_failing_since),
]


def current_version(connection: Connection) -> int:
    row = connection.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def set_version(connection: Connection, version: int) -> None:
    updated = connection.execute(
        meta.update().where(meta.c.key == "schema_version").values(value=str(version))
    )
    if updated.rowcount == 0:
        connection.execute(meta.insert().values(key="schema_version", value=str(version)))


def one_at_a_time(connection: Connection) -> None:
    """Make the schema's transaction the only one: two processes started together on a new
    store would otherwise both find a table missing and both create it, and one of them fail
    ("table … already exists") before it ever asks for the store lock, which would have named
    the other. The second waits here (SQLite's busy timeout; PostgreSQL's advisory lock) and
    then finds the schema made.

    SQLite: the driver begins a transaction only before a write, so the check, the CREATE
    TABLEs and the steps would each stand alone; BEGIN IMMEDIATE takes the write lock first and
    holds it to the commit. PostgreSQL: a transaction-scoped advisory lock."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})


def migrate(engine: Engine, steps: list[tuple[int, str, Step]] | None = None) -> int:
    """Create missing tables, then run the steps newer than the stored version; the version.

    A fresh store is created at the latest version: its tables already have every change. It
    is one transaction, and one process at a time runs it (`one_at_a_time`).
    """
    steps = STEPS if steps is None else steps
    latest = max((version for version, _, _ in steps), default=0)
    with engine.begin() as connection:
        one_at_a_time(connection)
        fresh = not engine.dialect.has_table(connection, "documents")
        metadata.create_all(connection)
        done = latest if fresh and current_version(connection) == 0 else current_version(connection)
        for version, _, step in sorted(steps, key=lambda item: item[0]):
            if version > done:
                step(connection)
        set_version(connection, max(done, latest))
    return max(done, latest)
