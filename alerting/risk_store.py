"""The risk workflow's ClickHouse adapter: risk_events, risk_answers (0004), chat_messages, chat_offsets (0006).

A thin layer over ClickHouseStore: rows in, records out. RiskStoreSink buffers what a RiskTracker emits and
writes it per batch.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from alerting.answers import Answer
from alerting.lifecycle import OPEN, Risk, RiskEvent, replay
from core.records import Alert
from storage.rows import alert_from_row, aware, utc

EVENT_COLUMNS = ("alert_id", "event_id", "seq", "at", "event", "state", "actor", "details", "dataset")
ANSWER_COLUMNS = ("alert_id", "answer_id", "answered_at", "text", "platforms", "links", "linked_uids", "author",
                  "origin", "dataset")


def event_row(ev: RiskEvent, dataset: str) -> tuple:
    return (ev.alert_id, ev.event_id, ev.seq, utc(ev.at), ev.event, ev.state, ev.actor,
            json.dumps(ev.details, ensure_ascii=False, sort_keys=True, default=str), dataset)


def answer_row(a: Answer, dataset: str) -> tuple:
    return (a.alert_id, a.answer_id, utc(a.answered_at), a.text, list(a.platforms), list(a.links),
            list(a.linked_uids), a.author, a.origin, dataset)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


class RiskStore:
    def __init__(self, store, dataset: str = "live"):
        self.store = store
        self.dataset = dataset

    # --- risks ------------------------------------------------------------------------------------------------
    def write_events(self, events: list[RiskEvent]) -> None:
        if events:
            self.store.client.insert("risk_events", [event_row(e, self.dataset) for e in events],
                                     column_names=EVENT_COLUMNS)

    def write_answers(self, answers: list[Answer]) -> None:
        if answers:
            self.store.client.insert("risk_answers", [answer_row(a, self.dataset) for a in answers],
                                     column_names=ANSWER_COLUMNS)

    def events(self, alert_id: str) -> list[RiskEvent]:
        rows = self.store.query_dicts("SELECT alert_id, event, at, state, actor, details, seq FROM risk_events FINAL "
                                      "WHERE alert_id = {a:String} ORDER BY at, seq", a=alert_id)
        return [RiskEvent(r["alert_id"], r["event"], aware(r["at"]), r["state"], r["actor"],
                          json.loads(r["details"] or "{}"), r["seq"]) for r in rows]

    def risk(self, alert_id: str) -> Risk | None:
        events = self.events(alert_id)
        return replay(events) if events else None

    def event_counts(self, alert_ids: list[str]) -> dict[str, int]:
        """alert_id -> how many events the store holds, for many risks in one query (the tracker's sync)."""
        if not alert_ids:
            return {}
        rows = self.store.client.query("SELECT alert_id, count() FROM risk_events FINAL WHERE alert_id IN "
                                       "{a:Array(String)} GROUP BY alert_id", parameters={"a": alert_ids})
        return dict(rows.result_rows)

    def open_ids(self) -> list[str]:
        rows = self.store.query_dicts(
            "SELECT alert_id, argMax(state, (at, seq)) AS state, min(at) AS since FROM risk_events FINAL "
            "GROUP BY alert_id HAVING state IN {open:Array(String)} ORDER BY since, alert_id", open=sorted(OPEN))
        return [r["alert_id"] for r in rows]

    def answers(self, alert_id: str) -> list[dict]:
        return self.store.query_dicts("SELECT * FROM risk_answers FINAL WHERE alert_id = {a:String} "
                                      "ORDER BY answered_at", a=alert_id)

    def alert(self, alert_id: str) -> Alert | None:
        found = [a for a in self.store.query_dicts(
            "SELECT alert_id, kind, created_at, updated_at, level, topic, settlement, score, post_uids, sources, "
            "n_posts, negative_share, first_at, last_at, snippets, why, street, object FROM alerts FINAL "
            "WHERE alert_id = {a:String}",
            a=alert_id)]
        if not found:
            return None
        row = found[0]
        for key in ("created_at", "updated_at", "first_at", "last_at"):
            row[key] = aware(row[key])
        return alert_from_row(row)

    def known_uids(self, uids: list[str]) -> list[str]:
        known = self.store.known_uids(list(uids))
        return [u for u in uids if u in known]

    def post_texts(self, uids: list[str]) -> list[tuple[str, str]]:
        if not uids:
            return []
        rows = self.store.query_dicts("SELECT uid, any(text) AS text FROM posts WHERE uid IN {u:Array(String)} "
                                      "GROUP BY uid ORDER BY uid", u=list(uids))
        return [(r["uid"], r["text"]) for r in rows]

    # --- the chat ---------------------------------------------------------------------------------------------
    def message(self, chat_id: str, alert_id: str) -> tuple[int, str] | None:
        rows = self.store.query_dicts("SELECT message_id, text_hash FROM chat_messages FINAL WHERE chat_id = {c:String} "
                                      "AND alert_id = {a:String}", c=str(chat_id), a=alert_id)
        return (rows[0]["message_id"], rows[0]["text_hash"]) if rows else None

    def put_message(self, chat_id: str, alert_id: str, message_id: int, text: str) -> None:
        self.store.client.insert("chat_messages", [(str(chat_id), alert_id, int(message_id), text_hash(text),
                                                    datetime.now(timezone.utc))],
                                 column_names=("chat_id", "alert_id", "message_id", "text_hash", "updated_at"))

    def alert_for_message(self, chat_id: str, message_id: int) -> str | None:
        rows = self.store.query_dicts("SELECT alert_id FROM chat_messages FINAL WHERE chat_id = {c:String} AND "
                                      "message_id = {m:Int64} LIMIT 1", c=str(chat_id), m=int(message_id))
        return rows[0]["alert_id"] if rows else None

    def offset(self, bot: str) -> int:
        rows = self.store.query_dicts("SELECT next_offset FROM chat_offsets FINAL WHERE bot = {b:String}", b=bot)
        return rows[0]["next_offset"] if rows else 0

    def put_offset(self, bot: str, offset: int) -> None:
        self.store.client.insert("chat_offsets", [(bot, offset, datetime.now(timezone.utc))],
                                 column_names=("bot", "next_offset", "updated_at"))


class RiskStoreSink:
    """Buffers a tracker's events and answers; flush() writes them (once per pipeline batch)."""

    def __init__(self, risks: RiskStore):
        self.risks = risks
        self._events: list[RiskEvent] = []
        self._answers: list[Answer] = []

    def alert(self, alert: Alert, risk: Risk) -> None:
        """Nothing to buffer: the runner writes alert snapshots to `alerts` itself; this sink keeps the workflow."""

    def event(self, risk: Risk, event: RiskEvent, answer: Answer | None) -> None:
        self._events.append(event)
        if answer is not None:
            self._answers.append(answer)

    def flush(self) -> None:
        self.risks.write_events(self._events)
        self.risks.write_answers(self._answers)
        self._events, self._answers = [], []
