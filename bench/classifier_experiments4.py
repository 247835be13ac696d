"""Issue 14, fifth round: retrained sentiment with RuSentiment's pre-selected training rows weighted up, and the
sentence encoder as a block beside TF-IDF, chosen on the pre-selected rows themselves.

    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments4.py [--configs pw:ew,...] [--folds 4] [--save F.npz]
        [--tail pw:ew]
    python bench/classifier_experiments4.py --bootstrap 1:0,3:1 --save F.npz    # paired bootstrap of two configs

RuSentiment's file is its 21,268 random posts followed by its 6,950 pre-selected ones; the official tail
(bench/bench_classifiers.py: the last 15 % of 3-class rows) is all pre-selected. Validation here: the training
side's pre-selected rows (file row >= 21,268, before the tail), cut into --folds interleaved folds; each fold is
scored by a model trained on the random rows (weight 1) and the other folds' pre-selected rows (weight pw), rows
sharing a text with the fold dropped; macro-F1 of the pooled out-of-fold predictions (and per fold). ew: the
encoder block's weight (0 = none). Embeddings come from a cache /tmp/retrain/rusentiment.npy (one row per file
row, built by encoding every text once; the product computes them in Featurizer.transform). --tail pw:ew fits on
the whole training side and scores the held-out tail: for the final candidate only.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_classifiers import DATA, RANDOM_POSTS, rows  # noqa: E402

from classifiers.dataset import text_key  # noqa: E402
from classifiers.features import Featurizer  # noqa: E402
from classifiers.train import RECIPES  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)
CACHE = Path("/tmp/retrain/rusentiment.npy")
RECIPE = RECIPES["sentiment"]


def macro(y, p) -> float:
    return round(float(f1_score(y, p, average="macro")), 4)


def load():
    """(file_rows, texts, labels) of the 3-class rows in file order; (train_idx, tail_idx) as tail_cut makes them."""
    three = [(i, r["text"], r["label"]) for i, r in enumerate(rows(DATA / "rusentiment/train.csv"))
             if r["label"] in {"positive", "neutral", "negative"} and r["text"].strip()]
    cut = len(three) - round(len(three) * 0.15)
    held = {text_key(t) for _, t, _ in three[cut:]}
    train_idx = [k for k in range(cut) if text_key(three[k][1]) not in held]
    return three, train_idx, list(range(cut, len(three)))


def fit_predict(docs, y, emb, tr, te, weights, ew):
    feat = Featurizer([p for p in RECIPE["parts"] if "encoder" not in p]).fit([docs[k] for k in tr])

    def X(idx):
        m = feat.transform([docs[k] for k in idx])
        return sp.hstack([m, sp.csr_matrix(emb[idx] * np.float32(ew))], format="csr") if ew else m
    head = LogisticRegression(C=RECIPE["C"], class_weight=RECIPE["class_weight"], max_iter=3000, solver="newton-cg",
                              random_state=0).fit(X(tr), y[tr], sample_weight=weights)
    return head.predict(X(te))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", default="1:0,2:0,4:0,1:1,2:1,4:1")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--tail", default=None)
    ap.add_argument("--save", type=Path, help="write each config's pooled out-of-fold predictions here (.npz)")
    ap.add_argument("--bootstrap", help="A,B: paired bootstrap of B minus A from --save's predictions, then exit")
    args = ap.parse_args()
    if args.bootstrap:
        print(paired_bootstrap(args.save, *args.bootstrap.split(",")))
        return
    three, train_idx, tail_idx = load()
    file_row = np.array([i for i, _, _ in three])
    y = np.array([lab for _, _, lab in three])
    t0 = time.perf_counter()
    docs = to_docs([t for _, t, _ in three])
    print(f"docs {time.perf_counter() - t0:.0f}s", flush=True)
    emb = np.load(CACHE)[file_row] if CACHE.exists() else None
    random_tr = [k for k in train_idx if file_row[k] < RANDOM_POSTS]
    pre_tr = [k for k in train_idx if file_row[k] >= RANDOM_POSTS]
    print(f"training side {len(train_idx)}: random {len(random_tr)}, pre-selected {len(pre_tr)}; tail {len(tail_idx)}",
          flush=True)
    if args.tail:
        pw, ew = map(float, args.tail.split(":"))
        tr = random_tr + pre_tr
        w = np.array([1.0] * len(random_tr) + [pw] * len(pre_tr))
        pred = fit_predict(docs, y, emb, tr, tail_idx, w, ew)
        print(f"TAIL pw={pw} ew={ew}: macro-F1 {macro(y[tail_idx], pred)}", flush=True)
        return
    folds = [pre_tr[f::args.folds] for f in range(args.folds)]
    saved = {"truth": np.concatenate([y[val] for val in folds])}
    for spec in args.configs.split(","):
        pw, ew = map(float, spec.split(":"))
        pooled_true, pooled_pred, per_fold = [], [], []
        t0 = time.perf_counter()
        for f, val in enumerate(folds):
            keys = {text_key(three[k][1]) for k in val}
            others = [k for g, fold in enumerate(folds) if g != f for k in fold if text_key(three[k][1]) not in keys]
            rnd = [k for k in random_tr if text_key(three[k][1]) not in keys]
            tr = rnd + others
            w = np.array([1.0] * len(rnd) + [pw] * len(others))
            pred = fit_predict(docs, y, emb, tr, val, w, ew)
            pooled_true.extend(y[val])
            pooled_pred.extend(pred)
            per_fold.append(macro(y[val], pred))
        saved[spec] = np.array(pooled_pred)
        if args.save:
            np.savez(args.save, **saved)
        print(f"pw={pw} ew={ew}: pooled val {macro(pooled_true, pooled_pred)} folds {per_fold} "
              f"({time.perf_counter() - t0:.0f}s)", flush=True)


def paired_bootstrap(path: Path, a: str, b: str, n: int = 2000) -> dict:
    """Macro-F1 of b minus a on the same pooled rows, resampled with replacement (seed 0): mean and 90 % interval."""
    z = np.load(path)
    truth, pa, pb = z["truth"], z[a], z[b]
    rng = np.random.default_rng(0)
    diffs = []
    for _ in range(n):
        i = rng.integers(0, len(truth), len(truth))
        diffs.append(macro(truth[i], pb[i]) - macro(truth[i], pa[i]))
    d = np.array(diffs)
    return {"mean": round(float(d.mean()), 4), "p5": round(float(np.quantile(d, 0.05)), 4),
            "p95": round(float(np.quantile(d, 0.95)), 4), "share_below_0": round(float((d <= 0).mean()), 3)}


if __name__ == "__main__":
    main()
