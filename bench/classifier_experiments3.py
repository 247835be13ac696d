"""Issue 14, third round: other linear heads (SGD modified-Huber, linear SVC, NB-weighted LR), navec and
auxiliary-model features, fine-grained topic labels — and a check of what the sentiment tail is made of.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/classifier_experiments3.py --task sentiment|topics|toxicity \
        [--only NAME,...] [--test] [--split-check]

Splits are bench/bench_classifiers.py's and bench/classifier_experiments2.py's: every configuration is fitted on
in_train and scored on val (which chooses); with --test the chosen ones are also fitted on train and scored on the
held-out tail (reported only). --split-check (sentiment): where in rusentiment/train.csv the tail comes from, and
the baseline and product recipe on a second tail cut from the file's random-post part (see
bench/results/classifier_experiments.md, issue 14 third round).
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import classifier_experiments2 as exp2  # noqa: E402
from bench_classifiers import DATA, baseline, rows, tail_cut  # noqa: E402

from classifiers.dataset import text_key  # noqa: E402
from classifiers.features import Featurizer  # noqa: E402
from classifiers.train import RECIPES  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)
exp2.CACHE = Path("/tmp/dozor_clf_cache/exp3")
exp2.CACHE.mkdir(parents=True, exist_ok=True)
RANDOM_POSTS = 21_268     # RuSentiment: 21,268 random posts, then 6,950 pre-selected ones (the file keeps that order)


def macro(y, p) -> float:
    return round(float(f1_score(y, p, average="macro")), 4)


# ------------------------------------------------------------------------------------------------------ heads

def fit_head(spec: str, X, y):
    """'lr:C:cw' | 'sgd:alpha' | 'svc:C' | 'nblr:C' -> (decision function of a sparse matrix)."""
    kind, *args = spec.split(":")
    cw = "balanced" if len(args) > 1 and args[1] == "bal" else None
    if kind == "lr":
        m = LogisticRegression(C=float(args[0]), class_weight=cw, max_iter=3000, solver="newton-cg",
                               random_state=0).fit(X, y)
        return m.classes_, m.decision_function
    if kind == "sgd":
        m = SGDClassifier(loss="modified_huber", alpha=float(args[0]), max_iter=50, tol=1e-4, class_weight=cw,
                          random_state=0).fit(X, y)
        return m.classes_, m.decision_function
    if kind == "svc":
        m = LinearSVC(C=float(args[0]), class_weight=cw, random_state=0).fit(X, y)
        return m.classes_, m.decision_function
    if kind == "nblr":         # one-vs-rest LR on NB log-count-ratio scaled features (folds into one linear head)
        classes = np.unique(y)
        B = (X > 0).astype(np.float32)
        heads = []
        for c in classes:
            pos = np.asarray(y) == c
            p = np.asarray(B[pos].sum(axis=0)).ravel() + 1.0
            q = np.asarray(B[~pos].sum(axis=0)).ravel() + 1.0
            r = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
            m = LogisticRegression(C=float(args[0]), max_iter=3000, solver="liblinear").fit(
                X @ sp.diags(r), pos.astype(int))
            heads.append((m.coef_.ravel() * r, m.intercept_[0]))
        W = np.vstack([h[0] for h in heads])
        b = np.asarray([h[1] for h in heads])
        return classes, lambda Z: np.asarray(Z @ W.T) + b
    raise ValueError(spec)


# --------------------------------------------------------------------------------------------- extra blocks

_NAVEC = None


def navec_block(docs, field: str, weight: float) -> sp.csr_matrix:
    """Mean of natasha's navec vectors over the doc's tokens (L2-normalised), times weight."""
    global _NAVEC
    if _NAVEC is None:
        from natasha import NewsEmbedding
        _NAVEC = NewsEmbedding()
    out = np.zeros((len(docs), 300), dtype=np.float32)
    for i, d in enumerate(docs):
        vs = [_NAVEC[w] for w in getattr(d, field).split() if w in _NAVEC]
        if vs:
            v = np.mean(vs, axis=0)
            out[i] = v / (np.linalg.norm(v) or 1.0)
    return sp.csr_matrix(out * weight)


def aux_scores(name: str, parts: list[dict]):
    """A model trained on another data set (CEDR emotions or SentiRuEval), whose per-class probabilities become
    features: returns docs -> (n, k) array. CEDR rows with several emotions are repeated once per emotion."""
    if name == "cedr":
        data = []
        for r in rows(DATA / "cedr/train.csv"):
            for lab in (r["labels"] or "no_emotion").split("|"):
                data.append((r["text"], lab.strip() or "no_emotion"))
    else:
        data = [(r["text"], r["label"]) for r in rows(DATA / "sentirueval/train.csv")
                if r["label"] in {"positive", "neutral", "negative"}]
    docs = exp2.docs_cached([t for t, _ in data])
    fz = Featurizer(parts).fit(docs)
    m = LogisticRegression(C=2.0, max_iter=3000, solver="newton-cg").fit(fz.transform(docs), [lab for _, lab in data])
    print(f"  aux {name}: {len(data)} rows, classes {list(m.classes_)}", flush=True)
    return lambda ds: m.predict_proba(fz.transform(ds))


# ------------------------------------------------------------------------------------------------ experiment

class Runner:
    def __init__(self, task: str, random_tail: bool = False):
        self.task = task
        if task == "toxicity":
            data = [(r["comment"], r["toxic"]) for r in rows(DATA / "toxic/train.csv") if r["comment"].strip()]
            train, test = tail_cut(data)
            in_train, val = tail_cut(train)
            self.s = {"train": train, "test": test, "in_train": in_train, "val": val}
        else:
            self.s = exp2.topics_splits() if task == "topics" else exp2.sentiment_splits()
        if random_tail:            # sentiment: test on the random-post part's tail instead (bench_classifiers)
            from bench_classifiers import split_sentiment_random_part
            self.s["train"], self.s["test"], _ = split_sentiment_random_part()
        if task == "topics":       # as shipped: the short rows are training rows
            self.s["train"] = self.s["train"] + self.s["short_train"]
            self.s["in_train"] = self.s["in_train"] + self.s["short_in_train"]
        t0 = time.perf_counter()
        self.docs = {k: exp2.docs_cached([t for t, _ in self.s[k]]) for k in ("train", "test", "in_train", "val")}
        self.y = {k: [lab for _, lab in self.s[k]] for k in self.docs}
        print(f"[{task}] sizes { {k: len(v) for k, v in self.docs.items()} }; docs {time.perf_counter() - t0:.0f}s",
              flush=True)
        self._fz: dict = {}

    def matrices(self, parts, fit_on: str, apply_to: str, extras=()):
        key = (repr(parts), fit_on)
        if key not in self._fz:
            self._fz = {k: v for k, v in self._fz.items() if k[0] == key[0]}
            fz = Featurizer(parts).fit(self.docs[fit_on])
            self._fz[key] = (fz, {fit_on: fz.transform(self.docs[fit_on])})
        fz, cache = self._fz[key]
        if apply_to not in cache:
            cache[apply_to] = fz.transform(self.docs[apply_to])
        Xa, Xb = cache[fit_on], cache[apply_to]
        for extra in extras:
            Xa = sp.hstack([Xa, extra(self.docs[fit_on])], format="csr")
            Xb = sp.hstack([Xb, extra(self.docs[apply_to])], format="csr")
        return Xa, Xb

    def run(self, name: str, parts, head: str, extras=(), test: bool = False, fine=None):
        out = {}
        for fit_on, score_on in (("in_train", "val"),) + ((("train", "test"),) if test else ()):
            t0 = time.perf_counter()
            Xa, Xb = self.matrices(parts, fit_on, score_on, extras)
            y = self.y[fit_on] if fine is None else fine(fit_on)
            classes, decide = fit_head(head, Xa, y)
            pred = classes[np.asarray(decide(Xb)).argmax(axis=1)] if len(classes) > 2 else \
                classes[(np.asarray(decide(Xb)).ravel() > 0).astype(int)]
            if fine is not None:
                pred = [fine.to_coarse[p] for p in pred]
            out[score_on] = macro(self.y[score_on], pred)
            out[f"{score_on}_s"] = round(time.perf_counter() - t0, 1)
        print(f"[{self.task}] {name:<40} {head:<12} " + "  ".join(f"{k} {v}" for k, v in out.items()), flush=True)
        return out


class FineLabels:
    """Topic rows relabelled with their form reason (rare reasons, under `min_rows` training rows, stay as the
    topic): a linear head over finer classes, whose argmax maps back to the topic."""

    def __init__(self, runner: Runner, min_rows: int):
        by_text: dict[tuple[str, str], Counter] = {}
        for r in rows(DATA / "spb-appeals/train.csv"):
            by_text.setdefault((r["text"], r["topic"]), Counter())[r["reason"]] += 1
        self.runner, self.by_text = runner, by_text
        counts = Counter(self._reason(t, lab) for t, lab in runner.s["train"])
        self.keep = {k for k, n in counts.items() if n >= min_rows}
        self.to_coarse: dict[str, str] = {}

    def _reason(self, text: str, topic: str) -> str:
        return f"{topic}|{self.by_text[(text, topic)].most_common(1)[0][0]}"

    def __call__(self, fit_on: str) -> list[str]:
        out = []
        for t, lab in self.runner.s[fit_on]:
            fine = self._reason(t, lab)
            fine = fine if fine in self.keep else lab
            self.to_coarse[fine] = lab
            out.append(fine)
        print(f"  fine labels: {len(set(out))} classes", flush=True)
        return out


def split_check() -> None:
    """Where the sentiment tail comes from, and baseline vs product on a tail of the random-post part."""
    every = [(i, r["text"], r["label"]) for i, r in enumerate(rows(DATA / "rusentiment/train.csv"))]
    three = [(i, t, lab) for i, t, lab in every if lab in {"positive", "neutral", "negative"} and t.strip()]
    cut = len(three) - round(len(three) * 0.15)
    tail = three[cut:]
    print(f"3-class rows {len(three)}; the tail starts at file row {tail[0][0]} of {len(every)}; "
          f"tail rows from the pre-selected part (file row >= {RANDOM_POSTS}): "
          f"{sum(i >= RANDOM_POSTS for i, _, _ in tail)} of {len(tail)}")
    print("labels: tail", dict(Counter(lab for _, _, lab in tail)),
          "| random part", dict(Counter(lab for i, _, lab in three if i < RANDOM_POSTS)),
          "| pre-selected part", dict(Counter(lab for i, _, lab in three if i >= RANDOM_POSTS)))
    rand = [(t, lab) for i, t, lab in three if i < RANDOM_POSTS]
    pre = [(t, lab) for i, t, lab in three if i >= RANDOM_POSTS]
    r_train, r_test = tail_cut(rand)
    held = {text_key(t) for t, _ in r_test}
    train = r_train + [(t, lab) for t, lab in pre if text_key(t) not in held]
    from classifiers.train import fit_task_model
    docs_tr = exp2.docs_cached([t for t, _ in train])
    docs_te = exp2.docs_cached([t for t, _ in r_test])
    for name, tr in (("random-part tail, trained on the rest (random head + pre-selected)", train),
                     ("random-part tail, trained on the random head only", r_train)):
        d = docs_tr if tr is train else exp2.docs_cached([t for t, _ in tr])
        m = fit_task_model("sentiment", d, [lab for _, lab in tr], "x", RECIPES["sentiment"])
        print(f"{name}: train {len(tr)} test {len(r_test)} baseline {baseline(tr, r_test)} "
              f"product {macro([lab for _, lab in r_test], m.predict(docs_te))}", flush=True)


def topics_split_check() -> None:
    """Baseline and product when the latest month is held out whole (texts of any length, not only >= 40)."""
    every = [r for r in rows(DATA / "spb-appeals/train.csv") if r["text"].strip()]
    last = max(r["created_dt"][:7] for r in every)
    test = [(r["text"], r["topic"]) for r in every if r["created_dt"][:7] == last]
    held = {r["text_norm_hash"] for r in every if r["created_dt"][:7] == last}
    train = [(r["text"], r["topic"]) for r in every if r["created_dt"][:7] != last and r["text_norm_hash"] not in held]
    from classifiers.train import fit_task_model
    m = fit_task_model("topics", exp2.docs_cached([t for t, _ in train]), [lab for _, lab in train], "x",
                       RECIPES["topics"])
    print(f"topics, {last} held out whole: train {len(train)} test {len(test)} "
          f"product {macro([lab for _, lab in test], m.predict(exp2.docs_cached([t for t, _ in test])))} "
          f"baseline {baseline(train, test)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=("topics", "sentiment", "toxicity"))
    ap.add_argument("--only", default="")
    ap.add_argument("--test", action="store_true")
    ap.add_argument("--split-check", action="store_true")
    ap.add_argument("--random-tail", action="store_true", help="sentiment: the random-post part's tail as test")
    args = ap.parse_args()
    if args.split_check:
        split_check() if args.task != "topics" else topics_split_check()
        return
    R = Runner(args.task, args.random_tail)
    P = RECIPES[args.task]["parts"]
    lw = [p for p in P if p["analyzer"] == "word"]
    configs = CONFIGS[args.task](P, lw)
    only = set(filter(None, args.only.split(",")))
    for name, parts, head, extras in configs:
        if only and name not in only and f"{name}@{head}" not in only:     # NAME or NAME@HEAD
            continue
        fine = None
        if name.startswith("fine"):
            fine, extras = FineLabels(R, int(extras)), ()
        R.run(name, parts, head, extras() if callable(extras) else extras, test=args.test, fine=fine)


def _sentiment(P, lw):
    return [
        ("product", P, "lr:2", ()),
        ("product", P, "sgd:3e-5", ()),
        ("product", P, "sgd:1e-4", ()),
        ("product", P, "svc:0.1", ()),
        ("product", P, "svc:0.3", ()),
        ("product", P, "nblr:2", ()),
        ("product+navec_words_w0.5", P, "lr:2", lambda: (lambda d: navec_block(d, "words", 0.5),)),
        ("product+navec_words_w1", P, "lr:2", lambda: (lambda d: navec_block(d, "words", 1.0),)),
        ("product+cedr", P, "lr:2", lambda: (aux_scores("cedr", P),)),
        ("product+sentirueval", P, "lr:2", lambda: (aux_scores("sentirueval", P),)),
    ]


def _topics(P, lw):
    return [
        ("product", P, "lr:30:bal", ()),
        ("product", P, "svc:0.3:bal", ()),
        ("product", P, "sgd:1e-5:bal", ()),
        ("product+navec_lemmas_w0.5", P, "lr:30:bal", lambda: (lambda d: navec_block(d, "lemmas", 0.5),)),
        ("fine300", P, "svc:0.3:bal", 300),
        ("fine100", P, "svc:0.3:bal", 100),
        ("fine300", P, "lr:30:bal", 300),
    ]


def _toxicity(P, lw):
    return [
        ("product", P, "lr:10:bal", ()),
        ("product", P, "sgd:1e-4", ()),
        ("product", P, "nblr:4", ()),
    ]


CONFIGS = {"sentiment": _sentiment, "topics": _topics, "toxicity": _toxicity}

if __name__ == "__main__":
    main()
