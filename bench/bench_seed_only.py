"""The seed-only models (what a fresh install ships) on real held-out data, the same splits as
bench_classifiers.py: topics on the spb-appeals holdout month, sentiment on RuSentiment's last 15 %.

    OPENBLAS_NUM_THREADS=1 python bench/bench_seed_only.py [--label after] [--out bench/results/seed_only.json]

The file keeps one entry per --label (e.g. "before" and "after" a seed change), so a change to the seed corpus
is measured against the figure it started from. Only aggregate figures are printed: the held-out texts are not.
Topics are scored two ways: macro-F1 over the truth's labels (the 9 topics the holdout month has; a post wrongly
called «other» or «transport» lowers its true topic's recall, which this counts) and over every label either side
used (each topic the model predicts but the month never has adds a class with F1 0). Sentiment is also scored on
the training part's last 3,000 rows ("sentiment_validation") and on the pre-selected posts before the tail
("sentiment_dev": RuSentiment's rows from file row 21,268 to the tail, picked for sentiment words as the tail's are;
what changes to the seed sentiment are chosen on since round four, bench/results/classifier_experiments.md).
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

from bench_classifiers import DATA, RANDOM_POSTS, rows, split_tail, split_topics, tail_cut  # noqa: E402

from classifiers.dataset import seed_examples, text_key  # noqa: E402
from classifiers.evaluate import evaluate  # noqa: E402
from classifiers.seed import seed_hash  # noqa: E402
from classifiers.train import fit_task_model, recipe_for  # noqa: E402
from core.taxonomy import load_topics  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

VALIDATION_ROWS = 3000


def seed_model(task: str):
    seed = seed_examples(task, tuple(load_topics()))
    return fit_task_model(task, to_docs([e.text for e in seed]), [e.label for e in seed], f"{task}-seed",
                          recipe_for(task, seed_only=True), chatter=[e.chatter for e in seed]), len(seed)


def score(model, test: list[tuple[str, str]]) -> dict:
    report = evaluate([l for _, l in test], model.predict(to_docs([t for t, _ in test])), model.classes)
    held = sorted({l for _, l in test})
    return {"test_rows": len(test),
            "macro_f1_over_holdout_classes": round(sum(report["per_class"][c]["f1"] for c in held) / len(held), 4),
            "macro_f1_all_labels": report["macro_f1"],      # truth or prediction: predicting «other» costs a class
            "accuracy": report["accuracy"],
            "per_class_f1": {c: report["per_class"][c]["f1"] for c in held}}


def split_sentiment_dev() -> list[tuple[str, str]]:
    """The pre-selected posts before the tail (3-class, tail texts dropped): the dev set for seed sentiment."""
    three = [(i, r["text"], r["label"]) for i, r in enumerate(rows(DATA / "rusentiment/train.csv"))
             if r["label"] in {"positive", "neutral", "negative"} and r["text"].strip()]
    _, tail = tail_cut([(t, lab) for _, t, lab in three])
    held, start = {text_key(t) for t, _ in tail}, len(three) - len(tail)
    return [(t, lab) for i, t, lab in three[:start] if i >= RANDOM_POSTS and text_key(t) not in held]


def seed_only_report() -> dict:
    topics, seed_rows = seed_model("topics")
    _, test, rule = split_topics()
    out = {"split": rule, "seed_rows": seed_rows, "seed_sha256": seed_hash(), **score(topics, test)}
    sentiment, _ = seed_model("sentiment")
    train, test, rule = split_tail(DATA / "rusentiment/train.csv", "text", "label", {"positive", "neutral", "negative"})
    out["sentiment"] = {"split": f"rusentiment, {rule}", "recipe": {k: v for k, v in recipe_for("sentiment", seed_only=True).items() if k != "parts"},
                        **score(sentiment, test)}
    # what seed changes were chosen on: the training part's last rows (file order matters in RuSentiment: its end
    # has more negative and longer posts than its start, as the tail does), never the tail
    out["sentiment_validation"] = {"split": f"rusentiment, the last {VALIDATION_ROWS} training-side rows before the tail",
                                   **score(sentiment, train[-VALIDATION_ROWS:])}
    out["sentiment_dev"] = {"split": "rusentiment, the pre-selected posts before the tail (file rows >= 21,268)",
                            **score(sentiment, split_sentiment_dev())}
    out["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", default="current")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "seed_only.json")
    args = ap.parse_args()
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results[args.label] = seed_only_report()
    results["target_macro_f1_over_holdout_classes"] = 0.65
    results["target_sentiment_macro_f1"] = 0.60
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results[args.label], ensure_ascii=False))


if __name__ == "__main__":
    main()
