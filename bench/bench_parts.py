"""Merged-away parts, store only (issue 16): N small inserts into `posts` (old_parts_lifetime = 60 after
migration 0012) and into a copy of it set back to MergeTree's default 480 s, then the parts each keeps (active,
merged away) over some wall time. The soak packs a week into an hour, so the engine's cleanup, which is wall-time
based, fell behind; this measures how much sooner the parts go.

    python bench/bench_parts.py [--inserts 400] [--watch 150] [--out bench/results/parts.json]

Not a test: its figures go to bench/results/parts.json and docs/benchmarks.md («## Soak»).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.clickhouse import ClickHouseStore  # noqa: E402
from tests.conftest import make_enriched  # noqa: E402

TABLES = ("posts", "posts_default")


def parts(store) -> dict[str, tuple[int, int]]:
    rows = store.client.query("SELECT table, sum(active), sum(NOT active) FROM system.parts "
                              "WHERE database = currentDatabase() AND table IN ('posts', 'posts_default') "
                              "GROUP BY table").result_rows
    found = {t: (int(a), int(i)) for t, a, i in rows}
    return {t: found.get(t, (0, 0)) for t in TABLES}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inserts", type=int, default=400)
    ap.add_argument("--watch", type=float, default=150.0, help="seconds of wall time to watch after the inserts")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "parts.json"))
    args = ap.parse_args()
    store = ClickHouseStore.connect(f"chdb://{tempfile.mkdtemp(prefix='dozor-parts-')}")
    store.migrate()
    store.client.command("CREATE TABLE posts_default AS posts")
    store.client.command("ALTER TABLE posts_default MODIFY SETTING old_parts_lifetime = 480")
    settings = {t: store.scalar(f"SELECT engine_full FROM system.tables WHERE database = currentDatabase() "
                                f"AND name = '{t}'").split("SETTINGS ", 1)[1] for t in TABLES}
    t0 = time.monotonic()
    for i in range(args.inserts):
        uid = f"vk:-1_{i}"
        store.write_posts([make_enriched(uid, i)], "bench")
        store.client.command(f"INSERT INTO posts_default SELECT * FROM posts WHERE uid = '{uid}'")
    insert_s = time.monotonic() - t0
    timeline = [{"s": 0.0, **{t: list(v) for t, v in parts(store).items()}}]
    start = time.monotonic()
    while time.monotonic() - start < args.watch:
        time.sleep(10)
        timeline.append({"s": round(time.monotonic() - start, 1), **{t: list(v) for t, v in parts(store).items()}})
        print(timeline[-1], flush=True)
    result = {"inserts_per_table": args.inserts, "insert_wall_s": round(insert_s, 1), "settings": settings,
              "timeline_active_inactive": timeline, "machine": platform.platform()}
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "timeline_active_inactive"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
