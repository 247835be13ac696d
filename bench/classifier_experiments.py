"""Classifier recipes vs the plain TF-IDF + LogisticRegression baseline, on held-out real data.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/classifier_experiments.py [--tasks topics,sentiment,toxicity]
        [--out bench/results/classifier_experiments.md]

Data is read from ../shared/datasets (never copied). Splits (deterministic):
  topics     spb-appeals: texts >= 40 chars; test = latest calendar month by created_dt; train = the rest minus
             rows whose text_norm_hash occurs in test.
  sentiment  rusentiment, labels positive/neutral/negative; test = last 15 % of rows in file order; train = the
             rest minus exact duplicates of test texts.
  toxicity   toxic: the same rule as sentiment.
Selection is honest: every configuration is also scored on a validation split cut from train by the same rule
(topics: train's latest month, hash-deduplicated; others: train's last 15 % of rows, text-deduplicated), and the
"best" recipe per task is the one with the best validation macro-F1. Test macro-F1 is reported for every row.

Features come from pipeline.text: lemma strings " ".join(text.lemmatize(t)) and normalized raw text
text.normalize(t).lower(). Lemmatized texts are cached in /tmp/dozor_clf_cache (safe to delete).
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.pipeline import FeatureUnion  # noqa: E402
from sklearn.preprocessing import normalize as l2_normalize  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import text  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets"
CACHE = Path("/tmp/dozor_clf_cache")
ROW_CACHE = CACHE / "rows_TASK.json"
TASKS = ("topics", "sentiment", "toxicity")
warnings.filterwarnings("ignore", category=ConvergenceWarning)


# ----------------------------------------------------------------------------------------------------------- data

def _tail_split(df: pd.DataFrame, text_col: str, frac: float = 0.15) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Last `frac` of rows (file order) as test; train minus exact duplicates of test texts."""
    n_test = int(round(len(df) * frac))
    tr, te = df.iloc[:-n_test], df.iloc[-n_test:]
    tr = tr[~tr[text_col].isin(set(te[text_col]))]
    return tr, te


def _month_split(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    month = df["created_dt"].str[:7]
    last = month.max()
    te, tr = df[month == last], df[month != last]
    tr = tr[~tr["text_norm_hash"].isin(set(te["text_norm_hash"]))]
    return tr, te


def load_task(task: str) -> dict:
    """{'train': (texts, labels), 'test': ..., 'in_train': ..., 'val': ...}; in_train/val are cut from train."""
    if task == "topics":
        df = pd.read_csv(DATA / "spb-appeals/train.csv", dtype=str)
        df = df[df["text"].fillna("").str.len() >= 40].reset_index(drop=True)
        split, tcol, lcol = _month_split, "text", "topic"
    elif task == "sentiment":
        df = pd.read_csv(DATA / "rusentiment/train.csv", dtype=str)
        df = df[df["label"].isin(["positive", "neutral", "negative"])].reset_index(drop=True)
        df["text"] = df["text"].fillna("")
        split, tcol, lcol = (lambda d: _tail_split(d, "text")), "text", "label"
    elif task == "toxicity":
        df = pd.read_csv(DATA / "toxic/train.csv", dtype=str)
        df["comment"] = df["comment"].fillna("")
        df["toxic"] = df["toxic"].astype(float).astype(int).astype(str)
        split, tcol, lcol = (lambda d: _tail_split(d, "comment")), "comment", "toxic"
    else:
        raise ValueError(task)
    tr, te = split(df)
    itr, val = split(tr.reset_index(drop=True))
    pack = lambda d: (d[tcol].tolist(), np.asarray(d[lcol].tolist()))  # noqa: E731
    return {"train": pack(tr), "test": pack(te), "in_train": pack(itr), "val": pack(val)}


# ------------------------------------------------------------------------------------------------ text processing

def _cache_file(name: str, texts: list[str]) -> Path:
    h = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    return CACHE / f"{name}_{h}.pkl"


def lemma_docs(texts: list[str]) -> list[str]:
    """" ".join(text.lemmatize(t)) for each text, cached on disk by the content of the whole list."""
    f = _cache_file("lemmas", texts)
    if f.exists():
        return pickle.loads(f.read_bytes())
    out = [" ".join(text.lemmatize(t)) for t in texts]
    CACHE.mkdir(parents=True, exist_ok=True)
    f.write_bytes(pickle.dumps(out))
    return out


def raw_docs(texts: list[str]) -> list[str]:
    return [text.normalize(t).lower() for t in texts]


class Docs:
    """One split's texts in the three forms features use: original, lemma string, normalized lowercase raw."""

    def __init__(self, texts: list[str]):
        self.orig = texts
        self.lemma = lemma_docs(texts)
        self.raw = raw_docs(texts)
        self.words = [" ".join(w.lower() for w in text.words(t)) for t in texts]

    def __len__(self):
        return len(self.orig)


# --------------------------------------------------------------------------------------------------------- features

def tfidf(analyzer: str, ngram: tuple[int, int], min_df: int = 1, max_features: int | None = None,
          sublinear: bool = True) -> TfidfVectorizer:
    """Over pre-lowercased, space-separated docs (the product's classifiers/features.py conventions)."""
    extra = {"token_pattern": r"[^ ]+"} if analyzer == "word" else {}
    return TfidfVectorizer(analyzer=analyzer, ngram_range=ngram, min_df=min_df, max_features=max_features,
                           sublinear_tf=sublinear, lowercase=False, dtype=np.float32, **extra)


_NAVEC = None


def navec_model():
    global _NAVEC
    if _NAVEC is None:
        import natasha
        from navec import Navec
        folder = Path(natasha.__file__).parent / "data" / "emb"
        _NAVEC = Navec.load(str(sorted(folder.glob("navec_*.tar"))[0]))
    return _NAVEC


class NavecMean:
    """Mean of navec vectors of the tokens found in navec's vocabulary, L2-normalized, times `weight`."""

    def __init__(self, source: str, weight: float):
        self.source, self.weight = source, weight

    def fit(self, docs: Docs):
        nv = navec_model()
        terms = sorted({w for d in getattr(docs, self.source) for w in d.split() if w in nv.vocab})
        self.cv_ = CountVectorizer(token_pattern=r"[^ ]+", lowercase=False, vocabulary=terms)
        self.emb_ = np.stack([nv[w] for w in terms]).astype(np.float32)
        return self

    def transform(self, docs: Docs):
        nv = navec_model()
        C = self.cv_.transform(getattr(docs, self.source))
        # vectors for test-time words unseen in training are looked up too: navec is fixed, not fitted
        X = C @ self.emb_
        extra = [[w for w in d.split() if w in nv.vocab and w not in self.cv_.vocabulary_]
                 for d in getattr(docs, self.source)]
        for i, ws in enumerate(extra):
            for w in ws:
                X[i] += nv[w]
        X = l2_normalize(X) * self.weight
        return sp.csr_matrix(X.astype(np.float32))

    @property
    def n_features(self):
        return self.emb_.shape[1]


# Small hand-written lexicons: prefixes of lowercased words (normalized raw text, ё -> е).
LEXICONS = {
    "neg": ("плох", "ужас", "отврат", "кошмар", "беси", "ненави", "груст", "печал", "жаль", "обид", "злит", "злой",
            "позор", "хуже", "худш", "разочар", "бред", "мерзк", "гадк", "жалк", "стыд", "слез", "умер", "смерт",
            "боль", "болит", "скучн", "тоск", "страшн", "боюсь", "убит", "погиб", "проблем", "беда", "увы", "трагед",
            "катастроф", "безобраз", "возмут", "сволоч", "достал", "надоел", "устал", "депресс", "одиноч", "плак"),
    "pos": ("хорош", "отличн", "прекрасн", "замечат", "любл", "любим", "любов", "спасиб", "благодар", "радост",
            "рада", "рад", "счаст", "поздравл", "класс", "супер", "круто", "крут", "молодц", "красив", "милы",
            "милая", "нрав", "восхит", "чудесн", "ура", "улыб", "добр", "удач", "приятн", "лучш", "обожа",
            "великолеп", "ура", "праздник", "прикольн", "кайф", "умниц", "красот", "мечт", "поздрав", "желаю"),
    "obscene": ("хуй", "хуе", "хуя", "хуи", "хер", "пизд", "ебан", "ебат", "ебал", "ебу", "еба", "ебн", "уеб",
                "заеб", "бля", "сука", "суки", "сучк", "мудак", "мудил", "пидор", "пидар", "педик", "гандон",
                "долбо", "дебил", "идиот", "дурак", "дура", "урод", "тупой", "тупая", "тупые", "чмо", "мраз",
                "твар", "говн", "жоп", "срат", "шлюх", "хохл", "хохол", "чурк", "жид", "нигер", "даун", "петух",
                "быдл", "ватн", "либераст", "скот", "дегенерат", "ублюд", "выблядк", "шизик", "кретин", "лох"),
}
SMILE_POS = re.compile(r"\){1,}|:-?\)|:d\b|😊|😀|😁|😂|😃|😄|😍|❤|♥|👍|🙂|😘|🤣|😉")
SMILE_NEG = re.compile(r"\({1,}|:-?\(|😢|😭|😡|😠|👎|🙁|😞|😔|💔")


class Lexicon:
    """log1p(count of words starting with a lexicon prefix) per lexicon, plus emoticon counts; times `weight`."""

    def __init__(self, weight: float):
        self.weight = weight
        self.names = list(LEXICONS) + ["smile_pos", "smile_neg"]

    def fit(self, docs: Docs):
        return self

    def transform(self, docs: Docs):
        rows = []
        for d in docs.raw:
            ws = d.split()
            feats = [sum(1 for w in ws if w.startswith(LEXICONS[k])) for k in LEXICONS]
            feats += [len(SMILE_POS.findall(d)), len(SMILE_NEG.findall(d))]
            rows.append(feats)
        X = np.log1p(np.asarray(rows, dtype=np.float32)) * self.weight
        return sp.csr_matrix(X)

    @property
    def n_features(self):
        return len(self.names)


class Features:
    """Named blocks, each (source, transformer); fit on train Docs, transform any Docs; blocks are hstacked."""

    def __init__(self, blocks: list[tuple[str, object]]):
        self.blocks = blocks

    def fit_transform(self, docs: Docs):
        mats = []
        for src, tr in self.blocks:
            if src in ("navec", "lex"):
                mats.append(tr.fit(docs).transform(docs))
            else:
                mats.append(tr.fit_transform(getattr(docs, src)))
        X = sp.hstack(mats, format="csr", dtype=np.float32)
        self.n_features = X.shape[1]
        return X

    def transform(self, docs: Docs):
        mats = [tr.transform(docs) if src in ("navec", "lex") else tr.transform(getattr(docs, src))
                for src, tr in self.blocks]
        return sp.hstack(mats, format="csr", dtype=np.float32)


# Feature sets. "orig": the original text, "lemma": lemma string, "raw": text.normalize(t).lower(),
# "words": lowercased text.words() tokens.
def baseline_features() -> Features:
    union = FeatureUnion([("w", TfidfVectorizer()), ("c", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)))])
    return Features([("orig", union)])


def _with(base, *extra):
    return lambda: Features(base().blocks + [e() for e in extra])


def _capped(base, n: int):
    def make():
        fs = base()
        for _, tr in fs.blocks:
            if isinstance(tr, TfidfVectorizer):
                tr.set_params(max_features=n)
        return fs
    return make


FEATURE_SETS = {
    "baseline": baseline_features,
    # idea 1: lemmas
    "lem w12+c25": lambda: Features([("lemma", tfidf("word", (1, 2))), ("lemma", tfidf("char_wb", (2, 5)))]),
    "lem w12+c25 md2": lambda: Features([("lemma", tfidf("word", (1, 2), min_df=2)),
                                         ("lemma", tfidf("char_wb", (2, 5), min_df=2))]),
    # the product's current Featurizer (classifiers/features.py WORD_PARAMS / CHAR_PARAMS)
    "lem product (c25 md2 60k)": lambda: Features([("lemma", tfidf("word", (1, 2))),
                                                   ("lemma", tfidf("char_wb", (2, 5), min_df=2,
                                                                   max_features=60_000))]),
    # idea 2: + char_wb over normalized raw lowercase text
    "lem w12+c25 + raw c25": lambda: Features([("lemma", tfidf("word", (1, 2))),
                                               ("lemma", tfidf("char_wb", (2, 5))),
                                               ("raw", tfidf("char_wb", (2, 5)))]),
    "lem w12+c25 + raw c25 md2": lambda: Features([("lemma", tfidf("word", (1, 2), min_df=2)),
                                                   ("lemma", tfidf("char_wb", (2, 5), min_df=2)),
                                                   ("raw", tfidf("char_wb", (2, 5), min_df=2))]),
    "lem w12 + raw c15 md2": lambda: Features([("lemma", tfidf("word", (1, 2), min_df=2)),
                                               ("raw", tfidf("char_wb", (1, 5), min_df=2))]),
    "lem w12 + raw c25 md2": lambda: Features([("lemma", tfidf("word", (1, 2), min_df=2)),
                                               ("raw", tfidf("char_wb", (2, 5), min_df=2))]),
    # words instead of lemmas for the word block (text.words lowercased: keeps emoji, drops punctuation)
    "words w12 + raw c25 md2": lambda: Features([("words", tfidf("word", (1, 2), min_df=2)),
                                                 ("raw", tfidf("char_wb", (2, 5), min_df=2))]),
    "lem w12 + raw c26 md2": lambda: Features([("lemma", tfidf("word", (1, 2), min_df=2)),
                                               ("raw", tfidf("char_wb", (2, 6), min_df=2))]),
}


# ------------------------------------------------------------------------------------------------------ classifiers

class NBLinear:
    """NB-weighted linear model (Wang & Manning 2012, "NBSVM"), one-vs-rest.

    Per class c: r_c = log((p_c / |p_c|) / (q_c / |q_c|)) with p_c, q_c = 1 + column sums of the binarized features
    over rows in / not in c; a binary LR or LinearSVC is fit on X * r_c. The result is still linear: the effective
    weights are r_c * w_c (coef_ below), so a product head needs one (n_classes x n_features) matrix plus
    intercepts; scores are per-class sigmoids (OvR), not a softmax. Two classes: one model for the second class.
    """

    def __init__(self, kind: str, C: float, class_weight=None):
        self.kind, self.C, self.class_weight = kind, C, class_weight

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        targets = self.classes_[1:] if len(self.classes_) == 2 else self.classes_
        B = X.copy()
        B.data[:] = 1.0
        coefs, inters = [], []
        for c in targets:
            pos = np.asarray(y == c)
            p = np.asarray(B[pos].sum(axis=0)).ravel() + 1.0
            q = np.asarray(B[~pos].sum(axis=0)).ravel() + 1.0
            r = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
            m = (LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000, random_state=0)
                 if self.kind == "lr" else LinearSVC(C=self.C, class_weight=self.class_weight, random_state=0))
            m.fit(X @ sp.diags(r), pos)
            coefs.append(m.coef_.ravel() * r)
            inters.append(m.intercept_[0])
        self.coef_, self.intercept_ = np.vstack(coefs).astype(np.float32), np.asarray(inters, dtype=np.float32)
        return self

    def decision_function(self, X):
        z = np.asarray(X @ self.coef_.T) + self.intercept_
        return z[:, 0] if len(self.classes_) == 2 else z

    def predict(self, X):
        z = self.decision_function(X)
        return self.classes_[(z > 0).astype(int)] if z.ndim == 1 else self.classes_[np.argmax(z, axis=1)]

    def predict_proba(self, X):
        if self.kind != "lr":
            raise AttributeError("predict_proba: LR only")
        z = self.decision_function(X)
        if z.ndim == 1:
            p1 = 1.0 / (1.0 + np.exp(-z))
            return np.column_stack([1.0 - p1, p1])
        P = 1.0 / (1.0 + np.exp(-z))
        return P / P.sum(axis=1, keepdims=True)


def make_clf(spec: str):
    """'lr:C:cw', 'svc:C:cw', 'sgd:alpha:cw', 'nblr:C:cw', 'nbsvc:C:cw' with cw in {none, bal}."""
    kind, p, cw = spec.split(":")
    cw = None if cw == "none" else "balanced"
    if kind in ("nblr", "nbsvc"):
        return NBLinear(kind[2:], float(p), cw)
    if kind == "lr":
        return LogisticRegression(C=float(p), class_weight=cw, max_iter=1000, random_state=0)
    if kind == "svc":
        return LinearSVC(C=float(p), class_weight=cw, random_state=0)
    if kind == "sgd":
        return SGDClassifier(loss="modified_huber", alpha=float(p), class_weight=cw, max_iter=50, tol=1e-4,
                             random_state=0)
    raise ValueError(spec)


CLF_GRID = ([f"lr:{c}:{w}" for c in (1, 4, 10, 30) for w in ("none", "bal")]
            + [f"svc:{c}:{w}" for c in (0.1, 0.3, 1) for w in ("none", "bal")]
            + [f"sgd:{a}:{w}" for a in ("1e-5", "3e-5", "1e-4") for w in ("none", "bal")])
NB_GRID = ([f"nblr:{c}:{w}" for c in (1, 4, 10) for w in ("none", "bal")]
           + [f"nbsvc:{c}:{w}" for c in (0.1, 0.3) for w in ("none", "bal")])


def macro_f1(y, p) -> float:
    return float(f1_score(y, p, average="macro"))


# ---------------------------------------------------------------------------------------------------- experiments

class Runner:
    def __init__(self, task: str):
        self.task = task
        d = load_task(task)
        self.y = {k: v[1] for k, v in d.items()}
        t0 = time.time()
        self.docs = {k: Docs(v[0]) for k, v in d.items()}
        self.sizes = {k: len(v[0]) for k, v in d.items()}
        self.label_counts = {k: pd.Series(v[1]).value_counts().to_dict() for k, v in d.items()}
        log(f"[{task}] sizes {self.sizes}; text processing {time.time() - t0:.0f}s")
        self.matrices: dict[str, dict] = {}
        self.rows: list[dict] = []
        # finished (features, classifier) results survive a restart; --fresh deletes them
        self.row_cache = ROW_CACHE.with_name(f"rows_{task}.json")
        self.done = json.loads(self.row_cache.read_text()) if self.row_cache.exists() else {}

    def features(self, fs_name: str, make=None) -> dict:
        """Fit the feature set on in_train (-> val) and on train (-> test); cached per name."""
        if fs_name not in self.matrices:
            make = make or FEATURE_SETS[fs_name]
            out = {}
            for fit_on, apply_to in (("in_train", "val"), ("train", "test")):
                t0 = time.time()
                fs = make()
                X = fs.fit_transform(self.docs[fit_on])
                out[fit_on], out[apply_to] = X, fs.transform(self.docs[apply_to])
                out[f"{fit_on}_fs"], out[f"{fit_on}_sec"] = fs, time.time() - t0
            out["n_features"] = out["train_fs"].n_features
            self.matrices[fs_name] = out
        return self.matrices[fs_name]

    def run(self, stage: str, fs_name: str, clf: str, make=None) -> dict:
        key = f"{fs_name} | {clf}"
        if key in self.done:
            res = {**self.done[key], "stage": stage}
            self.rows.append(res)
            log(f"[{self.task}] {stage:10s} {fs_name:34s} {clf:14s} val {res['val_f1']:.4f} "
                f"test {res['test_f1']:.4f}  (cached)")
            return res
        M = self.features(fs_name, make)
        res = {"task": self.task, "stage": stage, "features": fs_name, "clf": clf, "n_features": M["n_features"]}
        for fit_on, apply_to in (("in_train", "val"), ("train", "test")):
            t0 = time.time()
            model = make_clf(clf).fit(M[fit_on], self.y[fit_on])
            res[f"{apply_to}_f1"] = macro_f1(self.y[apply_to], model.predict(M[apply_to]))
            res[f"{apply_to}_fit_sec"] = round(time.time() - t0, 1)
        res["fit_sec"] = res["test_fit_sec"]
        self.rows.append(res)
        self.done[key] = res
        self.row_cache.write_text(json.dumps(self.done, indent=0))
        log(f"[{self.task}] {stage:10s} {fs_name:34s} {clf:14s} val {res['val_f1']:.4f} test {res['test_f1']:.4f}"
            f"  ({M['n_features']} feats, fit {res['fit_sec']}s)")
        return res

    def drop(self, fs_name: str):
        self.matrices.pop(fs_name, None)


def best(rows: list[dict]) -> dict:
    return max(rows, key=lambda r: (round(r["val_f1"], 4), -r["n_features"]))


def run_task(task: str) -> dict:
    R = Runner(task)
    base = R.run("baseline", "baseline", "lr:1:none")
    R.drop("baseline")

    # A. feature sets, with two LR settings (default C and a stronger fit)
    feat_rows = []
    for fs in list(FEATURE_SETS)[1:]:
        for clf in ("lr:1:none", "lr:10:bal"):
            feat_rows.append(R.run("A-features", fs, clf))
    best_fs = best(feat_rows)["features"]
    for fs in list(R.matrices):
        if fs != best_fs:
            R.drop(fs)

    # B. classifiers on the best feature set
    clf_rows = [R.run("B-clf", best_fs, c) for c in CLF_GRID]
    best_clf = best([r for r in clf_rows if r["clf"].startswith(("lr", "svc", "sgd"))])["clf"]
    best_lr = best([r for r in clf_rows if r["clf"].startswith("lr")])["clf"]

    # C. add-ons: navec mean vectors and lexicons on top of the best features
    addon_rows = []
    for fs_name, make in addon_makers(best_fs).items():
        for clf in dict.fromkeys((best_clf, best_lr)):
            addon_rows.append(R.run("C-addons", fs_name, clf, make))
        R.drop(fs_name)

    # D. smaller models: cap every TF-IDF block of the best feature set at max_features
    cap_rows = []
    for fs_name, make in cap_makers(best_fs).items():
        for clf in dict.fromkeys((best_clf, best_lr)):
            cap_rows.append(R.run("D-size", fs_name, clf, make))
        R.drop(fs_name)

    # E. NB-weighted linear models (NBSVM / NB-LR, one-vs-rest) on the best feature set
    nb_rows = [R.run("E-nb", best_fs, c) for c in NB_GRID]

    all_rows = feat_rows + clf_rows + addon_rows + cap_rows + nb_rows
    res = {"task": task, "sizes": R.sizes, "labels": R.label_counts, "rows": R.rows, "baseline": base,
           "best_features": best_fs, "best_clf": best_clf, "winner": best(all_rows),
           # the best probabilistic (LR) recipe, which the product's Head format supports directly
           "winner_lr": best([r for r in all_rows if r["clf"].startswith("lr")])}
    res["speed"] = speeds(R, res)
    return res


def addon_makers(best_fs: str) -> dict:
    base = FEATURE_SETS[best_fs]
    out = {}
    for src in ("lemma", "words"):
        for w in (0.5, 1.0, 2.0):
            out[f"{best_fs} +navec({src},w={w})"] = _with(base, lambda s=src, w=w: ("navec", NavecMean(s, w)))
    for w in (0.5, 1.0, 2.0):
        out[f"{best_fs} +lex(w={w})"] = _with(base, lambda w=w: ("lex", Lexicon(w)))
    return out


def cap_makers(best_fs: str) -> dict:
    return {f"{best_fs} [max_features={n // 1000}k/block]": _capped(FEATURE_SETS[best_fs], n)
            for n in (50_000, 150_000)}


def speeds(R: Runner, res: dict) -> dict:
    makers = {**FEATURE_SETS, **addon_makers(res["best_features"]), **cap_makers(res["best_features"])}
    out = {"best": measure_speed(R, makers[res["winner"]["features"]], res["winner"]["clf"])}
    wl = res["winner_lr"]
    same = (wl["features"], wl["clf"]) == (res["winner"]["features"], res["winner"]["clf"])
    out["best_lr"] = out["best"] if same else measure_speed(R, makers[wl["features"]], wl["clf"])
    out["baseline"] = measure_speed(R, FEATURE_SETS["baseline"], "lr:1:none")
    out["lemmatize_docs_per_s"] = lemmatize_speed(R.docs["test"].orig)
    return out


def measure_speed(R: Runner, make, clf: str) -> dict:
    """Fit on train; then time transform + predict_proba (or decision_function) over the whole test set, 1 core.

    Input is the texts already in the forms the features read (lemma string etc.): lemmatization is shared by
    every head and timed separately."""
    fs = make()
    X = fs.fit_transform(R.docs["train"])
    model = make_clf(clf).fit(X, R.y["train"])
    docs = R.docs["test"]
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        Xt = fs.transform(docs)
        probabilistic = hasattr(model, "predict_proba") and getattr(model, "kind", "lr") == "lr"
        (model.predict_proba if probabilistic else model.decision_function)(Xt)
        times.append(time.perf_counter() - t0)
    n_cls = model.coef_.shape[0]
    return {"docs_per_s": round(len(docs) / min(times)), "n_features": int(X.shape[1]), "coef_rows": int(n_cls),
            "coef_size": int(X.shape[1] * n_cls), "nnz_coef": int(np.count_nonzero(model.coef_))}


def lemmatize_speed(texts: list[str]) -> int:
    text.lemma.cache_clear()
    text._best_parse.cache_clear()
    t0 = time.perf_counter()
    for t in texts:
        text.lemmatize(t)
    return round(len(texts) / (time.perf_counter() - t0))


# ---------------------------------------------------------------------------------------------------------- report

def log(msg: str):
    print(msg, flush=True)


def report(results: dict[str, dict]) -> str:
    out = ["# Classifier experiments: recipes vs the plain TF-IDF + LR baseline", "",
           "Generated by `bench/classifier_experiments.py` (deterministic, random_state=0, one BLAS thread). "
           "Metric: macro-F1. `val` = validation split cut from train by the same rule as test (used to choose); "
           "`test` = the held-out split (reported). Feature sources: `raw` = text.normalize(t).lower(), "
           "`lem` = ' '.join(text.lemmatize(t)), `words` = lowercased text.words(t). All our TF-IDF blocks use "
           "sublinear_tf, token_pattern `[^ ]+`, default max_df; `md2` = min_df=2 (else min_df=1); no max_features "
           "unless stated. Classifiers: `lr:C:cw` LogisticRegression(max_iter=1000), `svc:C:cw` LinearSVC, "
           "`sgd:alpha:cw` SGDClassifier(modified_huber); cw `bal` = class_weight='balanced'.", ""]
    for task, res in results.items():
        w, wl, b, sp_ = res["winner"], res["winner_lr"], res["baseline"], res["speed"]
        out += [f"## {task}", "",
                f"Split sizes: {res['sizes']}. Test labels: {res['labels']['test']}.", "",
                f"* baseline: test **{b['test_f1']:.4f}** (val {b['val_f1']:.4f}), {b['n_features']} features, "
                f"{sp_['baseline']['docs_per_s']} docs/s",
                f"* best by val: `{w['features']}` + `{w['clf']}`: test **{w['test_f1']:.4f}** "
                f"(val {w['val_f1']:.4f}); {sp_['best']['n_features']} features x {sp_['best']['coef_rows']} "
                f"rows = {sp_['best']['coef_size']:,} weights; {sp_['best']['docs_per_s']} docs/s "
                f"(transform + predict on lemma/raw strings)",
                f"* best LogisticRegression (probabilities, fits the product's Head): `{wl['features']}` + "
                f"`{wl['clf']}`: test **{wl['test_f1']:.4f}** (val {wl['val_f1']:.4f}); "
                f"{sp_['best_lr']['coef_size']:,} weights; {sp_['best_lr']['docs_per_s']} docs/s",
                f"* lemmatization (text.lemmatize, cold cache): {sp_['lemmatize_docs_per_s']} docs/s", "",
                "| stage | features | classifier | #features | val F1 | test F1 | Δ test vs baseline | fit s |",
                "|---|---|---|---:|---:|---:|---:|---:|"]
        for r in res["rows"]:
            out.append(f"| {r['stage']} | {r['features']} | {r['clf']} | {r['n_features']:,} | {r['val_f1']:.4f} | "
                       f"{r['test_f1']:.4f} | {r['test_f1'] - b['test_f1']:+.4f} | {r['fit_sec']} |")
        out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--out", default=str(ROOT / "bench/results/classifier_experiments.md"))
    ap.add_argument("--report-only", action="store_true", help="rebuild the report from the cached results")
    ap.add_argument("--fresh", action="store_true", help="ignore finished results cached in /tmp")
    ap.add_argument("--speed-only", action="store_true", help="re-measure speed of the cached winners (idle machine)")
    args = ap.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        for f in CACHE.glob("rows_*.json"):
            f.unlink()
    if args.speed_only:
        for task in args.tasks.split(","):
            f = CACHE / f"results_{task}.json"
            res = json.loads(f.read_text())
            res["speed"] = speeds(Runner(task), res)
            log(f"[{task}] speed {res['speed']}")
            f.write_text(json.dumps(res, indent=1, default=str))
    elif not args.report_only:
        for task in args.tasks.split(","):
            res = run_task(task)
            (CACHE / f"results_{task}.json").write_text(json.dumps(res, indent=1, default=str))
    # the report covers every task with results (run tasks in separate processes, then --report-only)
    results = {t: json.loads((CACHE / f"results_{t}.json").read_text()) for t in TASKS
               if (CACHE / f"results_{t}.json").exists()}
    Path(args.out).write_text(report(results), encoding="utf-8")
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
