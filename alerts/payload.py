"""The webhook's JSON body, schema version 1 (documented in the README).

Every body shares an envelope — `schema_version`, `type`, `id` (= the `webhook-id` header),
`created_at`, `headline` — and then either the call fields (`call`, `sides`, `only_in`,
`topics`, `sentences`, `framing`, `press`, `one_sided`, `changes`) or the `source` health
fields. Times are RFC 3339 UTC with `Z`. Fields are only ever added within a version; a removal
or a change of meaning bumps `schema_version`. Added in version 1 since it was first published:
`call.report_url`, `topics[].evidence[].matched`, `sentences`, `press[].source_name`.
Evidence is always whole here (a program shortens as it likes), with the words that matched.
"""

from __future__ import annotations

from typing import Any

from alerts.message import Alert, HealthNote
from alerts.quotes import Quote, display_order, quotes
from alerts.text import utc_iso
from rashomon.models import CallAnalysis, Document, Evidence, Framing, PressItem, TopicFinding

SCHEMA_VERSION = 1


def payload(alert: Alert, message_id: str) -> dict[str, Any]:
    """The JSON object for one alert; `message_id` is the idempotency key."""
    envelope = {
        "schema_version": SCHEMA_VERSION,
        "type": alert.type,
        "id": message_id,
        "created_at": utc_iso(alert.created_at),
        "headline": alert.headline,
    }
    if alert.health is not None:
        return {**envelope, "source": _health(alert.health)}
    if alert.analysis is None:
        return {**envelope, "test": dict(alert.extra)}
    return {**envelope, **_call_fields(alert, alert.analysis)}


def _call_fields(alert: Alert, analysis: CallAnalysis) -> dict[str, Any]:
    call = analysis.call
    sides = [side for side in call.sides if side != "press"]
    return {
        "call": {
            "id": call.id,
            "type": call.type,
            "date": (f"{call.occurred_at:%Y-%m-%d}" if call.date_only
                     else utc_iso(call.occurred_at)),
            "date_only": call.date_only,
            "participants": list(call.participants),
            "initiator": call.initiator,
            "report_url": alert.page_url,
        },
        "one_sided": analysis.one_sided,
        "sides": {side: {"documents": [_document(d) for d in call.documents_of(side)]}
                  for side in sides},
        "only_in": {side: list(analysis.only_in(side)) for side in sides},
        "topics": [_topic(topic, analysis) for topic in sorted(analysis.topics, key=display_order)
                   if topic.watched],
        "sentences": [_sentence(quote) for quote in quotes(analysis)],
        "framing": [_framing(item) for item in analysis.framing],
        "press": [_press(item, alert) for item in alert.press],
        "changes": list(alert.changes),
    }


def _document(doc: Document) -> dict[str, Any]:
    return {"title": doc.title, "url": doc.url, "language": doc.language, "kind": doc.kind,
            "published": utc_iso(doc.published_at)}


def _topic(topic: TopicFinding, analysis: CallAnalysis) -> dict[str, Any]:
    asymmetric = topic in analysis.asymmetric
    return {"id": topic.topic_id, "label": topic.label, "sides": sorted(topic.sides),
            "only_in": sorted(topic.sides)[0] if asymmetric else None,
            "evidence": [_evidence(item) for item in topic.evidence]}


def _evidence(item: Evidence) -> dict[str, Any]:
    return {"side": item.side, "language": item.language, "sentence": item.sentence,
            "url": item.url, "matched": list(item.matched)}


def _sentence(quote: Quote) -> dict[str, Any]:
    """A sentence quoted once with every topic it carries: one-sided ones, then context."""
    return {"side": quote.side, "language": quote.language, "sentence": quote.sentence,
            "url": quote.url, "topics": [topic.id for topic in quote.divergent],
            "context_topics": [topic.id for topic in quote.context],
            "matched": list(quote.matched)}


def _framing(item: Framing) -> dict[str, Any]:
    return {"label": item.label, "side_a": item.side_a, "topic_a": item.topic_a,
            "side_b": item.side_b, "topic_b": item.topic_b}


def _press(item: PressItem, alert: Alert) -> dict[str, Any]:
    return {"title": item.title, "url": item.url, "source": item.source_id,
            "source_name": alert.source_name(item.source_id),
            "published": utc_iso(item.published_at),
            "discusses_discrepancy": item.discusses_discrepancy}


def _health(note: HealthNote) -> dict[str, Any]:
    return {"id": note.source_id, "name": note.source_name, "side": note.side,
            "status": note.status, "reason": note.reason, "since": utc_iso(note.since),
            "details": list(note.details)}
