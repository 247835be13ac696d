"""The risk workflow's records and a RiskTracker's state <-> plain JSON-able dicts, pure.

Kafka mode runs the tracker inside a district's detection lane (pipeline/stream/lane.py) and saves its state with
the lane's, so a restart or a rebalance continues exactly where the saved tracker stopped; the tracker's
outputs travel on risks.v1 (alerting/outbox.py) as these same documents.

    state = tracker_state(tracker)                 # {"version": 1, "risks": ..., "seen": [...], ...}
    same = restore_tracker(state, RiskTracker(settings.risks, sinks, secondary))   # fills a fresh tracker
    risk_from_doc(risk_doc(risk)) == risk          # likewise alerts, events, answers
"""
from __future__ import annotations

from datetime import datetime

from alerting.lifecycle import Risk, RiskEvent
from alerting.reaction import Mention
from alerting.workflow import RiskTracker
from core.records import Alert
from core.risks import Answer

STATE_VERSION = 1


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def alert_doc(a: Alert) -> dict:
    return {"alert_id": a.alert_id, "kind": a.kind, "topic": a.topic, "settlement": a.settlement, "level": a.level,
            "score": a.score, "created_at": a.created_at.isoformat(), "updated_at": a.updated_at.isoformat(),
            "first_at": a.first_at.isoformat(), "last_at": a.last_at.isoformat(), "post_uids": list(a.post_uids),
            "sources": list(a.sources), "negative_share": a.negative_share, "snippets": [list(s) for s in a.snippets],
            "why": a.why, "street": a.street, "object": a.object}


def alert_from_doc(d: dict) -> Alert:
    return Alert(alert_id=d["alert_id"], kind=d["kind"], topic=d["topic"], settlement=d["settlement"],
                 level=d["level"], score=d["score"], created_at=datetime.fromisoformat(d["created_at"]),
                 updated_at=datetime.fromisoformat(d["updated_at"]), first_at=datetime.fromisoformat(d["first_at"]),
                 last_at=datetime.fromisoformat(d["last_at"]), post_uids=tuple(d["post_uids"]),
                 sources=tuple(d["sources"]), negative_share=d["negative_share"],
                 snippets=tuple((t, u) for t, u in d["snippets"]), why=d.get("why", ""), street=d.get("street"),
                 object=d.get("object"))


def event_doc(e: RiskEvent) -> dict:
    return {"alert_id": e.alert_id, "event": e.event, "at": e.at.isoformat(), "state": e.state, "actor": e.actor,
            "details": e.details, "seq": e.seq}


def event_from_doc(d: dict) -> RiskEvent:
    return RiskEvent(d["alert_id"], d["event"], datetime.fromisoformat(d["at"]), d["state"], d["actor"],
                     d["details"], d["seq"])


def risk_doc(r: Risk) -> dict:
    return {"alert_id": r.alert_id, "first_at": r.first_at.isoformat(), "state": r.state,
            "detected_at": _iso(r.detected_at), "taken_by": r.taken_by, "answered_at": _iso(r.answered_at),
            "verdict_at": _iso(r.verdict_at), "topic": r.topic, "sla_done": list(r.sla_done),
            "history": [event_doc(e) for e in r.history]}


def risk_from_doc(d: dict) -> Risk:
    return Risk(alert_id=d["alert_id"], first_at=datetime.fromisoformat(d["first_at"]), state=d["state"],
                detected_at=_at(d["detected_at"]), taken_by=d["taken_by"], answered_at=_at(d["answered_at"]),
                verdict_at=_at(d["verdict_at"]), topic=d["topic"], sla_done=tuple(d["sla_done"]),
                history=tuple(event_from_doc(e) for e in d["history"]))


def answer_doc(a: Answer) -> dict:
    return {"alert_id": a.alert_id, "answer_id": a.answer_id, "answered_at": a.answered_at.isoformat(),
            "text": a.text, "platforms": list(a.platforms), "links": list(a.links),
            "linked_uids": list(a.linked_uids), "author": a.author, "origin": a.origin}


def answer_from_doc(d: dict) -> Answer:
    return Answer(d["alert_id"], d["answer_id"], datetime.fromisoformat(d["answered_at"]), d["text"],
                  tuple(d["platforms"]), tuple(d["links"]), tuple(d["linked_uids"]), d["author"], d["origin"])


def _mention(m: Mention) -> list:
    return [m.uid, m.at.isoformat(), m.source, m.negative]


def _mention_from(d: list) -> Mention:
    return Mention(d[0], datetime.fromisoformat(d[1]), d[2], d[3])


def tracker_state(tracker: RiskTracker) -> dict:
    """What the tracker remembers between posts (its settings and sinks are not state)."""
    return {"version": STATE_VERSION, "now": _iso(tracker.now),
            "risks": [risk_doc(r) for r in tracker.risks.values()],
            "alerts": [alert_doc(a) for a in tracker.alerts.values()],
            "mentions": {alert_id: [_mention(m) for m in ms] for alert_id, ms in tracker.mentions.items() if ms},
            "seen": [_mention(m) for m in tracker.seen.values()],          # in arrival order, as the tracker expires
            "linked": tracker.linked}


def restore_tracker(state: dict | None, tracker: RiskTracker) -> RiskTracker:
    """Fill a fresh tracker (built with the settings that built the saved one) from a saved state."""
    if not state:
        return tracker
    if state.get("version") != STATE_VERSION:
        raise ValueError(f"состояние процесса работы с рисками версии {state.get('version')}, "
                         f"ожидалась {STATE_VERSION}")
    tracker.now = _at(state["now"])
    tracker.risks.update((r.alert_id, r) for r in map(risk_from_doc, state["risks"]))
    tracker.alerts.update((a.alert_id, a) for a in map(alert_from_doc, state["alerts"]))
    for alert_id, ms in state["mentions"].items():
        tracker.mentions[alert_id] = [_mention_from(m) for m in ms]
    tracker.seen.update((m.uid, m) for m in map(_mention_from, state["seen"]))
    tracker.linked.update(state["linked"])
    tracker.reschedule()                    # the wake-up heap is derived: rebuilt, not saved
    return tracker
