"""The appeals register in ClickHouse (migration 0010): appeals, their judged answers, events and links.

    store = AppealStore(open_store(settings))
    store.known_ids(["portal:2948002"])            -> {"portal:2948002"}
    store.write(rows)                              # rows: storage.appeals.AppealRows, built by pipeline/appeals.py
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from storage.rows import aware, utc

APPEAL_COLUMNS = ("appeal_id", "source", "channel", "received_at", "text", "category", "topic", "topic_score",
                  "settlement", "address", "org", "status", "closed_at", "deadline_at", "rating", "author", "dataset",
                  "ingested_at")
ANSWER_COLUMNS = ("appeal_id", "answer_id", "answered_at", "org", "kind", "text", "verdict", "missing",
                  "model_version", "dataset", "ingested_at")
EVENT_COLUMNS = ("appeal_id", "at", "event", "detail", "dataset")
LINK_COLUMNS = ("appeal_id", "kind", "target_id", "score", "dataset", "why")
QUALITY_COLUMNS = ("alert_id", "answer_id", "checked_at", "verdict", "missing", "model_version")


@dataclass(frozen=True)
class AppealRows:
    appeals: tuple[tuple, ...]       # in APPEAL_COLUMNS order
    answers: tuple[tuple, ...]
    events: tuple[tuple, ...]


class AppealStore:
    def __init__(self, store):
        self.store = store
        self.client = store.client

    def known_ids(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        rows = self.client.query("SELECT DISTINCT appeal_id FROM appeals WHERE appeal_id IN {ids:Array(String)}",
                                 parameters={"ids": ids}).result_rows
        return {r[0] for r in rows}

    def write(self, rows: AppealRows) -> None:
        for table, columns, data in (("appeals", APPEAL_COLUMNS, rows.appeals), ("appeal_answers", ANSWER_COLUMNS,
                                     rows.answers), ("appeal_events", EVENT_COLUMNS, rows.events)):
            if data:
                self.client.insert(table, [tuple(utc(v) if isinstance(v, datetime) else v for v in r) for r in data],
                                   column_names=columns)

    def write_links(self, links: list[tuple]) -> None:
        """links: (appeal_id, kind, target_id, score, dataset, why)."""
        if links:
            self.client.insert("appeal_links", links, column_names=LINK_COLUMNS)

    def repeats_by_settlement(self, limit: int) -> list[dict]:
        """The settlements with the most repeat links: [{settlement, repeats}], most first."""
        return self.store.query_dicts(
            "SELECT a.settlement AS settlement, count() AS repeats FROM appeal_links AS l "
            "INNER JOIN (SELECT appeal_id, settlement FROM appeals FINAL) AS a ON a.appeal_id = l.appeal_id "
            "WHERE l.kind = 'repeat' GROUP BY settlement ORDER BY repeats DESC LIMIT {limit:UInt32}", limit=limit)

    def clear_links(self) -> None:
        """Remove every appeal link (repeats and risks) — for a scratch register that should count only the
        citizens' own marks (bench/bench_satisfaction.py); never on a working database's data worth keeping."""
        self.client.command("TRUNCATE TABLE appeal_links")

    def recent(self, since: datetime) -> list[dict]:
        """Appeals received since then, with their first answer's time (None: not answered): what repeat detection
        compares a new appeal with."""
        found = self.store.query_dicts(
            "SELECT a.appeal_id AS appeal_id, a.received_at AS received_at, a.topic AS topic, a.category AS category, "
            "a.settlement AS settlement, a.address AS address, a.text AS text, a.author AS author, "
            "f.first_answer_at AS answered_at FROM (SELECT * FROM appeals FINAL "
            "WHERE received_at >= {since:DateTime64(3)}) AS a LEFT JOIN (SELECT appeal_id, "
            "min(answered_at) AS first_answer_at FROM appeal_answers FINAL GROUP BY appeal_id) AS f "
            "ON f.appeal_id = a.appeal_id ORDER BY received_at, appeal_id", since=utc(since))
        for r in found:
            r["received_at"] = aware(r["received_at"])
            r["answered_at"] = aware(r["answered_at"]) if r["answered_at"] and r["answered_at"].year > 1971 else None
        return found

    def alerts_between(self, start: datetime, end: datetime) -> list[dict]:
        """Risks (stories) whose posts fall between start and end: candidates for an appeal's link."""
        found = self.store.query_dicts(
            "SELECT alert_id, topic, settlement, first_at, last_at FROM alerts FINAL "
            "WHERE last_at >= {start:DateTime64(3)} AND first_at <= {end:DateTime64(3)}",
            start=utc(start), end=utc(end))
        for r in found:
            r["first_at"], r["last_at"] = aware(r["first_at"]), aware(r["last_at"])
        return found

    def write_risk_quality(self, rows: list[tuple]) -> None:
        """rows: (alert_id, answer_id, checked_at, verdict, missing, model_version)."""
        if rows:
            self.client.insert("risk_answer_quality", [(a, b, utc(c), d, list(e), f) for a, b, c, d, e, f in rows],
                               column_names=QUALITY_COLUMNS)

    def counts(self) -> dict[str, int]:
        return {t: int(self.store.scalar(f"SELECT count() FROM {t} FINAL"))
                for t in ("appeals", "appeal_answers", "appeal_events", "appeal_links")}


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
