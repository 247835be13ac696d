"""Issue 14, ninth round: navec's pretrained word vectors (natasha's wheel) as a dense block of the seed sentiment.

    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments9_seed.py [--configs SPEC;SPEC...] [--save F.npz]
        [--confusion] [--speed]
    python bench/classifier_experiments9_seed.py --bootstrap A,B --save F.npz     # paired bootstrap on dev/val/rnd

Same rows, splits and head as bench/classifier_experiments7.py (round seven's harness: the public seed the model
reads, the shipped SEED_RECIPES["sentiment"] TF-IDF blocks fitted once; dev = `sentiment_dev`, val = the training
side's last 3,000, rnd = 3,000 random-post training-side rows; the held-out tail is never scored here). Each config
adds one dense block: the pooled navec vectors of a post's words or lemmas, L2-normalised, times a weight. A
config is `name=key:value,...` with round seven's keys (C, cw, topic, ch, vk, off: «dev» = offsets chosen on dev)
and: field (words | lemmas), pool (mean | max | meanmax | sif: mean weighted a / (a + p(word)) by navec's own
counts | idf: mean weighted by the seed's word idf), center (1: the seed rows' mean pooled vector subtracted, L2
again), w (block weight; 0 = no block), alone (1: the navec block only,
no TF-IDF), head (lr | mlp). --speed times the block on stream-dev's posts. Only counts are printed, never texts.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tarfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import confusion_matrix, f1_score  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_classifiers import DATA, split_tail  # noqa: E402
from bench_seed_only import VALIDATION_ROWS, split_sentiment_dev  # noqa: E402
from classifier_experiments7 import CLASSES, best_offsets, macro, random_rows, seed_rows, weights  # noqa: E402

from classifiers.features import Featurizer  # noqa: E402
from classifiers.train import SEED_RECIPES  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)


class Navec:
    """navec's vocabulary (word -> id, counts) and its product-quantised vectors, read from natasha's tar."""

    def __init__(self):
        from natasha.data import NEWS_EMBEDDING

        with tarfile.open(NEWS_EMBEDDING) as tar:
            raw = gzip.decompress(tar.extractfile("vocab.bin").read())
            pq = tar.extractfile("pq.bin").read()
        size = int(np.frombuffer(raw[:4], np.uint32)[0])
        self.counts = np.frombuffer(raw[4 : 4 + 4 * size], np.uint32).astype(np.float64)
        words = raw[4 + 4 * size :].decode("utf-8").split("\n")
        self.ids = {w: i for i, w in enumerate(words)}
        vectors, dim, qdim, centroids = (int(n) for n in np.frombuffer(pq[:16], np.uint32))
        self.indexes = np.frombuffer(pq[16 : 16 + vectors * qdim], np.uint8).reshape(vectors, qdim)
        self.codes = np.frombuffer(pq[16 + vectors * qdim :], np.float32).reshape(qdim, centroids, dim // qdim)
        self.dim, self.qdim = dim, qdim
        self.p = self.counts / self.counts.sum()

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        idx = self.indexes[ids]  # (n, qdim)
        return self.codes[np.arange(self.qdim)[None, :], idx].reshape(len(ids), self.dim)


def pooled(nv: Navec, fields: list[str], pool: str, idf: dict | None = None, a: float = 1e-3) -> np.ndarray:
    out = np.zeros((len(fields), nv.dim * (2 if pool == "meanmax" else 1)), np.float32)
    for r, doc in enumerate(fields):
        ids = [i for i in map(nv.ids.get, doc.split()) if i is not None]
        if not ids:
            continue
        v = nv.vectors(np.array(ids))
        if pool == "mean":
            x = v.mean(0)
        elif pool == "max":
            x = v.max(0)
        elif pool == "meanmax":
            m, mx = v.mean(0), v.max(0)
            x = np.concatenate([m / (np.linalg.norm(m) or 1), mx / (np.linalg.norm(mx) or 1)])
        elif pool == "sif":
            wts = a / (a + nv.p[ids])
            x = (v * wts[:, None]).sum(0) / wts.sum()
        elif pool == "idf":
            toks = [t for t in doc.split() if t in nv.ids]
            wts = np.array([idf.get(t, idf[None]) for t in toks])
            x = (v * wts[:, None]).sum(0) / wts.sum()
        n = np.linalg.norm(x)
        out[r] = x / n if n else x
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", default="main=")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--confusion", action="store_true")
    ap.add_argument("--bootstrap")
    ap.add_argument("--speed", action="store_true")
    args = ap.parse_args()
    if args.bootstrap:
        from classifier_experiments4 import paired_bootstrap

        z = np.load(args.save)
        for pair in args.bootstrap.split(";"):
            a, b = pair.split(",")
            for split in ("dev", "val", "rnd"):
                tmp = args.save.with_suffix(f".{split}.tmp.npz")
                np.savez(tmp, truth=z[f"{split}_truth"], a=z[f"{split}_{a}"], b=z[f"{split}_{b}"])
                print(b, "vs", a, split, paired_bootstrap(tmp, "a", "b"), flush=True)
                tmp.unlink()
        return
    t0 = time.perf_counter()
    nv = Navec()
    print(f"navec loaded {time.perf_counter() - t0:.1f}s, {len(nv.ids)} words", flush=True)
    if args.speed:
        posts = []
        for f in sorted(Path("/work/shared/datasets/stream-dev").rglob("*.jsonl")):
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    d = json.loads(line)
                    if isinstance(d, dict) and isinstance(d.get("text"), str):
                        posts.append(d["text"])
        docs = to_docs(posts)
        for field in ("words", "lemmas"):
            for pool in ("mean", "meanmax", "sif"):
                t0 = time.perf_counter()
                pooled(nv, [getattr(d, field) for d in docs], pool)
                dt = time.perf_counter() - t0
                print(
                    f"speed {field} {pool}: {len(docs)} posts in {dt:.2f}s = {len(docs) / dt:.0f} posts/s", flush=True
                )
        return
    recipe = SEED_RECIPES["sentiment"]
    texts, labels, origin = seed_rows([])
    docs = to_docs(texts)
    featurizer = Featurizer(recipe["parts"]).fit(docs)
    X = featurizer.transform(docs)
    dev = split_sentiment_dev()
    train, _, _ = split_tail(DATA / "rusentiment/train.csv", "text", "label", set(CLASSES))
    val = train[-VALIDATION_ROWS:]
    rnd = random_rows()
    sdocs = {"seed": docs, **{n: to_docs([t for t, _ in r]) for n, r in (("dev", dev), ("val", val), ("rnd", rnd))}}
    sets = {
        n: (featurizer.transform(sdocs[n]), np.array([lab for _, lab in r]))
        for n, r in (("dev", dev), ("val", val), ("rnd", rnd))
    }
    # idf of the seed's words / lemmas (for pool «idf»), unseen words: the largest idf
    idfs = {}
    for field in ("words", "lemmas"):
        df: dict = {}
        for d in docs:
            for t in set(getattr(d, field).split()):
                df[t] = df.get(t, 0) + 1
        n = len(docs)
        idfs[field] = {t: np.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}
        idfs[field][None] = np.log(1 + n) + 1
        cover = np.mean([t in nv.ids for d in sdocs["dev"] for t in getattr(d, field).split()])
        print(f"navec covers {cover:.3f} of dev's {field} tokens", flush=True)
    cache: dict = {}

    def block(name: str, field: str, pool: str, center: int = 0) -> np.ndarray:
        key = (name, field, pool, center)
        if key not in cache:
            if center:  # minus the seed rows' mean vector (the direction every post shares), L2 again
                b = block(name, field, pool) - block("seed", field, pool).mean(0)
                cache[key] = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-9)
            else:
                cache[key] = pooled(nv, [getattr(d, field) for d in sdocs[name]], pool, idfs[field])
        return cache[key]

    print(
        f"rows {len(texts)}; dev {len(dev)}, val {len(val)}, rnd {len(rnd)}; features {featurizer.n_features}",
        flush=True,
    )
    saved = {f"{s}_truth": ys for s, (_, ys) in sets.items()}
    y = np.array(labels)
    for spec in args.configs.split(";"):
        name, _, body = spec.partition("=")
        cfg = {
            "C": 4.0,
            "cw": "none",
            "topic": 0.1,
            "ch": "1/3/3",
            "vk": 1.0,
            "extra": 1.0,
            "off": "0/-0.5",
            "field": "words",
            "pool": "mean",
            "w": 0.0,
            "alone": 0,
            "head": "lr",
            "center": 0,
        }
        for kv in filter(None, body.split(",")):
            k, v = kv.split(":")
            cfg[k] = v
        t0 = time.perf_counter()
        w = float(cfg["w"])

        def feats(n, base, w=w, cfg=cfg):
            if not w:
                return base
            dense = sp.csr_matrix(block(n, cfg["field"], cfg["pool"], int(cfg["center"])) * np.float32(w))
            return dense if int(cfg["alone"]) else sp.hstack([base, dense], format="csr")

        Xtr = feats("seed", X)
        sw = weights(cfg, labels, origin)
        if cfg["head"] == "mlp":
            from sklearn.neural_network import MLPClassifier

            model = MLPClassifier(
                hidden_layer_sizes=(int(cfg.get("h", 64)),),
                alpha=float(cfg.get("alpha", 1e-3)),
                max_iter=300,
                random_state=0,
                early_stopping=False,
            )
            rep = np.repeat(np.arange(len(y)), np.maximum(1, np.round(sw * 2).astype(int)))  # weights by repetition
            model.fit(Xtr.toarray()[rep], y[rep])
            scores = {s: np.log(model.predict_proba(feats(s, Xs).toarray()) + 1e-9) for s, (Xs, _) in sets.items()}
        else:
            model = LogisticRegression(
                C=float(cfg["C"]),
                class_weight=None if cfg["cw"] == "none" else cfg["cw"],
                max_iter=3000,
                solver="newton-cg",
                random_state=0,
            )
            model.fit(Xtr, y, sample_weight=sw)
            scores = {s: model.decision_function(feats(s, Xs)) for s, (Xs, _) in sets.items()}
        classes = list(model.classes_)
        off = (
            best_offsets(scores["dev"], sets["dev"][1], classes)
            if cfg["off"] == "dev"
            else tuple(map(float, cfg["off"].split("/")))
        )
        out = {}
        for s, (_, ys) in sets.items():
            sc = scores[s].copy()
            sc[:, classes.index("negative")] += off[0]
            sc[:, classes.index("positive")] += off[1]
            pred = np.array(classes)[sc.argmax(1)]
            out[s] = macro(ys, pred)
            saved[f"{s}_{name}"] = pred
            if args.confusion:
                cm = confusion_matrix(ys, pred, labels=CLASSES)
                per = f1_score(ys, pred, labels=CLASSES, average=None)
                print(
                    f"  {name} {s} confusion (rows truth neg/neu/pos): {cm.tolist()} "
                    f"F1 {[round(float(f), 4) for f in per]}",
                    flush=True,
                )
        print(
            f"{name} {cfg}: dev {out['dev']} val {out['val']} rnd {out['rnd']} offsets {off} "
            f"({time.perf_counter() - t0:.0f}s)",
            flush=True,
        )
        if args.save:
            old = dict(np.load(args.save)) if args.save.exists() else {}
            np.savez(args.save, **{**old, **saved})


if __name__ == "__main__":
    main()
