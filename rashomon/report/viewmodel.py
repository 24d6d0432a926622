"""The view model of one call: a plain JSON-able dict that the report pages render from (and
that `rashomon show --json` prints). Built by `call_view(analysis, info, index)`.

Times are RFC 3339 strings (UTC with `Z`, local times with their offset); `marks` are
[start, end] code-point offsets of the matched words in the `text` beside them; topic lists
are in display order: watched topics first, then context topics, each by label.

- `id`, `page` (the call's page, relative to the report's root: `calls/<id>.html`)
- `type` (`phone`, `video`, `talks`) and `type_label` ("phone call")
- `status`: `divergent`, `one_sided`, `agreeing`, or `awaiting` (one account so far, within
  the grace period), and `summary`, the same in words ("The accounts diverge on 3 topics");
  `divergent` and `one_sided` as booleans, as in `rashomon calls --json`
- `leaders`: `[{id, name, side}]`; `pair`: `{key: "putin+xi", label: "Vladimir Putin – Xi
  Jinping"}`; `year`; `initiator`: `{id, name}` or null
- `time`: `{utc, date, date_only, text, local: [{side, place, zone, at, text}]}`; a date-only
  call has `utc` null and no local times
- `columns`: one per side, the participants' sides first: `{side, place, published_at,
  after_call: {seconds, days, text} | null, documents: [document]}`; a side that has not
  published has no documents. A document is `{source_id, source, kind, url, title, language,
  dir, published_at, after_call, paragraphs: [{role: title|lead|body, sentences: [sentence]}]}`
  and a sentence `{text, topics, matched, marks, highlight}`, `highlight` being `divergent` (a
  watched topic only this side raised), `watched`, `context` or null
- `topics`: `[{id, label, watched, divergent, sides: {side: {found, evidence: [{text,
  matched, marks, url, language, dir}]}}}]`, every column's side present in `sides`
- `divergent_topics`: `[{id, label, side, place}]`, the watched topics only one side raised
- `framing`: `[{label, text, a: {side, place, topic, label}, b: {…}}]`
- `press`: `[{title, url, source_id, source, published_at, after_call,
  discusses_discrepancy}]`, oldest first
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rashomon.analysis.topics import TopicIndex
from rashomon.models import Call, CallAnalysis, Document, Evidence, Framing, PressItem, TopicFinding
from rashomon.report.accounts import TopicRoles, document_paragraphs, language_json
from rashomon.report.info import ReportInfo
from rashomon.report.marks import mark_spans
from rashomon.report.when import after_call, call_time, iso

Json = dict[str, Any]
CALL_TYPES = {"phone": "phone call", "video": "video call", "talks": "talks"}
UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def page_path(call_id: str) -> str:
    """The call's page relative to the report's root; the id reduced to safe characters."""
    return f"calls/{UNSAFE.sub('_', call_id)}.html"


def call_view(analysis: CallAnalysis, info: ReportInfo, index: TopicIndex) -> Json:
    """The view model of one analysed call (see the module docstring)."""
    call, labels = analysis.call, topic_labels(analysis, info)
    roles = topic_roles(analysis, labels)
    sides = column_sides(call, info)
    return {
        "id": call.id, "page": page_path(call.id), "type": call.type,
        "type_label": CALL_TYPES.get(call.type, call.type), "status": status(analysis),
        "summary": summary(analysis, info), "divergent": analysis.divergent,
        "one_sided": analysis.one_sided,
        **leaders_json(call, info),
        "time": call_time(call, [(side, info.side(side)) for side in sides]),
        "columns": [column(call, side, info, index, roles) for side in sides],
        "topics": [topic_json(f, sides, labels, roles) for f in sorted(
            analysis.topics, key=lambda f: roles.order(f.topic_id))],
        "divergent_topics": divergent_topics(analysis, info, labels, roles),
        "framing": [framing_json(item, info, labels) for item in analysis.framing],
        "press": [press_json(item, call, info) for item in sorted(
            analysis.press, key=lambda item: (item.published_at, item.url))],
    }


def status(analysis: CallAnalysis) -> str:
    if analysis.one_sided:
        return "one_sided"
    if len(analysis.call.sides) < 2:
        return "awaiting"
    return "divergent" if analysis.divergent else "agreeing"


def summary(analysis: CallAnalysis, info: ReportInfo) -> str:
    """The verdict in words: "The accounts diverge on 3 topics", "Only Moscow reported…"."""
    places = " and ".join(info.side(side).place for side in analysis.call.sides)
    count = len(analysis.asymmetric)
    topics = f"{count} topic{'' if count == 1 else 's'}"
    return {
        "one_sided": f"Only {places} reported this call",
        "awaiting": f"Only {places} has published an account so far",
        "divergent": f"The accounts diverge on {topics}",
        "agreeing": f"The accounts differ on {topics}, fewer than the "
                    f"{analysis.min_divergent_topics} that make a divergence" if count
                    else "The accounts raise the same watched topics",
    }[status(analysis)]


def leaders_json(call: Call, info: ReportInfo) -> Json:
    people = [{"id": pid, "name": info.leader(pid).name, "side": info.leader(pid).side}
              for pid in call.participants]
    initiator = None if call.initiator is None else {
        "id": call.initiator, "name": info.leader(call.initiator).name}
    return {"leaders": people, "initiator": initiator, "year": call.occurred_at.year,
            "pair": {"key": "+".join(call.participants),
                     "label": " – ".join(str(p["name"]) for p in people)}}


def column_sides(call: Call, info: ReportInfo) -> list[str]:
    """The participants' sides in the participants' order, then any other side that wrote."""
    sides = [info.leader(pid).side for pid in call.participants]
    return list(dict.fromkeys(side for side in (*sides, *call.sides) if side))


def topic_labels(analysis: CallAnalysis, info: ReportInfo) -> dict[str, str]:
    """Each found topic's label as shown: the configured one, else the analysis's."""
    return {f.topic_id: info.topic(f.topic_id, f.label, f.watched).label
            for f in analysis.topics}


def topic_roles(analysis: CallAnalysis, labels: dict[str, str]) -> TopicRoles:
    """The found topics' roles; watched or not as the analysis judged it."""
    keys = {f.topic_id: (not f.watched, labels[f.topic_id].casefold(), f.topic_id)
            for f in analysis.topics}
    return TopicRoles(
        kept=set(keys), watched={f.topic_id for f in analysis.topics if f.watched},
        divergent={f.topic_id for f in analysis.asymmetric},
        order=lambda topic_id: keys.get(topic_id, (True, topic_id, topic_id)))


def column(call: Call, side: str, info: ReportInfo, index: TopicIndex,
           roles: TopicRoles) -> Json:
    docs = call.documents_of(side)
    zone = info.side(side).zone
    first = min((doc.published_at for doc in docs), default=None)
    return {"side": side, "place": info.side(side).place,
            "published_at": None if first is None else iso(first),
            "after_call": None if first is None else after_call(call, first, zone),
            "documents": [document_json(doc, call, info, index, roles) for doc in docs]}


def document_json(doc: Document, call: Call, info: ReportInfo, index: TopicIndex,
                  roles: TopicRoles) -> Json:
    return {"source_id": doc.source_id, "source": info.source(doc.source_id),
            "kind": doc.kind, "url": doc.url, "title": doc.title, **language_json(doc.language),
            "published_at": iso(doc.published_at),
            "after_call": after_call(call, doc.published_at, info.side(doc.side).zone),
            "paragraphs": document_paragraphs(doc, index, roles)}


def topic_json(finding: TopicFinding, sides: Sequence[str], labels: dict[str, str],
               roles: TopicRoles) -> Json:
    return {"id": finding.topic_id, "label": labels[finding.topic_id],
            "watched": finding.watched, "divergent": finding.topic_id in roles.divergent,
            "sides": {side: _cell(finding, side) for side in sides}}


def _cell(finding: TopicFinding, side: str) -> Json:
    evidence = [evidence_json(e) for e in finding.evidence if e.side == side]
    return {"found": bool(evidence), "evidence": evidence}


def evidence_json(evidence: Evidence) -> Json:
    spans = mark_spans(evidence.sentence, evidence.matched, evidence.language)
    return {"text": evidence.sentence, "matched": list(evidence.matched),
            "marks": [list(span) for span in spans], "url": evidence.url,
            **language_json(evidence.language)}


def divergent_topics(analysis: CallAnalysis, info: ReportInfo, labels: dict[str, str],
                     roles: TopicRoles) -> list[Json]:
    found = sorted(analysis.asymmetric, key=lambda f: roles.order(f.topic_id))
    return [{"id": f.topic_id, "label": labels[f.topic_id], "side": side,
             "place": info.side(side).place} for f in found for side in sorted(f.sides)]


def framing_json(item: Framing, info: ReportInfo, labels: dict[str, str]) -> Json:
    a = {"side": item.side_a, "place": info.side(item.side_a).place, "topic": item.topic_a,
         "label": labels.get(item.topic_a) or info.topic(item.topic_a).label}
    b = {"side": item.side_b, "place": info.side(item.side_b).place, "topic": item.topic_b,
         "label": labels.get(item.topic_b) or info.topic(item.topic_b).label}
    text = f"{a['place']} speaks of “{a['label']}”, {b['place']} of “{b['label']}”"
    return {"label": item.label, "text": text, "a": a, "b": b}


def press_json(item: PressItem, call: Call, info: ReportInfo) -> Json:
    return {"title": item.title, "url": item.url, "source_id": item.source_id,
            "source": info.source(item.source_id), "published_at": iso(item.published_at),
            "after_call": after_call(call, item.published_at),
            "discusses_discrepancy": item.discusses_discrepancy}
