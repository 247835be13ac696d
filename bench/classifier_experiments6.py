"""Issue 14, sixth round: the polarity lexicon block (classifiers/lexicon.py) in the sentiment models.

    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments6.py seed [--configs w:window:strengths,...]
    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments6.py retrained [--configs ...] [--folds 4] [--save F.npz]
    python bench/classifier_experiments6.py retrained --bootstrap A,B --save F.npz     # paired bootstrap, B minus A

A config is `weight:window:strengths[:subset]` (weight 0: no block; window 0: no negation; strengths «2» as
written, «1» every entry ±1; subset: all features, «neg» the negative side only, «share» shares and flags only). `seed`: the seed-only sentiment (SEED_RECIPES, the seed rows and chatter weights) scored on
`sentiment_dev` (RuSentiment's pre-selected rows before the tail) and validation (the training side's last 3,000
rows), as bench/bench_seed_only.py splits them, plus the share of 1,500 real complaints (spb-appeals, January 2021)
read negative at NEGATIVE_AT (a proxy for detection's complaint mood). `retrained`: the real-data recipe on round
five's validation (bench/classifier_experiments4.py: the training side's pre-selected rows in interleaved folds,
each scored by a model trained on the random rows and the other folds). The held-out tail is never scored here.
The TF-IDF blocks are fitted once per training set; each config only adds its lexicon block and refits the head.
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

from bench_classifiers import DATA, RANDOM_POSTS, rows, split_tail  # noqa: E402
from bench_seed_only import VALIDATION_ROWS, split_sentiment_dev  # noqa: E402
from classifier_experiments4 import load, paired_bootstrap  # noqa: E402

from classifiers.dataset import seed_examples, text_key  # noqa: E402
from classifiers.features import Featurizer  # noqa: E402
from classifiers.lexicon import LexiconBlock, load_lexicon  # noqa: E402
from classifiers.train import RECIPES, SEED_RECIPES, row_weights  # noqa: E402
from core.records import NEGATIVE_AT  # noqa: E402
from core.taxonomy import load_topics  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)


def macro(y, p) -> float:
    return round(float(f1_score(y, p, average="macro")), 4)


# column subsets of the block (classifiers.lexicon.FEATURES) a config may name as its fourth field
SUBSETS = {"all": list(range(12)), "neg": [1, 2, 5, 7, 9, 11], "share": [6, 7, 8, 9, 10, 11]}


def parse(spec: str) -> tuple[float, int, int, str]:
    w, window, strengths, *subset = spec.split(":")
    return float(w), int(window), int(strengths), subset[0] if subset else "all"


def lexicon(window: int, strengths: int) -> LexiconBlock:
    entries = load_lexicon()
    if strengths == 1:
        entries = {t: (1 if s > 0 else -1) for t, s in entries.items()}
    return LexiconBlock(entries, 1.0, window)


class Blocks:
    """TF-IDF of a fitted featurizer plus a lexicon block per (window, strengths), computed once per doc set."""

    def __init__(self, featurizer: Featurizer, docs):
        self.docs, self.tfidf, self.lex = docs, featurizer.transform(docs), {}

    def X(self, weight: float, window: int, strengths: int, subset: str = "all") -> sp.csr_matrix:
        if not weight:
            return self.tfidf
        key = (window, strengths)
        if key not in self.lex:
            self.lex[key] = lexicon(window, strengths).features(self.docs)
        block = self.lex[key][:, SUBSETS[subset]]
        return sp.hstack([self.tfidf, sp.csr_matrix(block * np.float32(weight))], format="csr")


def head(recipe: dict, X, y, weights=None) -> LogisticRegression:
    return LogisticRegression(C=recipe["C"], class_weight=recipe["class_weight"], max_iter=3000, solver="newton-cg",
                              random_state=0).fit(X, y, sample_weight=weights)


def complaints() -> list[str]:
    month = [r["text"] for r in rows(DATA / "spb-appeals/train.csv")
             if r["created_dt"][:7] == "2021-01" and r["text"].strip()]
    return month[:1500]


def lexicon_rows() -> tuple[list[str], list[str], list[int]]:
    """Each lexicon entry as a one-word training row: (texts, labels, strengths)."""
    entries = load_lexicon()
    return (list(entries), ["positive" if s > 0 else "negative" for s in entries.values()],
            [abs(s) for s in entries.values()])


def run_seed(configs: list[str], rows_weight: float = 0.0, C: float | None = None) -> None:
    recipe = SEED_RECIPES["sentiment"] if C is None else {**SEED_RECIPES["sentiment"], "C": C}
    assert not any("lexicon" in p for p in recipe["parts"]), "each config adds its own lexicon block"
    seed = seed_examples("sentiment", tuple(load_topics()))
    labels = [e.label for e in seed]
    seed_docs = to_docs([e.text for e in seed])
    weights = row_weights(recipe, labels, [e.chatter for e in seed])
    if rows_weight:      # the lexicon's words as one-word rows, weight rows_weight per unit of strength
        texts, lex_labels, strengths = lexicon_rows()
        weights = np.concatenate([weights if weights is not None else np.ones(len(labels)),
                                  rows_weight * np.array(strengths, dtype=float)])
        labels, seed_docs = labels + lex_labels, seed_docs + to_docs(texts)
    featurizer = Featurizer(recipe["parts"]).fit(seed_docs)
    dev = split_sentiment_dev()
    train, _, _ = split_tail(DATA / "rusentiment/train.csv", "text", "label", {"positive", "neutral", "negative"})
    val = train[-VALIDATION_ROWS:]
    sets = {name: (Blocks(featurizer, to_docs([t for t, _ in rows_])), [lab for _, lab in rows_])
            for name, rows_ in (("dev", dev), ("val", val))}
    spb = Blocks(featurizer, to_docs(complaints()))
    fit_blocks = Blocks(featurizer, seed_docs)
    print(f"seed {len(seed)} rows (+ lexicon rows at {rows_weight}, C {recipe['C']}); dev {len(dev)}, val {len(val)}, complaints {len(spb.docs)}", flush=True)
    for spec in configs:
        cfg = parse(spec)
        t0 = time.perf_counter()
        model = head(recipe, fit_blocks.X(*cfg), labels, weights)
        out = {name: macro(y, model.predict(b.X(*cfg))) for name, (b, y) in sets.items()}
        neg = list(model.classes_).index("negative")
        share = float((model.predict_proba(spb.X(*cfg))[:, neg] >= NEGATIVE_AT).mean())
        print(f"seed {spec}: dev {out['dev']} val {out['val']} complaints negative {share:.3f} "
              f"({time.perf_counter() - t0:.0f}s)", flush=True)


def run_retrained(configs: list[str], n_folds: int, save: Path | None = None, pw: float = 1.0) -> None:
    """pw: the training weight of the other folds' pre-selected rows (round five's option; 1 = the product).
    The recipe's TF-IDF parts only: each config adds its own lexicon block (the shipped recipe is config 0.3:3:2)."""
    recipe = {**RECIPES["sentiment"], "parts": [p for p in RECIPES["sentiment"]["parts"] if "lexicon" not in p]}
    three, train_idx, _ = load()
    file_row = np.array([i for i, _, _ in three])
    y = np.array([lab for _, _, lab in three])
    docs = to_docs([t for _, t, _ in three])
    random_tr = [k for k in train_idx if file_row[k] < RANDOM_POSTS]
    pre_tr = [k for k in train_idx if file_row[k] >= RANDOM_POSTS]
    folds = [pre_tr[f::n_folds] for f in range(n_folds)]
    pooled = {spec: ([], []) for spec in configs}
    per_fold = {spec: [] for spec in configs}
    for f, val in enumerate(folds):
        t0 = time.perf_counter()
        keys = {text_key(three[k][1]) for k in val}
        rnd = [k for k in random_tr if text_key(three[k][1]) not in keys]
        others = [k for g, fold in enumerate(folds) if g != f for k in fold if text_key(three[k][1]) not in keys]
        tr, w = rnd + others, np.array([1.0] * len(rnd) + [pw] * len(others))
        featurizer = Featurizer(recipe["parts"]).fit([docs[k] for k in tr])
        tr_b, val_b = Blocks(featurizer, [docs[k] for k in tr]), Blocks(featurizer, [docs[k] for k in val])
        for spec in configs:
            cfg = parse(spec)
            pred = head(recipe, tr_b.X(*cfg), y[tr], w).predict(val_b.X(*cfg))
            pooled[spec][0].extend(y[val])
            pooled[spec][1].extend(pred)
            per_fold[spec].append(macro(y[val], pred))
            print(f"  fold {f} {spec}: {per_fold[spec][-1]}", flush=True)
        print(f"fold {f} done ({time.perf_counter() - t0:.0f}s)", flush=True)
    for spec in configs:
        print(f"retrained {spec}: pooled val {macro(*pooled[spec])} folds {per_fold[spec]}", flush=True)
    if save:
        np.savez(save, truth=np.array(pooled[configs[0]][0]), **{spec: np.array(pooled[spec][1]) for spec in configs})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("seed", "retrained"))
    ap.add_argument("--configs", default="0:0:2,1:3:2")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--rows", type=float, default=0.0, help="seed: lexicon entries as one-word rows at this weight")
    ap.add_argument("--save", type=Path, help="retrained: each config's pooled out-of-fold predictions (.npz)")
    ap.add_argument("--bootstrap", help="A,B: paired bootstrap of config B minus A from --save's file, then exit")
    ap.add_argument("--pw", type=float, default=1.0, help="retrained: weight of the pre-selected training rows")
    ap.add_argument("--C", type=float, default=None, help="seed: the head's C (default the recipe's)")
    args = ap.parse_args()
    if args.bootstrap:
        print(paired_bootstrap(args.save, *args.bootstrap.split(",")))
        return
    configs = args.configs.split(",")
    if args.what == "seed":
        run_seed(configs, args.rows, args.C)
    else:
        run_retrained(configs, args.folds, args.save, args.pw)


if __name__ == "__main__":
    main()
