"""The seed-only topic model (what a fresh install ships) on the spb-appeals holdout, the same way
bench_classifiers.py computes it, without the other (slow) tasks.

    OPENBLAS_NUM_THREADS=1 python bench/bench_seed_only.py [--label after] [--out bench/results/seed_only.json]

The file keeps one entry per --label (e.g. "before" and "after" a seed change), so a change to the seed corpus
is measured against the figure it started from. Only aggregate figures are printed: the held-out texts are not.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_classifiers import split_topics  # noqa: E402

from classifiers.dataset import seed_examples  # noqa: E402
from classifiers.evaluate import evaluate  # noqa: E402
from classifiers.seed import seed_hash  # noqa: E402
from classifiers.train import SEED_RECIPES, fit_task_model  # noqa: E402
from core.taxonomy import load_topics  # noqa: E402
from pipeline.training import to_docs  # noqa: E402


def seed_only_report() -> dict:
    seed = seed_examples("topics", tuple(load_topics()))
    model = fit_task_model("topics", to_docs([e.text for e in seed]), [e.label for e in seed], "topics-seed",
                           SEED_RECIPES["topics"])
    _, test, rule = split_topics()
    report = evaluate([l for _, l in test], model.predict(to_docs([t for t, _ in test])), model.classes)
    held = sorted({l for _, l in test})
    return {"split": rule, "seed_rows": len(seed), "seed_sha256": seed_hash(), "test_rows": len(test),
            "macro_f1_over_holdout_classes": round(sum(report["per_class"][c]["f1"] for c in held) / len(held), 4),
            "macro_f1_all_labels": report["macro_f1"],      # truth or prediction: predicting «other» costs a class
            "accuracy": report["accuracy"],
            "per_class_f1": {c: report["per_class"][c]["f1"] for c in held},
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", default="current")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "seed_only.json")
    args = ap.parse_args()
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results[args.label] = seed_only_report()
    results["target_macro_f1_over_holdout_classes"] = 0.60
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results[args.label], ensure_ascii=False))


if __name__ == "__main__":
    main()
