"""Benchmarks of the embedded pipeline on ../shared/datasets/stream-dev/posts.jsonl (not needed by tests).

    python bench/bench_pipeline.py [--posts FILE] [--out bench/results/pipeline.json]

Measures: seed-model training time (first run, its own process), enrichment posts/s (cold and warm lemma
cache), end-to-end posts/s into a fresh embedded ClickHouse (enrich + detect + store) in process, peak RSS of
that process, and the whole `dozor replay` command as a user runs it (wall time, peak RSS).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from collectors.files import read_files  # noqa: E402
from core.settings import Settings  # noqa: E402
from pipeline import text  # noqa: E402
from pipeline.embedded import run_embedded  # noqa: E402
from pipeline.enrich import enrich_batch  # noqa: E402
from pipeline.kit import load_kit  # noqa: E402
from pipeline.stages import Stages  # noqa: E402
from storage.clickhouse import ClickHouseStore  # noqa: E402

DEFAULT_POSTS = ROOT.parent / "shared" / "datasets" / "stream-dev" / "posts.jsonl"


def peak_rss_mb() -> float:
    """This process's peak; it trained nothing (training ran in a child) but holds every benchmark's data."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_split_mb() -> dict:
    """Private (anonymous) memory vs file-backed pages (shared libraries, mmapped dictionaries) right now."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {k: round(int(status[k].split()[0]) / 1024) for k in ("VmRSS", "RssAnon", "RssFile")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=Path, default=DEFAULT_POSTS)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "pipeline.json")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dozor-bench-"))
    try:
        settings = Settings(data_dir=work)
        env = {**os.environ, "DOZOR_DATA_DIR": str(work)}
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from pipeline.kit import load_kit; from core.settings import "
                        "Settings; load_kit(Settings())"], check=True, env=env, cwd=ROOT)
        train_s = time.perf_counter() - t
        kit = load_kit(settings)
        posts = [p for p in read_files([args.posts]) if not hasattr(p, "reason")]

        def clear_caches():
            text.lemma.cache_clear()
            text._best_parse.cache_clear()
            for model in kit.models.models.values():
                for vectorizer in model.featurizer.vectorizers_:
                    vectorizer._word_cache.clear()

        def rate(batch: list, warm_with: list = ()) -> float:
            for i in range(0, len(warm_with), 500):
                enrich_batch(warm_with[i:i + 500], kit)
            t = time.perf_counter()
            for i in range(0, len(batch), 500):
                enrich_batch(batch[i:i + 500], kit)
            return len(batch) / (time.perf_counter() - t)

        def median_of_3(measure) -> float:
            runs = []
            for _ in range(3):
                clear_caches()
                runs.append(measure())
            return sorted(runs)[1]

        cold = median_of_3(lambda: rate(posts))
        warm = median_of_3(lambda: rate(posts, warm_with=posts))
        # steady state of a 24/7 stream: the first half of the week warms the caches, the second half is timed
        by_time = sorted(posts, key=lambda p: p.published_at)
        first, second = by_time[: len(by_time) // 2], by_time[len(by_time) // 2:]
        steady = median_of_3(lambda: rate(second, warm_with=first))
        clear_caches()
        store = ClickHouseStore.connect(settings.clickhouse_dsn)
        store.migrate()
        t = time.perf_counter()
        items = list(read_files([args.posts]))
        summary = run_embedded(items, Stages.build(settings, store, "bench", workflow=False, kit=kit), store, "bench")
        e2e = len(posts) / (time.perf_counter() - t)
        split = rss_split_mb()
        store.close()
        # child processes report their own VmHWM (ru_maxrss would carry this process's size across fork+exec)
        hwm = ("; import pathlib; print([l.split()[1] for l in pathlib.Path('/proc/self/status').read_text()"
               ".splitlines() if l.startswith('VmHWM')][0])")
        cli = ("import sys, contextlib, io; from pipeline.commands import main; "
               "out = io.StringIO(); ctx = contextlib.redirect_stdout(out); ctx.__enter__(); "
               "rc = main(['replay', sys.argv[1], '-q', '--db', sys.argv[2]]); ctx.__exit__(None, None, None); "
               "assert rc == 0")
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", cli + hwm, str(args.posts), f"chdb://{work / 'cli'}"], env=env,
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
        cli_s = time.perf_counter() - t
        cli_rss = int(out.split()[-1]) / 1024
        # the same chain without the embedded database (what a Kafka worker holds; a ClickHouse server elsewhere)
        no_db = ("import sys; from alerting.detect import Detector; from collectors.files import read_files; "
                 "from pipeline.enrich import enrich_batch; from pipeline.kit import load_kit; "
                 "from core.settings import Settings; from core.taxonomy import load_topics; "
                 "s = Settings(); kit = load_kit(s); d = Detector(s.detection, load_topics()); "
                 "ps = sorted((p for p in read_files([sys.argv[1]]) if not hasattr(p, 'reason')), "
                 "key=lambda p: p.published_at); "
                 "[d.process(e) for i in range(0, len(ps), 500) for e in enrich_batch(ps[i:i + 500], kit)]")
        out = subprocess.run([sys.executable, "-c", no_db + hwm, str(args.posts)], env=env, cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
        no_db_rss = int(out.split()[-1]) / 1024
        result = {
            "posts": len(posts), "input": args.posts.name,
            "seed_training_s": round(train_s, 1),
            "enrich_posts_per_s_cold_cache": round(cold), "enrich_posts_per_s_warm_cache": round(warm),
            "enrich_posts_per_s_steady_state": round(steady),
            "end_to_end_posts_per_s": round(e2e), "alerts": len(summary.alerts),
            "peak_rss_mb": round(peak_rss_mb()),
            "rss_after_replay_mb": split,
            "cli_replay_wall_s": round(cli_s, 1), "cli_replay_posts_per_s": round(len(posts) / cli_s),
            "cli_replay_peak_rss_mb": round(cli_rss),
            "pipeline_without_embedded_db_peak_rss_mb": round(no_db_rss),
            "targets": {"enrich_posts_per_s": 1000, "end_to_end_posts_per_s": 500, "peak_rss_mb": 600},
            "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        print(json.dumps(result, ensure_ascii=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
