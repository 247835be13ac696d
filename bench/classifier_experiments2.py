"""Issue #3, second round: per-class score biases, more training rows, logit ensembles — on the product's own
text processing (pipeline.training.to_docs) and features (classifiers.features.Featurizer).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/classifier_experiments2.py --task topics [--only NAME,...]

Splits are bench/bench_classifiers.py's (test), and a validation split cut from its training part by the same
rule (topics: train's latest month, rows sharing a text_norm_hash with it dropped; sentiment: train's last 15 %
of rows in file order, text_key duplicates dropped). Every configuration is fitted twice: on in_train (scored on
val, which chooses) and on train (scored on test, which is only reported). Decision scores of both fits are
cached in /tmp/dozor_clf_cache/exp2 so bias fitting and ensembles are re-run without refitting.

Biases: per-class additive offsets on the decision scores, chosen by coordinate ascent for macro-F1 on val from
the in_train model's val scores, then added to the train model's test scores (they fold into Head.intercept).
"val" for a bias row is in-sample for the biases; "val 2-fold" fits them on one half of val (contiguous) and
scores the other half, and vice versa — an honest estimate of what biases add.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import confusion_matrix, f1_score  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_classifiers import DATA, rows, tail_cut  # noqa: E402  (the benchmark's splits and reader)

from classifiers.dataset import text_key  # noqa: E402
from classifiers.features import CHAR_PARAMS, WORD_PARAMS, Featurizer  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

CACHE = Path("/tmp/dozor_clf_cache/exp2")
warnings.filterwarnings("ignore", category=ConvergenceWarning)

LW = {"field": "lemmas", **WORD_PARAMS}
LC = {"field": "lemmas", **CHAR_PARAMS}
WC = {"field": "words", "analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "max_features": 150_000}
TC = {"field": "text", "analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "max_features": 150_000}
WW = {"field": "words", **WORD_PARAMS}
TW = {"field": "text", "analyzer": "word", "ngram_range": (1, 2), "min_df": 1, "max_features": None}


# ----------------------------------------------------------------------------------------------------------- splits

def _month_cut(data: list[dict]) -> tuple[list[dict], list[dict]]:
    last = max(r["created_dt"][:7] for r in data)
    test = [r for r in data if r["created_dt"][:7] == last]
    held = {r["text_norm_hash"] for r in test}
    return [r for r in data if r["created_dt"][:7] != last and r["text_norm_hash"] not in held], test


def topics_splits() -> dict:
    """{'train','test','in_train','val'} -> list of rows; plus 'short_train'/'short_in_train': spb rows under 40
    characters from the same months as train/in_train, minus hashes of test/val (extra training rows only)."""
    allrows = [r for r in rows(DATA / "spb-appeals/train.csv") if r["text"].strip()]
    data = [r for r in allrows if len(r["text"]) >= 40]
    train, test = _month_cut(data)
    in_train, val = _month_cut(train)
    in_train_b, val_b = _month_cut(in_train)          # a second validation fold: one month earlier
    months_tr = {r["created_dt"][:7] for r in train}
    months_itr = {r["created_dt"][:7] for r in in_train}
    months_itr_b = {r["created_dt"][:7] for r in in_train_b}
    short = [r for r in allrows if len(r["text"]) < 40]
    held_te, held_val = {r["text_norm_hash"] for r in test}, {r["text_norm_hash"] for r in val}
    out = {k: [(r["text"], r["topic"]) for r in v] for k, v in
           {"train": train, "test": test, "in_train": in_train, "val": val, "in_train_b": in_train_b,
            "val_b": val_b}.items()}
    out["short_train"] = [(r["text"], r["topic"]) for r in short
                          if r["created_dt"][:7] in months_tr and r["text_norm_hash"] not in held_te]
    out["short_in_train"] = [(r["text"], r["topic"]) for r in short
                             if r["created_dt"][:7] in months_itr and r["text_norm_hash"] not in held_val
                             and r["text_norm_hash"] not in held_te]
    held_val_b = {r["text_norm_hash"] for r in val_b}
    out["short_in_train_b"] = [(r["text"], r["topic"]) for r in short
                               if r["created_dt"][:7] in months_itr_b and r["text_norm_hash"] not in held_val_b
                               and r["text_norm_hash"] not in held_val and r["text_norm_hash"] not in held_te]
    return out


def sentiment_splits() -> dict:
    """As bench_classifiers.split_tail, with val cut from train the same way. 'extra_*': rusentiment's
    speech/skip rows from the same file positions as train/in_train (minus test/val texts)."""
    every = [(r["text"], r["label"]) for r in rows(DATA / "rusentiment/train.csv") if r["text"].strip()]
    data = [(t, l) for t, l in every if l in {"positive", "neutral", "negative"}]
    train, test = tail_cut(data)
    in_train, val = tail_cut(train)
    out = {"train": train, "test": test, "in_train": in_train, "val": val}
    # positions: the 3-class rows' cut points mapped back into the whole file
    idx3 = [i for i, (t, l) in enumerate(every) if l in {"positive", "neutral", "negative"}]
    cut_te = idx3[len(data) - round(len(data) * 0.15)]
    n_tr_all = len(data) - round(len(data) * 0.15)
    cut_val = idx3[n_tr_all - round(n_tr_all * 0.15)]
    held_te, held_val = {text_key(t) for t, _ in test}, {text_key(t) for t, _ in val}
    other = [(i, t, l) for i, (t, l) in enumerate(every) if l in {"speech", "skip"}]
    out["extra_train"] = [(t, l) for i, t, l in other if i < cut_te and text_key(t) not in held_te]
    out["extra_in_train"] = [(t, l) for i, t, l in other if i < cut_val and text_key(t) not in held_val
                             and text_key(t) not in held_te]
    sre = [(r["text"], r["label"]) for r in rows(DATA / "sentirueval/train.csv")
           if r["label"] in {"positive", "neutral", "negative"} and r["text"].strip()]
    out["sre_train"] = [(t, l) for t, l in sre if text_key(t) not in held_te]
    out["sre_in_train"] = [(t, l) for t, l in sre if text_key(t) not in held_te and text_key(t) not in held_val]
    return out


# ------------------------------------------------------------------------------------------------------------- docs

def docs_cached(texts: list[str]):
    h = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    f = CACHE / f"docs_{h}.pkl"
    if f.exists():
        return pickle.loads(f.read_bytes())
    out = to_docs(texts)
    f.write_bytes(pickle.dumps(out))
    return out


def macro(y, p) -> float:
    return float(f1_score(y, p, average="macro"))


# ----------------------------------------------------------------------------------------------------------- biases

BIAS_GRID = np.round(np.arange(-3.0, 3.0001, 0.1), 2)


def _macro_f1(truth: np.ndarray, pred: np.ndarray, n: int) -> float:
    """Macro-F1 over the classes present in truth or pred (scikit-learn's f1_score(average='macro'))."""
    tp = np.bincount(truth[truth == pred], minlength=n).astype(float)
    t, p = np.bincount(truth, minlength=n), np.bincount(pred, minlength=n)
    seen = (t + p) > 0
    return float((2 * tp[seen] / (t + p)[seen]).mean())


def fit_biases(scores: np.ndarray, labels, classes, passes: int = 3) -> np.ndarray:
    """Per-class additive offsets to decision scores (n_docs, n_classes) that maximise macro-F1 of the argmax on
    held-out rows: coordinate ascent over BIAS_GRID, a few passes; ties go to the offset nearest zero. They shift
    a class's prior and would fold into Head.intercept.
    """
    index = {c: i for i, c in enumerate(classes)}
    truth = np.asarray([index.get(l, -1) for l in labels])
    scores, truth = scores[truth >= 0], truth[truth >= 0]
    n = len(classes)
    bias = np.zeros(n)
    best = _macro_f1(truth, (scores + bias).argmax(axis=1), n)
    order = np.argsort(np.abs(BIAS_GRID), kind="stable")
    for _ in range(passes):
        improved = False
        for j in range(n):
            for b in BIAS_GRID[order]:
                trial = bias.copy()
                trial[j] = b
                f = _macro_f1(truth, (scores + trial).argmax(axis=1), n)
                if f > best + 1e-9:
                    best, bias, improved = f, trial, True
        if not improved:
            break
    return bias - bias.mean()


# ---------------------------------------------------------------------------------------------------------- fitting

class Task:
    def __init__(self, task: str):
        self.task = task
        self.s = topics_splits() if task == "topics" else sentiment_splits()
        self.docs = {k: docs_cached([t for t, _ in v]) for k, v in self.s.items()}
        self.y = {k: np.asarray([l for _, l in v]) for k, v in self.s.items()}
        self.classes = sorted(set(self.y["train"]))
        self._feat: dict = {}

    def features(self, parts: list[dict], fit_on: str, extra: str | None, apply_to: str):
        key = (json.dumps(parts, sort_keys=True), fit_on, extra)
        if key not in self._feat:
            fit_docs = self.docs[fit_on] + (self.docs[f"{extra}_{fit_on}"] if extra else [])
            fz = Featurizer(parts).fit(fit_docs)
            self._feat = {k: v for k, v in self._feat.items() if k[0] == key[0]}    # keep one feature set
            self._feat[key] = (fz, fz.transform(fit_docs), {})
        fz, X, applied = self._feat[key]
        if apply_to not in applied:
            applied[apply_to] = fz.transform(self.docs[apply_to])
        return X, applied[apply_to]


def run_fold_b(T: Task, name: str, cfg: dict) -> np.ndarray:
    """Decision scores on val_b (the month before val), fitted on in_train_b: a second validation fold."""
    f = CACHE / f"scores_{T.task}_{name}_b.npz"
    if f.exists():
        return np.load(f, allow_pickle=False)["val_b"]
    z = _fit_score(T, cfg, "in_train_b", "val_b")
    np.savez(f, val_b=z)
    return z


def _fit_score(T: Task, cfg: dict, fit_on: str, apply_to: str) -> np.ndarray:
    extra = cfg.get("extra")
    X, Xa = T.features(cfg["parts"], fit_on, extra, apply_to)
    y = T.y[fit_on]
    if extra:
        y = np.concatenate([y, np.asarray([cfg.get("relabel", {}).get(l, l) for l in T.y[f"{extra}_{fit_on}"]])])
    keep = np.asarray([l != "drop" for l in y])
    sw = None
    if cfg.get("extra_weight") and extra:
        sw = np.ones(len(y))
        sw[len(T.y[fit_on]):] = cfg["extra_weight"]
        sw = sw[keep]
    m = LogisticRegression(C=cfg["C"], class_weight=cfg.get("cw"), max_iter=3000,
                           solver=cfg.get("solver", "newton-cg"), random_state=0)
    m.fit(X[keep], y[keep], sample_weight=sw)
    z = m.decision_function(Xa)
    if z.ndim == 1:
        z = np.column_stack([-z / 2, z / 2])
    return np.asarray(z[:, [list(m.classes_).index(c) for c in T.classes]], dtype=np.float64)


def run_config(T: Task, name: str, cfg: dict) -> dict:
    """Decision scores on val (fit on in_train) and test (fit on train), cached on disk under the config name."""
    f = CACHE / f"scores_{T.task}_{name}.npz"
    if f.exists():
        z = np.load(f, allow_pickle=False)
        return {"val": z["val"], "test": z["test"], "classes": [str(c) for c in z["classes"]],
                "fit_s": float(z["fit_s"])}
    out = {}
    fit_s = 0.0
    for fit_on, apply_to in (("in_train", "val"), ("train", "test")):
        t0 = time.time()
        out[apply_to] = _fit_score(T, cfg, fit_on, apply_to)
        fit_s = time.time() - t0
    np.savez(f, val=out["val"], test=out["test"], classes=np.asarray(T.classes), fit_s=fit_s)
    return {**out, "classes": T.classes, "fit_s": fit_s}


def evaluate_scores(T: Task, name: str, sc: dict) -> list[dict]:
    cls = np.asarray(sc["classes"])
    yv, yt = T.y["val"], T.y["test"]
    pv, pt = cls[sc["val"].argmax(1)], cls[sc["test"].argmax(1)]
    res = [{"config": name, "bias": "none", "val": macro(yv, pv), "val2": macro(yv, pv), "test": macro(yt, pt),
            "fit_s": round(sc["fit_s"], 1)}]
    if "val_b" in sc:
        res[0]["val_b"] = macro(T.y["val_b"], cls[sc["val_b"].argmax(1)])
        res[0]["val_mean2"] = (res[0]["val"] + res[0]["val_b"]) / 2
    b = fit_biases(sc["val"], yv, list(cls))
    half = len(yv) // 2
    p2 = np.empty(len(yv), dtype=object)
    for a, o in ((slice(0, half), slice(half, None)), (slice(half, None), slice(0, half))):
        bb = fit_biases(sc["val"][a], yv[a], list(cls))
        p2[o] = cls[(sc["val"][o] + bb).argmax(1)]
    res.append({"config": name, "bias": "fitted on val", "val": macro(yv, cls[(sc["val"] + b).argmax(1)]),
                "val2": macro(yv, list(p2)), "test": macro(yt, cls[(sc["test"] + b).argmax(1)]),
                "fit_s": round(sc["fit_s"], 1), "biases": {c: round(float(x), 2) for c, x in zip(cls, b, strict=False)}})
    return res


CONFIGS = {
    "topics": {
        "product": {"parts": [LW, LC], "C": 20.0, "cw": "balanced"},
        "product_nocw": {"parts": [LW, LC], "C": 20.0, "cw": None},
        "product+short": {"parts": [LW, LC], "C": 20.0, "cw": "balanced", "extra": "short"},
        "product+short_w0.5": {"parts": [LW, LC], "C": 20.0, "cw": "balanced", "extra": "short", "extra_weight": 0.5},
        "lw+wc_C30": {"parts": [LW, WC], "C": 30.0, "cw": "balanced"},
        "lw+wc_C30+short": {"parts": [LW, WC], "C": 30.0, "cw": "balanced", "extra": "short"},
        "lw+wc_C30+short_w0.5": {"parts": [LW, WC], "C": 30.0, "cw": "balanced", "extra": "short",
                                 "extra_weight": 0.5},
        "lw+wc_C60+short": {"parts": [LW, WC], "C": 60.0, "cw": "balanced", "extra": "short"},
        "lw+lc+wc_C30+short": {"parts": [LW, LC, WC], "C": 30.0, "cw": "balanced", "extra": "short"},
        "lw+lc+tw_C20": {"parts": [LW, LC, TW], "C": 20.0, "cw": "balanced"},
        "lw_only_C20": {"parts": [LW], "C": 20.0, "cw": "balanced"},
        "lc_only_C20": {"parts": [LC], "C": 20.0, "cw": "balanced"},
    },
    "sentiment": {
        "product": {"parts": [LW, LC, TC], "C": 2.0},
        "product_bal": {"parts": [LW, LC, TC], "C": 2.0, "cw": "balanced"},
        "product+speech_as_class": {"parts": [LW, LC, TC], "C": 2.0, "extra": "extra",
                                    "relabel": {"skip": "drop"}},
        "product+speech_pos": {"parts": [LW, LC, TC], "C": 2.0, "extra": "extra",
                               "relabel": {"skip": "drop", "speech": "positive"}},
        "product+speech_skip_classes": {"parts": [LW, LC, TC], "C": 2.0, "extra": "extra"},
        "product+sentirueval": {"parts": [LW, LC, TC], "C": 2.0, "extra": "sre"},
        "product+sentirueval_w0.3": {"parts": [LW, LC, TC], "C": 2.0, "extra": "sre", "extra_weight": 0.3},
        "lw+tc_C2": {"parts": [LW, TC], "C": 2.0},
        "lw+lc_C2": {"parts": [LW, LC], "C": 2.0},
        "tc_only_C2": {"parts": [TC], "C": 2.0},
        "ww+tc_C2": {"parts": [WW, TC], "C": 2.0},
        "product_C1": {"parts": [LW, LC, TC], "C": 1.0},
        "product_C4": {"parts": [LW, LC, TC], "C": 4.0},
    },
}
# logit ensembles: sum of member decision scores (weights), one linear head (blocks side by side)
ENSEMBLES = {
    "topics": {"ens lw_only+lc_only": ["lw_only_C20", "lc_only_C20"],
               "ens product+lw+wc": ["product", "lw+wc_C30"]},
    "sentiment": {"ens lw+lc & tc_only": ["lw+lc_C2", "tc_only_C2"],
                  "ens product & speech_as_class": ["product", "product+speech_as_class"]},
}


def confusion(T: Task, sc: dict, bias: np.ndarray | None = None) -> str:
    cls = np.asarray(sc["classes"])
    z = sc["test"] + (bias if bias is not None else 0)
    cm = confusion_matrix(T.y["test"], cls[z.argmax(1)], labels=cls)
    lines = ["truth \\ pred  " + " ".join(f"{c[:6]:>6s}" for c in cls)]
    for c, row in zip(cls, cm, strict=False):
        lines.append(f"{c[:12]:12s}  " + " ".join(f"{v:6d}" for v in row))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", default="topics")
    ap.add_argument("--only", default="")
    ap.add_argument("--confusion", default="")
    ap.add_argument("--fold-b", default="", help="configs to score on the second validation fold (topics)")
    args = ap.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    T = Task(args.task)
    print({k: len(v) for k, v in T.s.items()}, flush=True)
    only = [x for x in args.only.split(",") if x]
    results, scores = [], {}
    for name, cfg in CONFIGS[args.task].items():
        if only and name not in only:
            if (CACHE / f"scores_{T.task}_{name}.npz").exists():
                scores[name] = run_config(T, name, cfg)
            continue
        scores[name] = run_config(T, name, cfg)
    for name in [x for x in args.fold_b.split(",") if x]:
        scores[name] = {**run_config(T, name, CONFIGS[args.task][name]),
                        "val_b": run_fold_b(T, name, CONFIGS[args.task][name])}
    for name, sc in scores.items():
        if "val_b" not in sc and (CACHE / f"scores_{T.task}_{name}_b.npz").exists():
            sc["val_b"] = run_fold_b(T, name, CONFIGS[args.task][name])
        for r in evaluate_scores(T, name, sc):
            results.append(r)
            print(json.dumps(r), flush=True)
    for name, members in ENSEMBLES[args.task].items():
        if all(m in scores for m in members):
            sc = {"val": sum(scores[m]["val"] for m in members) / len(members),
                  **({"val_b": sum(scores[m]["val_b"] for m in members) / len(members)}
                     if all("val_b" in scores[m] for m in members) else {}),
                  "test": sum(scores[m]["test"] for m in members) / len(members),
                  "classes": scores[members[0]]["classes"], "fit_s": sum(scores[m]["fit_s"] for m in members)}
            for r in evaluate_scores(T, name, sc):
                results.append(r)
                print(json.dumps(r), flush=True)
    if args.confusion:
        sc = scores[args.confusion]
        print(confusion(T, sc))
        print(confusion(T, sc, fit_biases(sc["val"], T.y["val"], sc["classes"])))
    (CACHE / f"results_{args.task}.json").write_text(json.dumps(results, indent=1))
    print(markdown(results))


def markdown(results: list[dict]) -> str:
    """The table for bench/results/classifier_experiments.md."""
    two = any("val_b" in r for r in results)
    head = "| configuration | biases | val | val 2-fold (biases) |" + (" val month b | val mean |" if two else "") + \
        " test |"
    out = [head, "|---|---|---:|---:|" + ("---:|---:|" if two else "") + "---:|"]
    for r in results:
        b = r["bias"] == "none"
        cells = [r["config"], r["bias"], f"{r['val']:.4f}", "" if b else f"{r['val2']:.4f}"]
        if two:
            cells += [f"{r['val_b']:.4f}" if "val_b" in r else "", f"{r['val_mean2']:.4f}" if "val_mean2" in r else ""]
        out.append("| " + " | ".join(cells + [f"{r['test']:.4f}"]) + " |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
