"""Read queries the commands and runners ask of the store, so no SQL lives outside storage/.

    stored_posts_since(store, since)            # -> [EnrichedPost] in event time: warms `dozor run`'s detector
    latest_post_at(store)                       # -> the latest post's time: "now" of the analytics
    least_confident(store, days=7, n=200)       # -> [{uid, text, topic, topic_score, sentiment}] to label
    topic_mix(store, days=7)                    # -> ({topic: posts}, mean topic confidence or None)
    polled_sources(store)                       # -> ["vk:-123", ...] sources with a poll log
    posts_outside(store, "demo")                # -> posts of other datasets (the demo refuses to mix)
    described_table(store, sql, **params)       # -> (column names, rows), the names even of an empty result

`store` is a storage.clickhouse.ClickHouseStore.
"""
from __future__ import annotations

from datetime import datetime

from core.records import EnrichedPost
from storage.rows import aware, enriched_from_row

RECENT = "(SELECT max(published_at) FROM posts) - INTERVAL {days:UInt32} DAY"   # `days` back from the latest post


def stored_posts_since(store, since: datetime, until: datetime | None = None) -> list[EnrichedPost]:
    """Stored posts published at or after `since` (and not after `until`), in (published_at, uid) order, as
    detection reads them."""
    bound = "AND published_at <= fromUnixTimestamp64Milli({u:Int64}) " if until is not None else ""
    rows = store.query_dicts("SELECT * FROM posts FINAL WHERE published_at >= fromUnixTimestamp64Milli({t:Int64}) "
                             f"{bound}ORDER BY published_at, uid", t=int(since.timestamp() * 1000),
                             u=int(until.timestamp() * 1000) if until is not None else 0)
    return [enriched_from_row(r) for r in rows]


def least_confident(store, days: int, n: int) -> list[dict]:
    """The n posts of the last `days` days (before the latest post) the topic model is least sure about."""
    return store.query_dicts(
        f"SELECT uid, text, topic, topic_score, sentiment FROM posts FINAL WHERE published_at >= {RECENT} "
        "ORDER BY topic_score ASC, uid LIMIT {n:UInt32}", days=days, n=n)


def topic_mix(store, days: int) -> tuple[dict[str, int], float | None]:
    """Posts per topic over the last `days` days (before the latest post) and their mean topic confidence."""
    mix = {r["topic"]: int(r["n"]) for r in store.query_dicts(
        f"SELECT topic, count() AS n FROM posts FINAL WHERE published_at >= {RECENT} GROUP BY topic", days=days)}
    mean = store.scalar(f"SELECT avg(topic_score) FROM posts FINAL WHERE published_at >= {RECENT}", days=days)
    return mix, None if mean is None or mean != mean else float(mean)          # avg() of nothing is nan


def latest_post_at(store) -> datetime | None:
    """The latest post's publication time (aware UTC); None when there are no posts."""
    latest = store.scalar("SELECT max(published_at) FROM posts")
    return None if latest is None or latest.year < 2000 else aware(latest)


def polled_sources(store) -> list[str]:
    return sorted(r["source"] for r in store.query_dicts("SELECT DISTINCT source FROM source_polls"))


def posts_outside(store, dataset: str) -> int:
    """How many stored posts belong to another dataset."""
    return int(store.scalar("SELECT count() FROM posts WHERE dataset != {d:String}", d=dataset))


def described_table(store, sql: str, **parameters) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of a SELECT. An empty result may come back without its header (chdb): then the
    columns are asked for with DESCRIBE (the analytics library returns typed, empty DataFrames)."""
    columns, rows = store.query_table(sql, **parameters)
    if not columns:
        body = "\n".join(ln for ln in sql.splitlines() if not ln.lstrip().startswith("--"))
        columns = [r[0] for r in store.query_table(f"DESCRIBE ({body})", **parameters)[1]]
    return columns, rows


def ping(store) -> None:
    """Raises when the database does not answer (the health endpoint's check)."""
    store.scalar("SELECT 1")
