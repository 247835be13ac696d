"""The web console's and /metrics' reads (pipeline/serve/): rows in, dicts out, every time in UTC.

    console = ConsoleQueries(store)
    console.open_risks()                      # the register: open risks with their alert, state, answer time
    console.risk_posts(alert)                 # a risk's posts, in time order
    console.reaction(topic, settlement, start, end)   # story posts per hour, negative ones apart
    console.settlement_volume(since)          # settlement -> posts since
    console.figures(now)                      # what /metrics exposes, counted in the database
"""
from __future__ import annotations

from datetime import datetime

from storage.rows import aware

OPEN = ("new", "in_work", "answered", "watching")
ALL = OPEN + ("worked_out", "false_alarm")


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


class ConsoleQueries:
    def __init__(self, store):
        self.store = store

    def open_risks(self, limit: int = 2000, states: tuple[str, ...] = OPEN) -> list[dict]:
        """Risks in `states` (default: the open ones), oldest story first: the alert's latest snapshot and the
        workflow's current state."""
        rows = self.store.query_dicts(
            "SELECT a.alert_id AS alert_id, a.level AS level, if(e.topic_to != '', e.topic_to, a.topic) AS topic, "
            "a.settlement AS settlement, a.n_posts AS n_posts, a.first_at AS first_at, a.last_at AS last_at, "
            "a.created_at AS created_at, e.state AS state, e.answered AS answered, e.answered_at AS answered_at, "
            "e.taken_by AS taken_by "
            "FROM (SELECT alert_id, argMax(state, (at, seq)) AS state, countIf(event = 'answered') > 0 AS answered, "
            "      minIf(at, event = 'answered') AS answered_at,"
            "      argMaxIf(actor, (at, seq), event = 'taken') AS taken_by,"
            "      JSONExtractString(argMaxIf(details, (at, seq), event = 'topic_changed'), 'to') AS topic_to "
            # duplicates change no aggregate: no FINAL
            "      FROM risk_events GROUP BY alert_id HAVING state IN {open:Array(String)}) AS e "
            "INNER JOIN (SELECT alert_id, level, topic, settlement, n_posts, first_at, last_at, created_at "
            "            FROM alerts FINAL) AS a ON a.alert_id = e.alert_id "
            "ORDER BY a.first_at, a.alert_id LIMIT {limit:UInt32}", open=list(states), limit=limit)
        for r in rows:
            for key in ("first_at", "last_at", "created_at", "answered_at"):
                r[key] = aware(r[key])
            if not r["answered"]:
                r["answered_at"] = None
        return rows

    def risk_posts(self, uids: list[str], first_at: datetime, last_at: datetime) -> list[dict]:
        """The story's posts (newest stored version), in time order; the date range lets ClickHouse skip parts."""
        if not uids:
            return []
        rows = self.store.query_dicts(
            "SELECT uid, published_at, source, source_name, url, text, sentiment, negative, parent_uid "
            "FROM posts FINAL WHERE uid IN {u:Array(String)} AND published_at BETWEEN "
            "fromUnixTimestamp64Milli({a:Int64}) - INTERVAL 1 DAY "
            "AND fromUnixTimestamp64Milli({b:Int64}) + INTERVAL 1 DAY "
            "ORDER BY published_at, uid", u=list(uids), a=_ms(first_at), b=_ms(last_at))
        for r in rows:
            r["published_at"] = aware(r["published_at"])
        return rows

    def reaction(self, topic: str, settlement: str, start: datetime, end: datetime) -> list[dict]:
        """Posts on the topic naming the settlement, per hour: {"hour", "posts", "negative"}."""
        rows = self.store.query_dicts(
            "SELECT toStartOfHour(published_at) AS hour, count() AS posts, countIf(negative >= 0.5) AS negative "
            "FROM posts WHERE published_at BETWEEN fromUnixTimestamp64Milli({a:Int64}) AND "
            "fromUnixTimestamp64Milli({b:Int64}) AND topic = {t:String} "
            "AND (settlement = {s:String} OR has(settlements, {s:String})) GROUP BY hour ORDER BY hour",
            a=_ms(start), b=_ms(end), t=topic, s=settlement or "")
        for r in rows:
            r["hour"] = aware(r["hour"])
        return rows

    def settlement_volume(self, since: datetime) -> dict[str, int]:
        rows = self.store.query_dicts(
            "SELECT s, count() AS n FROM posts ARRAY JOIN settlements AS s "
            "WHERE published_at >= fromUnixTimestamp64Milli({a:Int64}) GROUP BY s", a=_ms(since))
        return {r["s"]: r["n"] for r in rows}

    def polled_sources(self) -> list[str]:
        return [r["source"] for r in self.store.query_dicts("SELECT DISTINCT source FROM source_polls ORDER BY source")]

    def figures(self, now: datetime, deadline_s: int, norm_s: int) -> dict:
        """Counts for /metrics: per source, dead letters, alerts by level, open and overdue risks."""
        polls = self.store.query_dicts(
            "SELECT source, sumIf(posts, ok = 1) AS collected, countIf(ok = 0) AS errors, "
            "maxIf(polled_at, ok = 1) AS last_ok, countIf(ok = 1) AS oks FROM source_polls GROUP BY source")
        processed = self.store.query_dicts("SELECT source, uniqExact(uid) AS n FROM posts GROUP BY source")
        levels = self.store.query_dicts("SELECT level, count() AS n FROM alerts FINAL GROUP BY level")
        risks = self.open_risks(limit=1_000_000)
        at = now.timestamp()
        unanswered = [r for r in risks if not r["answered"]]
        return {
            "polls": {r["source"]: {"collected": int(r["collected"]), "errors": int(r["errors"]),
                                    "last_ok": aware(r["last_ok"]) if r["oks"] else None} for r in polls},
            "processed": {r["source"]: int(r["n"]) for r in processed},
            "dead_letters": int(self.store.scalar("SELECT count() FROM dead_letters")),
            "alerts": {r["level"]: int(r["n"]) for r in levels},
            "open": len(risks),
            "overdue_norm": sum(1 for r in unanswered if at - r["first_at"].timestamp() > norm_s),
            "overdue_deadline": sum(1 for r in unanswered if at - r["first_at"].timestamp() > deadline_s),
        }
