"""Alert export rows (`dozor alerts --format jsonl`): one JSON object per story."""
from __future__ import annotations

import json
from datetime import tzinfo


def alert_json(row: dict, tz: tzinfo) -> str:
    """row as returned by ClickHouseStore.alerts(); times as ISO 8601 with the local offset."""
    return json.dumps({
        "alert_id": row["alert_id"],
        "created_at": row["created_at"].astimezone(tz).isoformat(timespec="seconds"),
        "updated_at": row["updated_at"].astimezone(tz).isoformat(timespec="seconds"),
        "level": row["level"],
        "kind": row["kind"],
        "topic": row["topic"],
        "settlement": row["settlement"] or None,
        "street": row.get("street") or None,
        "object": row.get("object") or None,
        "score": round(float(row["score"]), 3),
        "n_posts": int(row["n_posts"]),
        "sources": list(row["sources"]),
        "post_ids": list(row["post_uids"]),
    }, ensure_ascii=False)
