"""Live sources' state in ClickHouse: cursors (advanced only after their posts are stored) and the poll log.

The cursor is a frozen core.sources.Cursor; here it becomes one JSON string per source. The poll log feeds the
per-source figures: last success, last post time, posts per hour, errors in a row.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from core.sources import Cursor, PollRecord, SourceStats
from storage.clickhouse import ClickHouseStore
from storage.rows import aware


def cursor_to_json(c: Cursor) -> str:
    return json.dumps({"last_id": c.last_id,
                       "last_post_at": c.last_post_at.astimezone(timezone.utc).isoformat() if c.last_post_at else None,
                       "watch": [list(w) for w in c.watch], "backfilled": c.backfilled,
                       "extra": {k: [list(x) for x in v] if isinstance(v, (list, tuple)) else v
                                 for k, v in c.extra.items()}}, ensure_ascii=False)


def cursor_from_json(source: str, text: str) -> Cursor:
    d = json.loads(text)
    extra = {k: tuple(tuple(x) for x in v) if isinstance(v, list) else v for k, v in d.get("extra", {}).items()}
    return Cursor(source=source, last_id=int(d["last_id"]),
                  last_post_at=datetime.fromisoformat(d["last_post_at"]) if d.get("last_post_at") else None,
                  watch=tuple((int(a), int(b)) for a, b in d.get("watch", ())), backfilled=bool(d["backfilled"]),
                  extra=extra)


class ClickHouseCursorStore:
    """core.sources.CursorStore over the source_cursors table."""

    def __init__(self, store: ClickHouseStore) -> None:
        self.store = store

    def get(self, source: str) -> Cursor | None:
        rows = self.store.client.query(
            "SELECT argMax(cursor, saved_at) FROM source_cursors WHERE source = {s:String} HAVING count() > 0",
            parameters={"s": source}).result_rows
        return cursor_from_json(source, rows[0][0]) if rows else None

    def put(self, cursor: Cursor) -> None:
        self.store.insert_rows("source_cursors", [(cursor.source, cursor_to_json(cursor), datetime.now(timezone.utc))],
                               ("source", "cursor", "saved_at"))


def record_poll(store: ClickHouseStore, r: PollRecord) -> None:
    store.client.insert("source_polls", [(r.source, r.polled_at, int(r.ok), r.posts, r.new_posts, r.error, r.action,
                                          r.last_post_at)],
                        column_names=("source", "polled_at", "ok", "posts", "new_posts", "error", "action",
                                      "last_post_at"))


def source_stats(store: ClickHouseStore, sources: list[str], now: datetime, rate_days: int) -> dict[str, SourceStats]:
    """Per source: from source_polls (successes, failures in a row) and posts (rate, latest post), over the last
    `rate_days` (errors_total and the last success are the window's: a health tick never reads the whole log)."""
    since = now.timestamp() - rate_days * 86400
    window = {"s": sources, "since": int(since * 1000)}       # the poll log is read for the window only (its sort key)
    polls = {r["source"]: r for r in store.query_dicts(
        "SELECT source, maxIf(polled_at, ok = 1) AS last_ok, countIf(ok = 0) AS errors, min(polled_at) AS first_poll,"
        " max(last_post_at) AS poll_last_post FROM source_polls WHERE source IN {s:Array(String)}"
        " AND polled_at >= fromUnixTimestamp64Milli({since:Int64}) GROUP BY source", **window)}
    recent: dict[str, list[dict]] = {}
    for r in store.query_dicts("SELECT source, ok, error FROM source_polls WHERE source IN {s:Array(String)}"
                               " AND polled_at >= fromUnixTimestamp64Milli({since:Int64})"
                               " ORDER BY polled_at DESC LIMIT 50 BY source", **window):
        recent.setdefault(r["source"], []).append(r)
    posts = {r["source"]: r for r in store.query_dicts(
        "SELECT source, max(published_at) AS last_post, count() AS n, min(published_at) AS first_post,"
        " arrayMax(arrayPushFront(arrayDifference(arraySort(groupArray(toUnixTimestamp(published_at)))), 0)) AS gap"
        " FROM posts WHERE source IN {s:Array(String)} AND published_at >= fromUnixTimestamp64Milli({since:Int64})"
        " GROUP BY source", s=sources, since=int(since * 1000))}
    missing = [key for key in sources if key not in posts]
    if missing:                     # posts stored elsewhere (Kafka mode: the sink's database): the poll log's view
        posts.update({r["source"]: r for r in store.query_dicts(
            "SELECT source, max(last_post_at) AS last_post, sum(new_posts) AS n, min(last_post_at) AS first_post,"
            " arrayMax(arrayPushFront(arrayDifference(arraySort(groupArray(toUnixTimestamp(assumeNotNull("
            "last_post_at))))), 0)) AS gap FROM source_polls WHERE source IN {s:Array(String)} AND ok = 1"
            " AND new_posts > 0 AND last_post_at >= fromUnixTimestamp64Milli({since:Int64}) GROUP BY source",
            s=missing, since=int(since * 1000))})
    out = {}
    for key in sources:
        p, q = posts.get(key, {}), polls.get(key, {})
        watched_from = [t for t in (aware(q.get("first_poll")), aware(p.get("first_post"))) if t is not None]
        start = max(min(watched_from).timestamp(), since) if watched_from else now.timestamp()
        last_ok = aware(q.get("last_ok"))
        failing = _failures_in_row(recent.get(key, []))
        out[key] = SourceStats(
            source=key, last_success_at=last_ok if last_ok and last_ok.year > 1970 else None,
            last_post_at=max([t for t in (aware(p.get("last_post")), aware(q.get("poll_last_post"))) if t],
                             default=None),
            posts_in_window=int(p.get("n", 0)), window_hours=max(0.0, (now.timestamp() - start) / 3600),
            longest_gap_s=float(p.get("gap", 0)),
            failures_in_row=len(failing), errors_total=int(q.get("errors", 0)),
            last_error=failing[0]["error"] if failing else "")
    return out


def _failures_in_row(latest_first: list[dict]) -> list[dict]:
    out = []
    for r in latest_first:
        if r["ok"]:
            break
        out.append(r)
    return out
