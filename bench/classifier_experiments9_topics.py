"""Issue 14, ninth round, topics: near-duplicate / template votes (kNN), stacking heterogeneous heads, a per-class
bias vector, and an error analysis by class and form reason — on round two/three's validation month only.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments9_topics.py data
    ... base --heads lr:30                                  (~2 min fit + ~7 min out-of-fold here)
    ... base --heads svc:0.3,cnb:0.3,cnb:0.1,cnb:1,finesvc:0.3
    ... knn                                                 (neighbour search, ~4 min)
    ... report --heads lr:30,svc:0.3,finesvc:0.3,cnb:0.3,cnb:0.1,cnb:1

Splits as bench/classifier_experiments2.py's `topics_splits` (asserted equal): in_train = the training months
before 2021-02 (rows >= 40 chars) + their short rows (as the product trains); val = 2021-02 (4,488 rows >= 40 chars).
The held-out month (bench/bench_classifiers.py's test) is cut off and never featurized nor scored here.

`base` fits each head on in_train and scores val, and also produces out-of-fold scores on in_train with inner
folds grouped by month (4 folds: 2020-10, 2020-11, 2020-12, 2021-01); the Featurizer (product recipe: lemma
words 1-2 + word chars 2-5) is fitted once on all of in_train (its vocabulary and idf see the inner fold: a small
leak, the same for every head). Scores are cached as .npz under --out (default /tmp/topnl). `report` builds kNN
votes, blends, the stack, biases, bootstrap intervals and the error analysis from those caches; everything that is
chosen (blend weight, meta-model, biases, NB alpha, k) is chosen on the in_train out-of-fold scores, never on val.
Output: counts and figures only.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.naive_bayes import ComplementNB  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import classifier_experiments2 as exp2  # noqa: E402
from bench_classifiers import DATA, rows  # noqa: E402

from classifiers.features import Featurizer  # noqa: E402
from classifiers.train import RECIPES  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)
RECIPE = RECIPES["topics"]
OUT = Path("/tmp/topnl")


# ------------------------------------------------------------------------------------------------------- data


def splits() -> dict:
    """in_train (+ short rows) and val with month and form reason per row; the held-out month is dropped here."""
    allrows = [r for r in rows(DATA / "spb-appeals/train.csv") if r["text"].strip()]
    data = [r for r in allrows if len(r["text"]) >= 40]
    train, test = exp2._month_cut(data)
    in_train, val = exp2._month_cut(train)
    held = {r["text_norm_hash"] for r in test} | {r["text_norm_hash"] for r in val}
    months = {r["created_dt"][:7] for r in in_train}
    short = [
        r for r in allrows if len(r["text"]) < 40 and r["created_dt"][:7] in months and r["text_norm_hash"] not in held
    ]
    del test  # never used below
    fit = in_train + short
    ref = exp2.topics_splits()  # the round two/three lists, for the equality check
    assert [(r["text"], r["topic"]) for r in fit] == ref["in_train"] + ref["short_in_train"]
    assert [(r["text"], r["topic"]) for r in val] == ref["val"]
    return {"fit": fit, "val": val}


def load(out: Path):
    f = out / "data.pkl"
    if f.exists():
        return pickle.loads(f.read_bytes())
    t0 = time.perf_counter()
    s = splits()
    docs = {k: exp2.docs_cached([r["text"] for r in v]) for k, v in s.items()}
    feat = Featurizer(RECIPE["parts"]).fit(docs["fit"])
    X = {k: feat.transform(docs[k]).astype(np.float32) for k in s}
    meta = {
        k: {
            "y": np.array([r["topic"] for r in v]),
            "month": np.array([r["created_dt"][:7] for r in v]),
            "reason": np.array([r["reason"] for r in v]),
            "obj": np.array([r["city_object"] for r in v]),
            "hash": np.array([r["text_norm_hash"] for r in v]),
            "long": np.array([len(r["text"]) >= 40 for r in v]),
        }
        for k, v in s.items()
    }
    d = {"X": X, "meta": meta}
    f.write_bytes(pickle.dumps(d, protocol=4))
    print(f"data: fit {X['fit'].shape}, val {X['val'].shape}; {time.perf_counter() - t0:.0f}s", flush=True)
    return d


# ------------------------------------------------------------------------------------------------------ heads

TIMES: list[float] = []  # fit, predict seconds of the latest fit_predict calls


def fine_labels(meta_fit, min_rows: int = 300):
    """Each row's form reason as its class where that (topic, reason) has >= min_rows in_train rows, else its topic."""
    keys = np.array([f"{t}|{r}" for t, r in zip(meta_fit["y"], meta_fit["reason"], strict=True)])
    c = Counter(keys)
    return np.array([k if c[k] >= min_rows else t for k, t in zip(keys, meta_fit["y"], strict=True)])


def fit_predict(head: str, Xa, ya, Xb, classes):
    """-> (n_b, len(classes)) scores; fine-label heads return each topic's max over its fine classes."""
    kind, *a = head.split(":")
    t0 = time.perf_counter()
    if kind == "lr":
        m = LogisticRegression(
            C=float(a[0]), class_weight="balanced", max_iter=3000, solver="newton-cg", random_state=0
        ).fit(Xa, ya)
        TIMES.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        s = m.predict_log_proba(Xb)
    elif kind in ("svc", "finesvc"):
        m = LinearSVC(C=float(a[0]), class_weight="balanced", random_state=0).fit(Xa, ya)
        TIMES.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        s = m.decision_function(Xb)
    elif kind == "cnb":
        m = ComplementNB(alpha=float(a[0])).fit(Xa, ya)
        TIMES.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        s = m.predict_log_proba(Xb)
    else:
        raise ValueError(head)
    TIMES.append(time.perf_counter() - t0)
    mc = list(m.classes_)
    if kind == "finesvc":
        topic = np.array([c.split("|")[0] for c in mc])
        return np.stack([s[:, topic == c].max(axis=1) for c in classes], axis=1)
    return s[:, [mc.index(c) for c in classes]]


def run_base(d, heads: list[str], out: Path) -> None:
    X, M = d["X"], d["meta"]
    classes = np.unique(M["fit"]["y"])
    months = sorted(set(M["fit"]["month"]))
    for head in heads:
        f = out / f"scores_{head.replace(':', '_')}.npz"
        if f.exists():
            continue
        ya = fine_labels(M["fit"]) if head.startswith("fine") else M["fit"]["y"]
        TIMES.clear()
        val = fit_predict(head, X["fit"], ya, X["val"], classes)
        t_fit, t_pred = TIMES[:2]
        oof = np.zeros((X["fit"].shape[0], len(classes)), dtype=np.float64)
        t0 = time.perf_counter()
        for mo in months:
            te = M["fit"]["month"] == mo
            oof[te] = fit_predict(head, X["fit"][~te], ya[~te], X["fit"][te], classes)
        t_oof = time.perf_counter() - t0
        np.savez(f, val=val, oof=oof, classes=classes, t_fit=t_fit, t_pred=t_pred, t_oof=t_oof)
        f1 = macro(M["val"]["y"], classes[val.argmax(1)])
        print(f"{head:<14} val {f1:.4f}  fit {t_fit:.1f}s  predict val {t_pred:.2f}s  oof {t_oof:.0f}s", flush=True)


def macro(y, p) -> float:
    return float(f1_score(y, p, average="macro"))


# ------------------------------------------------------------------------------------------------------- kNN


def knn_neighbours(Xq, Xr, k: int, exclude=None, chunk: int = 1000):
    """Top-k cosine neighbours of each query row among the reference rows; exclude(i0, i1) -> bool mask
    (chunk x n_ref) of forbidden pairs (other-fold only for out-of-fold)."""

    def norm(X):
        n = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        return sp.diags(1.0 / np.maximum(n, 1e-9)) @ X

    Xq, XrT = norm(Xq).tocsr(), norm(Xr).T.tocsc()
    idx = np.zeros((Xq.shape[0], k), dtype=np.int64)
    sim = np.zeros((Xq.shape[0], k), dtype=np.float32)
    for i0 in range(0, Xq.shape[0], chunk):
        S = (Xq[i0 : i0 + chunk] @ XrT).toarray()
        if exclude is not None:
            S[exclude(i0, i0 + S.shape[0])] = -1.0
        part = np.argpartition(-S, k, axis=1)[:, :k]
        ps = np.take_along_axis(S, part, axis=1)
        order = np.argsort(-ps, axis=1)
        idx[i0 : i0 + S.shape[0]] = np.take_along_axis(part, order, axis=1)
        sim[i0 : i0 + S.shape[0]] = np.take_along_axis(ps, order, axis=1)
    return idx, sim


def run_knn(d, out: Path, kmax: int = 20) -> None:
    f = out / "knn.npz"
    if f.exists():
        return
    X, M = d["X"], d["meta"]
    t0 = time.perf_counter()
    vi, vs = knn_neighbours(X["val"], X["fit"], kmax)
    t_val = time.perf_counter() - t0
    mo = M["fit"]["month"]
    t0 = time.perf_counter()
    oi, os_ = knn_neighbours(X["fit"], X["fit"], kmax, exclude=lambda a, b: mo[a:b, None] == mo[None, :])
    t_oof = time.perf_counter() - t0
    np.savez(f, vi=vi, vs=vs, oi=oi, os=os_, t_val=t_val, t_oof=t_oof)
    print(f"knn: val {t_val:.0f}s, oof {t_oof:.0f}s", flush=True)


def knn_vote(idx, sim, y_ref, classes, k: int, p: float = 1.0, prior=None):
    """Distance-weighted vote (weight sim**p) of the k nearest; prior: per-class divisor (None = plain)."""
    lab = np.searchsorted(classes, y_ref)[idx[:, :k]]
    w = np.maximum(sim[:, :k], 0) ** p
    V = np.zeros((idx.shape[0], len(classes)))
    for j in range(k):
        np.add.at(V, (np.arange(idx.shape[0]), lab[:, j]), w[:, j])
    if prior is not None:
        V = V / prior
    return V / np.maximum(V.sum(axis=1, keepdims=True), 1e-9)


# --------------------------------------------------------------------------------------------------- helpers


def softmax(S, t: float = 1.0):
    Z = S * t
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def fit_biases(S, y, classes, grid=None, passes: int = 3):
    """Coordinate ascent for macro-F1 on per-class additive offsets (round two's rule)."""
    grid = np.arange(-3, 3.01, 0.1) if grid is None else grid
    b = np.zeros(len(classes))
    yi = np.searchsorted(classes, y)

    def score(bb):
        return fast_macro(yi, (S + bb).argmax(1), len(classes))

    best = score(b)
    for _ in range(passes):
        for c in range(len(classes)):
            for g in grid:
                bb = b.copy()
                bb[c] = g
                s = score(bb)
                if s > best + 1e-9:
                    best, b = s, bb
    return b, best


def fast_macro(yi, pi, k: int) -> float:
    """Macro-F1 over k classes from integer labels (same figure as sklearn's, classes absent from both score 0)."""
    tp = np.bincount(yi[yi == pi], minlength=k)
    den = np.bincount(yi, minlength=k) + np.bincount(pi, minlength=k)
    return float(np.mean(np.where(den > 0, 2 * tp / np.maximum(den, 1), 0.0)))


def bootstrap(y, p_base, p_new, n: int = 2000, seed: int = 0):
    rng = np.random.default_rng(seed)
    classes = np.unique(y)
    yi, bi, ni = (np.searchsorted(classes, a) for a in (y, p_base, p_new))
    g = np.empty(n)
    for i in range(n):
        s = rng.integers(0, len(y), len(y))
        g[i] = fast_macro(yi[s], ni[s], len(classes)) - fast_macro(yi[s], bi[s], len(classes))
    d = macro(y, p_new) - macro(y, p_base)
    return d, np.quantile(g, 0.05), np.quantile(g, 0.95), float((g <= 0).mean())


def stack_features(parts: dict, which: list[str]):
    return np.hstack([parts[w] for w in which])


# ------------------------------------------------------------------------------------------------------- report


def report(d, out: Path, heads: list[str]) -> None:
    M = d["meta"]
    yv, yf = M["val"]["y"], M["fit"]["y"]
    sc = {h: np.load(out / f"scores_{h.replace(':', '_')}.npz") for h in heads}
    classes = sc[heads[0]]["classes"]
    res = {}  # name -> (val predictions, note)

    def add(name, pred, note=""):
        res[name] = (pred, note)
        print(f"  {name:<44} val {macro(yv, pred):.4f} {note}", flush=True)

    print("single heads (oof = in_train out-of-fold macro-F1, month-grouped):")
    for h in heads:
        add(
            h,
            classes[sc[h]["val"].argmax(1)],
            f"oof {macro(yf, classes[sc[h]['oof'].argmax(1)]):.4f}  fit {float(sc[h]['t_fit']):.1f}s"
            f"  predict {float(sc[h]['t_pred']):.2f}s",
        )
    base = res["lr:30"][0]

    kn = np.load(out / "knn.npz")
    print(f"kNN (neighbour search: val {float(kn['t_val']):.0f}s for {len(yv)} rows, oof {float(kn['t_oof']):.0f}s):")
    prior = np.array([np.mean(yf == c) for c in classes])
    knn_best, knn_oof_best = None, -1
    for k in (1, 3, 5, 10, 20):
        for p, pr in ((1, None), (4, None), (1, "bal")):
            pri = prior if pr else None
            vo = knn_vote(kn["oi"], kn["os"], yf, classes, k, p, pri)
            vv = knn_vote(kn["vi"], kn["vs"], yf, classes, k, p, pri)
            o = macro(yf, classes[vo.argmax(1)])
            add(f"knn k={k} w=sim^{p}{' /prior' if pr else ''}", classes[vv.argmax(1)], f"oof {o:.4f}")
            if o > knn_oof_best:
                knn_oof_best, knn_best = o, (k, p, pri)
    k, p, pri = knn_best
    kv_o = knn_vote(kn["oi"], kn["os"], yf, classes, k, p, pri)
    kv_v = knn_vote(kn["vi"], kn["vs"], yf, classes, k, p, pri)
    print(f"  kNN chosen on oof: k={k} p={p} prior={'yes' if pri is not None else 'no'}")

    # near-duplicate coverage of val: nearest in_train neighbour's cosine and label agreement
    top = kn["vs"][:, 0]
    nl = yf[kn["vi"][:, 0]]
    for th in (0.95, 0.9, 0.8, 0.7):
        m = top >= th
        print(
            f"  val rows with a neighbour at cos >= {th}: {m.sum()} ; its label = the row's: {(nl[m] == yv[m]).sum()}"
            f" ; LR right on them: {(base[m] == yv[m]).sum()}"
        )

    print("blends p = (1 - w) P_LR + w V_kNN; (k, sim power, w) chosen jointly on in_train oof:")
    P_lr_o, P_lr_v = np.exp(sc["lr:30"]["oof"]), np.exp(sc["lr:30"]["val"])
    yfi, yvi, K = np.searchsorted(classes, yf), np.searchsorted(classes, yv), len(classes)
    months = sorted(set(M["fit"]["month"]))
    mo = M["fit"]["month"]
    ws = np.round(np.arange(0, 0.501, 0.05), 2)
    grid = {}
    for kk in (1, 3, 5, 10, 20):
        for pp in (1, 4):
            vo = knn_vote(kn["oi"], kn["os"], yf, classes, kk, pp)
            vv = knn_vote(kn["vi"], kn["vs"], yf, classes, kk, pp)
            for w in ws:
                bo, bv = ((1 - w) * P_lr_o + w * vo).argmax(1), ((1 - w) * P_lr_v + w * vv).argmax(1)
                grid[(kk, pp, w)] = (
                    fast_macro(yfi, bo, K),
                    [fast_macro(yfi[mo == m], bo[mo == m], K) for m in months],
                    fast_macro(yvi, bv, K),
                    bv,
                )
    print("  k=10 sim^1 by w: oof | oof per inner month " + " ".join(months) + " | val")
    for w in ws:
        o, per, v, _ = grid[(10, 1, w)]
        print(f"    w={w:.2f}  {o:.4f} | " + " ".join(f"{x:.4f}" for x in per) + f" | {v:.4f}")
    kb = max(grid, key=lambda g: grid[g][0])
    o, per, v, bv = grid[kb]
    add(
        f"LR+kNN blend, oof-chosen k={kb[0]} sim^{kb[1]} w={kb[2]:.2f}",
        classes[bv],
        f"oof {o:.4f} (w=0: {grid[(1, 1, 0.0)][0]:.4f})",
    )
    for kk, w in ((10, 0.3), (5, 0.3), (10, 0.4)):
        o, per, v, bv = grid[(kk, 1, w)]
        add(f"LR+kNN blend k={kk} sim^1 w={w:.2f} (fixed)", classes[bv], f"oof {o:.4f}")
    kk, pp, w = 10, 1, 0.3
    blend_o = (1 - w) * P_lr_o + w * knn_vote(kn["oi"], kn["os"], yf, classes, kk, pp)
    blend_v = (1 - w) * P_lr_v + w * knn_vote(kn["vi"], kn["vs"], yf, classes, kk, pp)

    lr_per = " ".join(f"{macro(yf[mo == m_], classes[sc['lr:30']['oof'][mo == m_].argmax(1)]):.4f}" for m_ in months)
    print(f"  (LR alone, oof by month: {lr_per})")
    print("stacking (meta LR, unweighted, on in_train oof; C chosen by month-grouped CV on the oof):")
    feats_o = {h: sc[h]["oof"] for h in heads}
    feats_v = {h: sc[h]["val"] for h in heads}
    feats_o["knn"], feats_v["knn"] = kv_o, kv_v
    # log-probabilities clipped at -20 (LR) / centred per row (NB: huge-scaled)
    for h in heads:
        if h.startswith("lr"):
            feats_o[h], feats_v[h] = np.maximum(feats_o[h], -20), np.maximum(feats_v[h], -20)
        if h.startswith("cnb"):
            feats_o[h] = feats_o[h] - feats_o[h].mean(1, keepdims=True)
            feats_v[h] = feats_v[h] - feats_v[h].mean(1, keepdims=True)
    combos = [
        ["lr:30", "svc:0.3"],
        ["lr:30", "finesvc:0.3"],
        ["lr:30", "svc:0.3", "finesvc:0.3"],
        ["lr:30", "knn"],
        ["lr:30", "svc:0.3", "knn"],
        ["lr:30", "finesvc:0.3", "knn"],
        ["lr:30", "svc:0.3", "finesvc:0.3", "knn"],
    ]
    cnb = [h for h in heads if h.startswith("cnb")]
    if cnb:
        combos += [["lr:30", "svc:0.3", cnb[0], "finesvc:0.3", "knn"]]
    best_stack = None
    for combo in combos:
        if not all(c in feats_o for c in combo):
            continue
        Fo, Fv = stack_features(feats_o, combo), stack_features(feats_v, combo)
        mu, sd = Fo.mean(0), Fo.std(0) + 1e-9
        Fo, Fv = (Fo - mu) / sd, (Fv - mu) / sd
        cv, per, prs = {}, {}, {}
        for C in (0.1, 1.0, 10.0):
            pr = np.empty(len(yf), dtype=object)
            for m_ in sorted(set(mo)):
                te = mo == m_
                mm = LogisticRegression(C=C, max_iter=3000).fit(Fo[~te], yf[~te])
                pr[te] = mm.predict(Fo[te])
            cv[C] = macro(yf, pr.astype(str))
            per[C] = " ".join(f"{macro(yf[mo == m_], pr[mo == m_].astype(str)):.4f}" for m_ in months)
            prs[C] = pr.astype(str)
        C = max(cv, key=cv.get)
        t0 = time.perf_counter()
        mm = LogisticRegression(C=C, max_iter=3000).fit(Fo, yf)
        t_meta = time.perf_counter() - t0
        name = "stack " + "+".join(combo)
        add(name, mm.predict(Fv), f"meta C={C} cv {cv[C]:.4f} (by month {per[C]})  meta fit {t_meta:.1f}s")
        # the inner month nearest val in time (2021-01), rows >= 40 chars as in val: stack cv vs LR oof
        near = (mo == months[-1]) & M["fit"]["long"]
        dlt, lo, hi, pn = bootstrap(yf[near], classes[sc["lr:30"]["oof"][near].argmax(1)], prs[C][near])
        print(
            f"    inner month {months[-1]} (>= 40 chars, {near.sum()} rows) vs LR oof: {dlt:+.4f}"
            f"  90% [{lo:+.4f}, {hi:+.4f}]  P(<=0) {pn:.2f}",
            flush=True,
        )
        if best_stack is None or cv[C] > best_stack[1]:
            best_stack = (name, cv[C])
    print(f"  stack chosen by its month-grouped cv: {best_stack[0]} (cv {best_stack[1]:.4f})")

    print("per-class biases (fitted on in_train oof, applied to val):")
    for name, So, Sv in (
        ("LR", sc["lr:30"]["oof"], sc["lr:30"]["val"]),
        ("LR+kNN blend k=10 w=0.3", np.log(blend_o + 1e-9), np.log(blend_v + 1e-9)),
    ):
        b, o = fit_biases(So, yf, classes)
        add(
            f"{name} + biases",
            classes[(Sv + b).argmax(1)],
            f"oof {o:.4f}  b=" + " ".join(f"{c[:4]}{x:+.1f}" for c, x in zip(classes, b, strict=True)),
        )

    print("paired bootstrap over val rows vs the product (LR C=30 balanced), 2,000 resamples:")
    for name, (pred, _) in res.items():
        if name == "lr:30":
            continue
        dlt, lo, hi, pn = bootstrap(yv, base, pred)
        print(f"  {name:<44} {dlt:+.4f}  90% [{lo:+.4f}, {hi:+.4f}]  P(<=0) {pn:.2f}", flush=True)

    best = max((n for n in res if n != "lr:30"), key=lambda n: macro(yv, res[n][0]))
    print(f"per-class F1 [val rows]: product | the stack chosen by cv ({best_stack[0]}) | the best on val ({best}):")
    pb = f1_score(yv, base, labels=classes, average=None)
    ps = f1_score(yv, res[best_stack[0]][0], labels=classes, average=None)
    pn = f1_score(yv, res[best][0], labels=classes, average=None)
    for c, a, s_, b in zip(classes, pb, ps, pn, strict=True):
        print(f"  {c:<12} {int((yv == c).sum()):>5}  {a:.3f} | {s_:.3f} | {b:.3f}")
    error_analysis(d, classes, base, sc["lr:30"]["oof"])


def error_analysis(d, classes, pred_val, oof_scores) -> None:
    M = d["meta"]
    yv = M["val"]["y"]
    print("confusions on val (product LR), true -> predicted, count:")
    pairs = Counter((a, b) for a, b in zip(yv, pred_val, strict=True) if a != b)
    print(f"  errors {sum(pairs.values())} of {len(yv)}")
    for (a, b), n in pairs.most_common(12):
        print(f"  {a:>12} -> {b:<12} {n}")
    # form reasons: the same reason string mapped to several topics in the topic map
    tm = rows(DATA / "spb-appeals/topic_map.csv")
    by_reason: dict[str, set] = {}
    for r in tm:
        by_reason.setdefault(r["reason"], set()).add(r["topic"])
    multi = {r for r, t in by_reason.items() if len(t) > 1}
    print(
        f"topic map: {len(tm)} (object, category, reason) rows, {len(by_reason)} reasons, "
        f"{len(multi)} reasons mapped to more than one topic"
    )
    # per (topic, reason) on in_train oof and val: share predicted as another topic
    for split, pred in (("in_train oof (long rows)", classes[oof_scores.argmax(1)]), ("val", pred_val)):
        mm = M["fit"] if split.startswith("in_train") else M["val"]
        keep = mm["long"]
        y, r, pp = mm["y"][keep], mm["reason"][keep], pred[keep]
        groups = Counter(zip(y, r, strict=True))
        wrong = Counter((a, b) for a, b, c in zip(y, r, pp, strict=True) if a != c)
        err = int((y != pp).sum())
        print(
            f"{split}: {len(y)} rows, {err} errors; (topic, reason) groups with >= 30 rows: "
            f"{sum(1 for n in groups.values() if n >= 30)}"
        )
        rows_out = []
        for (t, rs), n in groups.items():
            if n < 30:
                continue
            w = wrong[(t, rs)]
            to = Counter(c for a, b, c in zip(y, r, pp, strict=True) if a == t and b == rs and c != t).most_common(1)
            rows_out.append((w, n, t, to[0][0] if to else "-", to[0][1] if to else 0, rs in multi))
        rows_out.sort(reverse=True)
        print(
            "  groups by errors (reason anonymised as R<n>): errors / rows, topic -> most-predicted, its count,"
            " reason mapped to >1 topic"
        )
        for i, (w, n, t, to, tn, mu) in enumerate(rows_out[:15]):
            print(f"  R{i:<3} {w:>4} / {n:<5} {t:>12} -> {to:<12} {tn:>4}  {'multi' if mu else ''}")
        majority = [x for x in rows_out if x[4] > x[1] - x[0] - 0]  # predicted-other topic outnumbers the own topic
        print(
            f"  groups whose rows the model mostly calls another single topic: {len(majority)},"
            f" rows {sum(x[1] for x in majority)}, errors there {sum(x[0] for x in majority)} of {err}"
        )
        top10 = sum(x[0] for x in rows_out[:10])
        print(f"  errors in the 10 worst groups: {top10} of {err}")
        # exact duplicates (same normalized-text hash) with disagreeing topics
    hv, hf = M["val"]["hash"], M["fit"]["hash"]
    lab_f: dict[str, Counter] = {}
    for h, y in zip(hf, M["fit"]["y"], strict=True):
        lab_f.setdefault(h, Counter())[y] += 1
    conflict_f = sum(1 for c in lab_f.values() if len(c) > 1)
    print(
        f"in_train normalized-text hashes with more than one topic: {conflict_f} of {len(lab_f)} "
        f"(rows {sum(sum(c.values()) for c in lab_f.values() if len(c) > 1)})"
    )
    lab_v: dict[str, Counter] = {}
    for h, y in zip(hv, yv, strict=True):
        lab_v.setdefault(h, Counter())[y] += 1
    print(f"val hashes with more than one topic: {sum(1 for c in lab_v.values() if len(c) > 1)} of {len(lab_v)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("stage", choices=("data", "base", "knn", "report"))
    ap.add_argument("--heads", default="lr:30,svc:0.3,finesvc:0.3,cnb:0.3")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    exp2.CACHE = out / "docs"
    exp2.CACHE.mkdir(parents=True, exist_ok=True)
    d = load(out)
    heads = args.heads.split(",")
    if args.stage == "base":
        run_base(d, heads, out)
    elif args.stage == "knn":
        run_knn(d, out)
    elif args.stage == "report":
        report(d, out, heads)


if __name__ == "__main__":
    main()
