"""Benchmarks of the analytics side (not needed by tests): what the aggregate views cost the writer, and how long
the cookbook and the digest take, on ../shared/datasets/stream-dev/posts.jsonl and on a year of it.

    python bench/bench_analytics.py [--posts FILE] [--year-copies 52] [--out bench/results/analytics.json]

1. Insert cost of migration 0005: the enriched week written with ClickHouseStore.write_posts in batches of 500
   (as the runner does) into a fresh database with the views and into one without them (views dropped);
   3 alternating rounds, best of each.
2. The week through the whole embedded pipeline, then every cookbook query (median of 5 runs) and the weekly
   digest (gather + render with charts).
3. A year: the week's rows copied `--year-copies` times, shifted by whole weeks, with new uids (direct inserts,
   so the views fill as in production), then the cookbook and the digest again.
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.digest import build_digest  # noqa: E402
from analytics.digest_html import render_html  # noqa: E402
from analytics.queries import Cookbook  # noqa: E402
from collectors.files import read_files  # noqa: E402
from core.records import Post  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.taxonomy import load_topics  # noqa: E402
from pipeline.embedded import run_embedded  # noqa: E402
from pipeline.enrich import enrich_batch  # noqa: E402
from pipeline.kit import load_kit  # noqa: E402
from pipeline.stages import Stages  # noqa: E402
from storage import rows  # noqa: E402
from storage.clickhouse import ClickHouseStore  # noqa: E402

DEFAULT_POSTS = ROOT.parent / "shared" / "datasets" / "stream-dev" / "posts.jsonl"


def fresh(root: Path, name: str, views: bool) -> ClickHouseStore:
    store = ClickHouseStore.connect(f"chdb://{root}?database={name}")
    store.migrate()
    if not views:
        for view in ("posts_hourly_mv", "stories_hourly_mv"):
            store.client.command(f"DROP VIEW {view}")
    return store


def write_rate(store: ClickHouseStore, enriched: list) -> float:
    t = time.perf_counter()
    for i in range(0, len(enriched), 500):
        store.write_posts(enriched[i:i + 500], "bench")
    return len(enriched) / (time.perf_counter() - t)


def time_cookbook(book: Cookbook, runs: int = 5) -> dict[str, float]:
    out = {}
    for name in book.names():
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            book.run(name)
            times.append(time.perf_counter() - t)
        out[name] = round(statistics.median(times) * 1000, 1)
    return out


def time_digest(book: Cookbook, topics: dict) -> float:
    t = time.perf_counter()
    digest = build_digest(book, "week")
    render_html(digest, {c: tp.name for c, tp in topics.items()}, "округ", ZoneInfo("Europe/Moscow"))
    return round(time.perf_counter() - t, 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=Path, default=DEFAULT_POSTS)
    ap.add_argument("--year-copies", type=int, default=52)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "analytics.json")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dozor-bench-analytics-"))
    try:
        settings = Settings(data_dir=work)
        kit = load_kit(settings)
        items = [i for i in read_files([args.posts]) if isinstance(i, Post)]
        enriched = enrich_batch(items, kit)
        root = work / "clickhouse"

        with_views, without = [], []
        for r in range(3):
            without.append(write_rate(fresh(root, f"plain{r}", views=False), enriched))
            with_views.append(write_rate(fresh(root, f"views{r}", views=True), enriched))
        insert = {"posts": len(enriched), "batch": 500,
                  "posts_per_s_without_views": round(max(without)), "posts_per_s_with_views": round(max(with_views)),
                  "overhead_pct": round(100 * (max(without) / max(with_views) - 1), 1)}

        topics = load_topics()
        store = fresh(root, "week", views=True)
        run_embedded(list(read_files([args.posts])), Stages.build(settings, store, "bench", workflow=False, kit=kit),
                     store, "bench")
        book = Cookbook(store)
        week = {"posts": store.scalar("SELECT count() FROM posts"), "alerts": store.scalar(
                    "SELECT count() FROM alerts FINAL"),
                "query_ms": time_cookbook(book), "digest_s": time_digest(book, topics)}

        cols = ", ".join(rows.POST_COLUMNS)
        for k in range(1, args.year_copies):
            shifted = {"uid": f"concat(uid, '#{k}')", "published_at": f"published_at - toIntervalWeek({k})"}
            select = ", ".join(shifted.get(c, c) for c in rows.POST_COLUMNS)
            store.client.command(f"INSERT INTO posts ({cols}) SELECT {select} FROM posts "
                                 "WHERE position(uid, '#') = 0")
        year = {"posts": store.scalar("SELECT count() FROM posts"),
                "hourly_rows": store.scalar("SELECT count() FROM posts_hourly"),
                "query_ms": time_cookbook(book), "digest_s": time_digest(book, topics)}
        result = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
                  "insert": insert, "week": week, "year": year,
                  "note": "views = migration 0005 materialized views; query_ms = median of 5 runs in process "
                          "on embedded ClickHouse (chdb); year = the week copied 52 times shifted by weeks"}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result, ensure_ascii=False, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
