"""Queries about places (issue 18): what residents named that the gazetteer does not know.

    unverified_places(store, since) -> [("Кирилловщина", 3), ("Песочки", 1)]     # most named first
"""
from __future__ import annotations

from datetime import datetime


def unverified_places(store, since: datetime, limit: int = 10) -> list[tuple[str, int]]:
    rows = store.client.query(
        "SELECT place, count() AS n FROM (SELECT * FROM posts FINAL) ARRAY JOIN place_unverified AS place "
        "WHERE published_at >= fromUnixTimestamp64Milli({t:Int64}) GROUP BY place ORDER BY n DESC, place "
        "LIMIT {limit:UInt32}", parameters={"t": int(since.timestamp() * 1000), "limit": limit}).result_rows
    return [(p, int(n)) for p, n in rows]


def unverified_line(found: list[tuple[str, int]]) -> str:
    """The Russian line `dozor sources status` prints."""
    if not found:
        return "Места не из справочника за 7 дней: нет"
    return "Места не из справочника за 7 дней: " + ", ".join(f"{p} ({n})" for p, n in found)
