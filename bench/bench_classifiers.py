"""Classifier quality against the plain baseline, on real data the models never saw (../shared/datasets).

    OPENBLAS_NUM_THREADS=1 python bench/bench_classifiers.py [--out bench/results/classifiers.json]

Splits (deterministic, never random):
- topics: spb-appeals, the latest calendar month's texts >= 40 chars held out; training: the earlier months, short
  texts included (as `dozor classifiers train` reads the CSV), rows sharing a text_norm_hash with a held-out row
  dropped (until 2026-11-28 training also kept only texts >= 40 chars: `topics_train_min40` reports that rule);
- sentiment: rusentiment, positive/neutral/negative only; toxicity: toxic. Neither has times: the last 15 % of
  rows in file order are held out; exact duplicates of held-out texts dropped from training. RuSentiment's file
  is its 21,268 random posts followed by its 6,950 pre-selected ones, so that tail is all pre-selected posts;
  `sentiment_random_part_tail` also reports a tail of the random posts (same rule, a second figure only).
Baseline: TF-IDF (word + char_wb 2-5 n-grams, raw text) + LogisticRegression, trained and scored on the same
split. Ours: the product's recipe (classifiers.train.RECIPES) over our own text processing. Also: the seed-only
topic model (what a fresh install ships) on the spb holdout, speed of the models together, artifact sizes.

Speed is docs/s of the four models a worker loads (topics, sentiment, toxicity and detection's complaint head,
fitted on the sentiment rows as `train --task complaint` does) scoring stream-dev's texts (already tokenized) in
batches of 500 on one core, measured twice: in this process after the test predictions (which warm part of the
per-word n-gram caches), and in 3 fresh processes that load the saved artifacts as a worker does: the first pass
over the texts (cold caches, a worker's first minutes), then two more passes (warm, a running stream).
"""
from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.pipeline import make_pipeline, make_union  # noqa: E402

from classifiers import registry  # noqa: E402
from classifiers.dataset import seed_examples, text_key  # noqa: E402
from classifiers.evaluate import evaluate  # noqa: E402
from classifiers.models import Models  # noqa: E402
from classifiers.train import RECIPES, SEED_RECIPES, fit_task_model  # noqa: E402
from core.taxonomy import load_topics  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets"
csv.field_size_limit(sys.maxsize)


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def split_topics(min_train_chars: int = 1):
    """Test: texts >= 40 chars of the latest month. Train: the earlier months' rows, short ones too (as
    `dozor classifiers train` reads a CSV: --min-chars 1), minus rows sharing a text_norm_hash with the test."""
    every = [r for r in rows(DATA / "spb-appeals/train.csv") if r["text"].strip()]
    last_month = max(r["created_dt"][:7] for r in every)
    test = [r for r in every if r["created_dt"][:7] == last_month and len(r["text"]) >= 40]
    held = {r["text_norm_hash"] for r in test}
    train = [r for r in every if r["created_dt"][:7] != last_month and r["text_norm_hash"] not in held
             and len(r["text"]) >= min_train_chars]
    return ([(r["text"], r["topic"]) for r in train], [(r["text"], r["topic"]) for r in test],
            f"held out {last_month} (texts >= 40 chars); train: earlier months, texts >= {min_train_chars} chars")


def tail_cut(data: list[tuple[str, str]]) -> tuple[list, list]:
    """(train, test): the last 15 % of rows held out, exact duplicates of held-out texts dropped from train."""
    cut = len(data) - round(len(data) * 0.15)
    train, test = data[:cut], data[cut:]
    held = {text_key(t) for t, _ in test}
    return [(t, l) for t, l in train if text_key(t) not in held], test


def split_tail(path: Path, text_col: str, label_col: str, allowed: set[str]):
    data = [(r[text_col], r[label_col]) for r in rows(path) if r[label_col] in allowed and r[text_col].strip()]
    return (*tail_cut(data), "last 15 % of rows in file order")


RANDOM_POSTS = 21_268   # RuSentiment's first 21,268 rows are its random posts, the other 6,950 its pre-selected ones


def split_sentiment_random_part():
    """A second sentiment figure, beside the official tail: the official tail (the file's last 15 %) is all
    pre-selected posts (picked for sentiment words, a different mix of labels); this holds out the last 15 % of
    the random-post part instead and trains on everything else (held-out texts dropped, as in tail_cut)."""
    three = [(i, r["text"], r["label"]) for i, r in enumerate(rows(DATA / "rusentiment/train.csv"))
             if r["label"] in {"positive", "neutral", "negative"} and r["text"].strip()]
    head, test = tail_cut([(t, lab) for i, t, lab in three if i < RANDOM_POSTS])
    held = {text_key(t) for t, _ in test}
    train = head + [(t, lab) for i, t, lab in three if i >= RANDOM_POSTS and text_key(t) not in held]
    return train, test, "last 15 % of the random-post part (file rows < 21,268) in file order"


def sentiment_random_part_result() -> dict:
    train, test, rule = split_sentiment_random_part()
    model = fit_task_model("sentiment", to_docs([t for t, _ in train]), [lab for _, lab in train],
                           "sentiment-bench-random", RECIPES["sentiment"])
    out = {"split": rule, "train_rows": len(train), "test_rows": len(test), "baseline_macro_f1": baseline(train, test),
           "ours_macro_f1": evaluate([lab for _, lab in test], model.predict(to_docs([t for t, _ in test])),
                                     model.classes)["macro_f1"], "recipe": RECIPES["sentiment"],
           "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    print("sentiment_random_part_tail", out, flush=True)
    return out


def baseline(train, test) -> float:
    model = make_pipeline(make_union(TfidfVectorizer(), TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))),
                          LogisticRegression(max_iter=1000))
    model.fit([t for t, _ in train], [l for _, l in train])
    return round(f1_score([l for _, l in test], model.predict([t for t, _ in test]), average="macro"), 4)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "classifiers.json")
    ap.add_argument("--only-random-part", action="store_true",
                    help="add or refresh only sentiment_random_part_tail in an existing --out file")
    args = ap.parse_args()
    if args.only_random_part:
        results = json.loads(args.out.read_text())
        results["sentiment_random_part_tail"] = sentiment_random_part_result()
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        return
    topics = tuple(load_topics())
    splits = {
        "topics": split_topics(),
        "sentiment": split_tail(DATA / "rusentiment/train.csv", "text", "label", {"positive", "neutral", "negative"}),
        "toxicity": split_tail(DATA / "toxic/train.csv", "comment", "toxic", {"0", "1"}),
    }
    results, models, folders = {}, {}, {}
    tmp = Path(tempfile.mkdtemp(prefix="dozor-clf-"))
    for task, (train, test, rule) in splits.items():
        t0 = time.perf_counter()
        train_docs, test_docs = to_docs([t for t, _ in train]), to_docs([t for t, _ in test])
        docs_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        model = fit_task_model(task, train_docs, [l for _, l in train], f"{task}-bench", RECIPES[task])
        fit_s = time.perf_counter() - t0
        ours = evaluate([l for _, l in test], model.predict(test_docs), model.classes)
        folder = folders[task] = registry.save(model, tmp, {"bench": True})
        models[task] = model
        if task == "sentiment":              # detection's complaint head, as `train --task complaint` fits it on
            complaint = fit_task_model("complaint", train_docs, [l for _, l in train], "complaint-bench",
                                       RECIPES["complaint"])                        # sentiment labels (speed only)
            folders["complaint"] = registry.save(complaint, tmp, {"bench": True})
            models["complaint"] = complaint
        results[task] = {"split": rule, "train_rows": len(train), "test_rows": len(test),
                         "baseline_macro_f1": baseline(train, test), "ours_macro_f1": ours["macro_f1"],
                         "ours_accuracy": ours["accuracy"], "recipe": RECIPES[task], "fit_s": round(fit_s, 1),
                         "text_processing_s": round(docs_s, 1),
                         "artifact_mb": round(sum(f.stat().st_size for f in folder.iterdir()) / 1e6, 1)}
        print(task, {k: results[task][k] for k in ("baseline_macro_f1", "ours_macro_f1", "artifact_mb")}, flush=True)
    results["sentiment_random_part_tail"] = sentiment_random_part_result()
    # the topic split's earlier rule (training texts >= 40 chars too), for comparison with figures before 2026-11-28
    train40, test40, rule40 = split_topics(min_train_chars=40)
    model40 = fit_task_model("topics", to_docs([t for t, _ in train40]), [l for _, l in train40], "topics-bench-40",
                             RECIPES["topics"])
    results["topics_train_min40"] = {
        "split": rule40, "train_rows": len(train40), "baseline_macro_f1": baseline(train40, test40),
        "ours_macro_f1": evaluate([l for _, l in test40], model40.predict(to_docs([t for t, _ in test40])),
                                  model40.classes)["macro_f1"]}
    print("topics_train_min40", results["topics_train_min40"], flush=True)
    seed = seed_examples("topics", topics)
    seed_model = fit_task_model("topics", to_docs([e.text for e in seed]), [e.label for e in seed], "topics-seed",
                                SEED_RECIPES["topics"])
    _, test, _ = splits["topics"]
    seed_report = evaluate([l for _, l in test], seed_model.predict(to_docs([t for t, _ in test])), seed_model.classes)
    held_classes = sorted({l for _, l in test})
    results["seed_only_topics_on_spb_holdout"] = {
        "macro_f1_all_labels": seed_report["macro_f1"],     # truth or prediction: predicting «other» costs a class
        "macro_f1_over_holdout_classes": round(sum(seed_report["per_class"][c]["f1"] for c in held_classes)
                                               / len(held_classes), 4),
        "accuracy": seed_report["accuracy"],
        "per_class_f1": {c: seed_report["per_class"][c]["f1"] for c in held_classes}}
    probe = probe_docs()
    bundle = Models(models)                      # the four models a worker loads (topics, sentiment, toxicity, complaint)
    bundle.score(probe[:200])
    t0 = time.perf_counter()
    for i in range(0, len(probe), 500):
        bundle.score(probe[i:i + 500])
    results["models_docs_per_s_one_core"] = round(len(probe) / (time.perf_counter() - t0))
    t0 = time.perf_counter()                     # again: the per-word n-gram caches are warm, as in a running stream
    for i in range(0, len(probe), 500):
        bundle.score(probe[i:i + 500])
    results["models_docs_per_s_one_core_warm"] = round(len(probe) / (time.perf_counter() - t0))
    runs = [json.loads(subprocess.run([sys.executable, __file__, "--speed-of", *map(str, folders.values())],
                                      check=True, capture_output=True, text=True).stdout) for _ in range(3)]
    results["fresh_process_docs_per_s"] = {
        "runs": runs, "median_first_pass": statistics.median(r["passes"][0] for r in runs),
        "median_later_passes": statistics.median(statistics.mean(r["passes"][1:]) for r in runs)}
    results["targets"] = {"topics": 0.86, "sentiment": 0.74, "toxicity": 0.90, "seed_only_topics": 0.60,
                          "models_docs_per_s": 2000, "artifact_mb": 50}
    results["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in results.items() if not isinstance(v, dict) or k == "targets"}, ensure_ascii=False))


def probe_docs():
    return to_docs([json.loads(line)["text"] for line in open(DATA / "stream-dev/posts.jsonl", encoding="utf-8")])


def speed_of(folders: list[str]) -> dict:
    """In this (fresh) process: load the artifacts, then docs/s of three passes over the probe texts."""
    bundle = Models({m.task: m for m in (registry.load_folder(Path(f)) for f in folders)})
    probe, passes = probe_docs(), []
    for _ in range(3):
        t0 = time.perf_counter()
        for i in range(0, len(probe), 500):
            bundle.score(probe[i:i + 500])
        passes.append(round(len(probe) / (time.perf_counter() - t0)))
    return {"docs": len(probe), "passes": passes}


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--speed-of":
        print(json.dumps(speed_of(sys.argv[2:])))
    else:
        main()
