"""The risk workflow's tables: risk_events, risk_answers (0004), chat_messages, chat_offsets (0006).

    risks = RiskStore(store, dataset="live")     # store: storage.clickhouse.ClickHouseStore
    risks.write_events([event]); risks.events("A-1")          # -> [RiskEvent, ...] in (at, seq) order
    tracker = RiskTracker(settings.risks, sinks=[RiskStoreSink(risks)])

Rows in, core records out; the workflow's rules stay in alerting/ (a Risk is alerting.lifecycle.stored_risk of
these events). RiskStore is what alerting.store.RiskRecords asks for; RiskStoreSink is an alerting.workflow
RiskSink: it buffers what a tracker emits and writes it once per batch.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from core.records import Alert
from core.risks import OPEN, Answer, RiskEvent
from storage.rows import alert_from_row, aware, utc

EVENT_COLUMNS = ("alert_id", "event_id", "seq", "at", "event", "state", "actor", "details", "dataset")
ANSWER_COLUMNS = ("alert_id", "answer_id", "answered_at", "text", "platforms", "links", "linked_uids", "author",
                  "origin", "dataset")
MESSAGE_COLUMNS = ("chat_id", "alert_id", "message_id", "text_hash", "updated_at")
OFFSET_COLUMNS = ("bot", "next_offset", "updated_at")


def event_row(ev: RiskEvent, dataset: str) -> tuple:
    return (ev.alert_id, ev.event_id, ev.seq, utc(ev.at), ev.event, ev.state, ev.actor,
            json.dumps(ev.details, ensure_ascii=False, sort_keys=True, default=str), dataset)


def answer_row(a: Answer, dataset: str) -> tuple:
    return (a.alert_id, a.answer_id, utc(a.answered_at), a.text, list(a.platforms), list(a.links),
            list(a.linked_uids), a.author, a.origin, dataset)


def event_from_row(r: dict) -> RiskEvent:
    return RiskEvent(r["alert_id"], r["event"], aware(r["at"]), r["state"], r["actor"],
                     json.loads(r["details"] or "{}"), r["seq"])


class RiskStore:
    def __init__(self, store, dataset: str = "live"):
        self.store = store
        self.dataset = dataset

    # --- risks ------------------------------------------------------------------------------------------------
    def write_events(self, events: list[RiskEvent]) -> None:
        self.store.insert_rows("risk_events", [event_row(e, self.dataset) for e in events], EVENT_COLUMNS)

    def write_answers(self, answers: list[Answer]) -> None:
        self.store.insert_rows("risk_answers", [answer_row(a, self.dataset) for a in answers], ANSWER_COLUMNS)

    def events(self, alert_id: str) -> list[RiskEvent]:
        rows = self.store.query_dicts("SELECT alert_id, event, at, state, actor, details, seq FROM risk_events FINAL "
                                      "WHERE alert_id = {a:String} ORDER BY at, seq", a=alert_id)
        return [event_from_row(r) for r in rows]

    def event_counts(self, alert_ids: list[str]) -> dict[str, int]:
        """alert_id -> how many events the store holds, for many risks in one query (the tracker's sync)."""
        if not alert_ids:
            return {}
        rows = self.store.client.query("SELECT alert_id, count() FROM risk_events FINAL WHERE alert_id IN "
                                       "{a:Array(String)} GROUP BY alert_id", parameters={"a": alert_ids})
        return dict(rows.result_rows)

    def open_ids(self) -> list[str]:
        """Alerts whose latest event leaves them open, oldest first."""
        rows = self.store.query_dicts(
            "SELECT alert_id, argMax(state, (at, seq)) AS state, min(at) AS since FROM risk_events FINAL "
            "GROUP BY alert_id HAVING state IN {open:Array(String)} ORDER BY since, alert_id", open=sorted(OPEN))
        return [r["alert_id"] for r in rows]

    def answers(self, alert_id: str) -> list[dict]:
        return self.store.query_dicts("SELECT * FROM risk_answers FINAL WHERE alert_id = {a:String} "
                                      "ORDER BY answered_at", a=alert_id)

    def latest_event_at(self) -> datetime | None:
        """The latest risk event's time (aware), None when there is none."""
        latest = self.store.scalar("SELECT max(at) FROM risk_events")
        return None if latest is None or latest.year < 2000 else aware(latest)

    def events_between(self, start: datetime, end: datetime) -> list[RiskEvent]:
        """Events with start < at <= end, in (at, seq) order."""
        rows = self.store.query_dicts(
            "SELECT alert_id, event, at, state, actor, details, seq FROM risk_events FINAL "
            "WHERE at > {s:DateTime64(3)} AND at <= {e:DateTime64(3)} ORDER BY at, seq",
            s=utc(start).replace(tzinfo=None), e=utc(end).replace(tzinfo=None))
        return [event_from_row(r) for r in rows]

    # --- what the risks are about ------------------------------------------------------------------------------
    def alert(self, alert_id: str) -> Alert | None:
        found = self.store.alerts(alert_id=alert_id)
        return alert_from_row(found[-1]) if found else None

    def known_uids(self, uids: list[str]) -> list[str]:
        """The uids we have stored, in the order given."""
        known = self.store.known_uids(list(uids))
        return [u for u in uids if u in known]

    def write_labels(self, labels: list[dict]) -> int:
        return self.store.write_labels(labels)

    def topic_volume(self, topics: tuple[str, ...], start: date, end: date) -> int:
        """Posts on these topics published from `start` to `end`, both days included."""
        return int(self.store.scalar(
            "SELECT count() FROM posts WHERE topic IN {t:Array(String)} AND published_at >= {s:DateTime64(3)} "
            "AND published_at < {e:DateTime64(3)}", t=list(topics), s=datetime.combine(start, datetime.min.time()),
            e=datetime.combine(end + timedelta(days=1), datetime.min.time())))

    # --- the chat ---------------------------------------------------------------------------------------------
    def message(self, chat_id: str, alert_id: str) -> tuple[int, str] | None:
        """(message id, hash of the text shown) of the alert's card in the chat, if it was sent."""
        rows = self.store.query_dicts("SELECT message_id, text_hash FROM chat_messages FINAL "
                                      "WHERE chat_id = {c:String} AND alert_id = {a:String}",
                                      c=str(chat_id), a=alert_id)
        return (rows[0]["message_id"], rows[0]["text_hash"]) if rows else None

    def put_message(self, chat_id: str, alert_id: str, message_id: int, text_hash: str) -> None:
        self.store.insert_rows("chat_messages", [(str(chat_id), alert_id, int(message_id), text_hash,
                                                  datetime.now(timezone.utc))], MESSAGE_COLUMNS)

    def alert_for_message(self, chat_id: str, message_id: int) -> str | None:
        rows = self.store.query_dicts("SELECT alert_id FROM chat_messages FINAL WHERE chat_id = {c:String} AND "
                                      "message_id = {m:Int64} LIMIT 1", c=str(chat_id), m=int(message_id))
        return rows[0]["alert_id"] if rows else None

    def offset(self, bot: str) -> int:
        rows = self.store.query_dicts("SELECT next_offset FROM chat_offsets FINAL WHERE bot = {b:String}", b=bot)
        return rows[0]["next_offset"] if rows else 0

    def put_offset(self, bot: str, offset: int) -> None:
        self.store.insert_rows("chat_offsets", [(bot, offset, datetime.now(timezone.utc))], OFFSET_COLUMNS)


class RiskStoreSink:
    """Buffers a tracker's events and answers; flush() writes them (once per pipeline batch)."""

    def __init__(self, risks: RiskStore):
        self.risks = risks
        self._events: list[RiskEvent] = []
        self._answers: list[Answer] = []

    def alert(self, alert: Alert, risk) -> None:
        """Nothing to buffer: the runner writes alert snapshots to `alerts` itself; this sink keeps the workflow."""

    def event(self, risk, event: RiskEvent, answer: Answer | None) -> None:
        self._events.append(event)
        if answer is not None:
            self._answers.append(answer)

    def flush(self) -> None:
        self.risks.write_events(self._events)
        self.risks.write_answers(self._answers)
        self._events, self._answers = [], []
