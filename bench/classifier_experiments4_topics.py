"""Issue 14, fifth round, topics: the sentence encoder block beside the product's TF-IDF blocks at small weights,
on round two's validation month (train's latest month 2021-02, short rows of the earlier months in training).

    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments4_topics.py [--weights 0,0.3,0.5]

Embeddings from a cache /tmp/retrain/spb.npy (one row per spb-appeals row; the held-out month is not encoded).
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

import classifier_experiments2 as exp2  # noqa: E402
from bench_classifiers import DATA, rows  # noqa: E402

from classifiers.features import Featurizer  # noqa: E402
from classifiers.train import RECIPES  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)
CACHE = Path("/tmp/retrain/spb.npy")
RECIPE = RECIPES["topics"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default="0,0.3")
    args = ap.parse_args()
    emb_all = np.load(CACHE)
    spb = rows(DATA / "spb-appeals/train.csv")
    last = max(r["created_dt"][:7] for r in spb if r["text"].strip())     # the held-out month: not encoded
    by_text = {r["text"]: i for i, r in enumerate(spb) if r["text"].strip() and r["created_dt"][:7] != last}
    s = exp2.topics_splits()
    tr, val = s["in_train"] + s["short_in_train"], s["val"]
    print(f"in_train {len(tr)} (short {len(s['short_in_train'])}), val {len(val)}", flush=True)
    docs_tr, docs_val = to_docs([t for t, _ in tr]), to_docs([t for t, _ in val])
    e_tr, e_val = emb_all[[by_text[t] for t, _ in tr]], emb_all[[by_text[t] for t, _ in val]]
    assert np.abs(e_tr).sum(axis=1).min() > 0 and np.abs(e_val).sum(axis=1).min() > 0, "rows not encoded"
    feat = Featurizer(RECIPE["parts"]).fit(docs_tr)
    X_tr, X_val = feat.transform(docs_tr), feat.transform(docs_val)
    y_tr, y_val = [lab for _, lab in tr], [lab for _, lab in val]
    for w in map(float, args.weights.split(",")):
        t0 = time.perf_counter()
        A = sp.hstack([X_tr, sp.csr_matrix(e_tr * np.float32(w))], format="csr") if w else X_tr
        B = sp.hstack([X_val, sp.csr_matrix(e_val * np.float32(w))], format="csr") if w else X_val
        head = LogisticRegression(C=RECIPE["C"], class_weight=RECIPE["class_weight"], max_iter=3000,
                                  solver="newton-cg", random_state=0).fit(A, y_tr)
        f1 = round(float(f1_score(y_val, head.predict(B), average="macro")), 4)
        print(f"topics ew={w}: val {f1} ({time.perf_counter() - t0:.0f}s)", flush=True)


if __name__ == "__main__":
    main()
