"""What reading places below the settlement costs enrichment on stream-dev (issue 18), measured A/B in one process.

    python bench/bench_places_cost.py [--out bench/results/places_cost.json]

Enrichment with the street/institution rules and natasha on complaint candidates ("on") against the same kit
reading nothing below the settlement ("off"), five interleaved passes each after a warm-up, in process CPU time
(so other work on a shared machine does not decide the figure; wall-clock rates are in bench_pipeline.py).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from collectors.files import read_files  # noqa: E402
from core.settings import Settings  # noqa: E402
from pipeline.enrich import enrich_batch, is_candidate  # noqa: E402
from pipeline.kit import load_kit  # noqa: E402

DEFAULT_POSTS = ROOT.parent / "shared" / "datasets" / "stream-dev" / "posts.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=Path, default=DEFAULT_POSTS)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "places_cost.json")
    args = ap.parse_args()
    kit = load_kit(Settings())
    off = dataclasses.replace(kit, candidate_threshold=2.0, ner=None)
    posts = [p for p in read_files([args.posts]) if not hasattr(p, "reason")]

    def rate(k) -> float:
        t = time.process_time()
        for i in range(0, len(posts), 500):
            enrich_batch(posts[i:i + 500], k)
        return len(posts) / (time.process_time() - t)

    t = time.perf_counter()
    enriched = [e for i in range(0, len(posts), 500) for e in enrich_batch(posts[i:i + 500], kit)]
    first_pass_s = time.perf_counter() - t                      # includes natasha's load
    calls = kit.ner.calls
    runs = {"on": [], "off": []}
    for _ in range(5):
        runs["off"].append(rate(off))
        runs["on"].append(rate(kit))
    median = {k: round(sorted(v)[2]) for k, v in runs.items()}
    result = {"posts": len(posts), "candidates": sum(is_candidate(e, kit.candidate_threshold) for e in enriched),
              "natasha_read_posts_per_pass": calls, "with_street": sum(bool(e.street) for e in enriched),
              "with_object": sum(bool(e.object) for e in enriched),
              "with_unverified_place": sum(bool(e.place_unverified) for e in enriched),
              "first_pass_wall_s_with_natasha_load": round(first_pass_s, 1),
              "enrich_cpu_posts_per_s_warm": median,
              "cost": f"{100 * (1 - median['on'] / median['off']):.0f} %",
              "load_average": os.getloadavg()[0], "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
