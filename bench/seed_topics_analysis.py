"""Error analysis of the seed-only topic model on the spb-appeals TRAINING months (never the held-out month).

    OPENBLAS_NUM_THREADS=1 python bench/seed_topics_analysis.py [--recipe JSON] [--encoder W] [--errors TRUE:PRED]

Scores the seed topic model (classifiers/seed/*.jsonl, SEED_RECIPES["topics"], or --recipe overrides) on every
month before bench_classifiers.py's held-out month, texts >= 40 chars as the holdout rule has it: macro-F1 over
the truth's labels per validation fold ("2021-01+02", the two months just before the holdout, and "2020-10..12"
for the rarer classes), per-class F1 and the confusion counts. --errors prints up to 30 misread texts of one
confusion for reading (third-party text: printed to the terminal only, never written into the repository).
A candidate seed file (e.g. the parked bench/data/seed_topics_more.jsonl) is scored by copying it into
classifiers/seed/ for the run.
The held-out month is dropped before anything is read from it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_classifiers import DATA, rows  # noqa: E402

from classifiers.dataset import seed_examples  # noqa: E402
from classifiers.evaluate import evaluate  # noqa: E402
from classifiers.train import SEED_RECIPES, fit_task_model, with_encoder  # noqa: E402
from core.taxonomy import load_topics  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

CACHE = Path("/tmp/dozor_seed_topics_cache")
FOLDS = {"2021-01+02": ("2021-01", "2021-02"), "2020-10..12": ("2020-10", "2020-11", "2020-12")}


def training_months() -> list[tuple[str, str, str]]:
    """(month, text, topic) of every month but the latest (the held-out one), texts >= 40 chars."""
    every = [r for r in rows(DATA / "spb-appeals/train.csv") if r["text"].strip()]
    held = max(r["created_dt"][:7] for r in every)
    return [(r["created_dt"][:7], r["text"], r["topic"]) for r in every
            if r["created_dt"][:7] != held and len(r["text"]) >= 40]


def cached_docs(texts: list[str]):
    CACHE.mkdir(exist_ok=True)
    key = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"docs_{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    docs = to_docs(texts)
    path.write_bytes(pickle.dumps(docs))
    return docs


def fold_scores(truth: list[str], pred: list[str], classes) -> dict:
    report = evaluate(truth, pred, classes)
    held = sorted(set(truth))
    return {"n": len(truth), "macro_f1": round(sum(report["per_class"][c]["f1"] for c in held) / len(held), 4),
            "accuracy": report["accuracy"], "per_class_f1": {c: report["per_class"][c]["f1"] for c in held}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipe", default="{}", help="JSON merged over SEED_RECIPES['topics'] (e.g. '{\"C\": 10}')")
    ap.add_argument("--encoder", type=float, default=0.0)
    ap.add_argument("--errors", default="", help="TRUE:PRED, e.g. emergency:improvement")
    ap.add_argument("--confusions", action="store_true")
    ap.add_argument("--fold", default="", help="score one fold only (e.g. 2021-01+02: the encoder is slow)")
    args = ap.parse_args()
    recipe = with_encoder({**SEED_RECIPES["topics"], **json.loads(args.recipe)}, args.encoder)
    folds = {args.fold: FOLDS[args.fold]} if args.fold else FOLDS
    data = [row for row in training_months() if any(row[0] in months for months in folds.values())]
    docs = cached_docs([t for _, t, _ in data])
    seed = seed_examples("topics", tuple(load_topics()))
    t0 = time.perf_counter()
    model = fit_task_model("topics", to_docs([e.text for e in seed]), [e.label for e in seed], "topics-seed", recipe)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = model.predict(docs)
    pred_s = time.perf_counter() - t0
    out = {"seed_rows": len(seed), "recipe": {k: v for k, v in recipe.items() if k != "parts"},
           "encoder": args.encoder, "fit_s": round(fit_s, 1), "predict_docs_per_s": round(len(docs) / pred_s)}
    for name, months in folds.items():
        idx = [i for i, (m, _, _) in enumerate(data) if m in months]
        out[name] = fold_scores([data[i][2] for i in idx], [pred[i] for i in idx], model.classes)
    out["mean_macro_f1"] = round(sum(out[f]["macro_f1"] for f in folds) / len(folds), 4)
    print(json.dumps(out, ensure_ascii=False))
    if args.confusions:
        pairs = Counter((t, p) for (_, _, t), p in zip(data, pred, strict=True) if t != p)
        for (t, p), n in pairs.most_common(30):
            print(f"{t:>12} -> {p:<12} {n}")
    if args.errors:
        want_t, want_p = args.errors.split(":")
        shown = 0
        for (_, text, t), p in zip(data, pred, strict=True):
            if t == want_t and p == want_p and shown < 30:
                print("-", text.replace("\n", " ")[:300])
                shown += 1


if __name__ == "__main__":
    main()
