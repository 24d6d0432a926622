"""The analysis over the store, for the daemon's cycle and the CLI: `CallService`.

- `update(now) -> list[str]`: recognise and match the documents stored since the last run (a
  high-water mark of document ids, the `analysis`/`documents` cursor); returns the ids of the
  calls created or changed (a new document, a new version, or now one-sided). Re-entrant:
  running it again does nothing new; an interrupted run is safely repeated. Rarely, a late
  document shows two stored calls to be one: the later one is absorbed and its id retired.
- `analyse(call_id, now) -> CallAnalysis`: the comparison of one call's accounts by topic,
  framing, press coverage and one-sided state at `now`.
- `all(now, since=None)`: every stored call (occurred at or after `since`), oldest first,
  analysed. `changed(since)`: ids of the calls changed after `since`, oldest change first.

`now` is always passed in (aware UTC): nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice

from rashomon.analysis.analyser import Analyser
from rashomon.analysis.matcher import Assignment
from rashomon.errors import AnalysisError
from rashomon.models import CallAnalysis, Document
from rashomon.store.calls import CallRepository
from rashomon.store.cursors import CursorRepository
from rashomon.store.documents import DocumentRepository

BATCH = 500  # documents matched per transaction
PROGRESS = ("analysis", "documents")  # the cursor of the highest document id matched


class CallService:
    """Calls recognised, matched and analysed from the stored documents."""

    def __init__(self, analyser: Analyser, documents: DocumentRepository, calls: CallRepository,
                 cursors: CursorRepository) -> None:
        self.analyser, self.documents, self.calls, self.cursors = (
            analyser, documents, calls, cursors)

    def update(self, now: datetime) -> list[str]:
        """Match the documents stored since the last run; ids of calls created or changed."""
        mark = top = self.high_water()
        changed: dict[str, None] = {}
        for batch in _batches(self.documents.latest(after_id=mark), BATCH):
            with self.calls.begin() as calls:
                for doc in batch:
                    top = max(top, doc.id or 0)
                    _record(self.analyser.assign(calls, doc, now), changed)
        with self.calls.begin() as calls:
            changed.update(dict.fromkeys(self.analyser.settle(calls, now)))
        self.cursors.save(*PROGRESS, str(top))
        return list(changed)

    def high_water(self) -> int:
        """The highest document id already matched (0 before the first run)."""
        saved = self.cursors.get(*PROGRESS)
        return 0 if saved is None else int(saved.value)

    def analyse(self, call_id: str, now: datetime) -> CallAnalysis:
        """The analysis of one stored call at `now`; `AnalysisError` for an unknown id."""
        with self.calls.begin() as calls:
            row = calls.get(call_id)
            if row is None:
                raise AnalysisError(_no_call(call_id, [c.id for c in calls.all()]))
            links = calls.links(call_id)
        press_ids = self.documents.press_ids(*self.analyser.press.window(row.occurred_at))
        docs = self._documents(link.document_id for link in links)
        return self.analyser.analyse(row, docs, self._documents(press_ids), now)

    def all(self, now: datetime, since: datetime | None = None) -> list[CallAnalysis]:
        """Every stored call (from `since`), oldest first, analysed at `now`."""
        with self.calls.begin() as calls:
            ids = [row.id for row in calls.all(since)]
        return [self.analyse(call_id, now) for call_id in ids]

    def changed(self, since: datetime | None) -> list[str]:
        """Ids of the calls changed after `since` (all when None), oldest change first."""
        with self.calls.begin() as calls:
            return calls.updated_since(since)

    def _documents(self, ids: Iterable[int]) -> list[Document]:
        found = (self.documents.get(document_id) for document_id in ids)
        return [doc for doc in found if doc is not None]


def _record(assignment: Assignment | None, changed: dict[str, None]) -> None:
    """Note a changed call; a call absorbed into another is gone, so it is not reported."""
    if assignment is None or not assignment.changed:
        return
    for gone in assignment.absorbed:
        changed.pop(gone, None)
    changed[assignment.call_id] = None


def _batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _no_call(call_id: str, known: list[str]) -> str:
    """"no call '2022-06-15'; did you mean 2022-06-15-putin-xi-phone?" (ids it begins)."""
    like = [known_id for known_id in known if known_id.startswith(call_id)][:5]
    if not like:
        return f"no call {call_id!r} (see `rashomon calls`)"
    return f"no call {call_id!r}; did you mean {', '.join(like)}?"
