"""Issue 14, seventh round: the public seed sentiment re-tuned once detection has its own complaint head.

    OPENBLAS_NUM_THREADS=1 python bench/classifier_experiments7.py [--extra F.jsonl ...] [--configs SPEC;SPEC...]
        [--save F.npz] [--confusion]
    python bench/classifier_experiments7.py --bootstrap A,B --save F.npz      # paired bootstrap on dev and val

Rows: the seed the public model reads (classifiers/seed/*.jsonl + classifiers/seed/sentiment/), each tagged by
origin: «topic» (complaints and formal appeals: a topic other than «other»), «chatter» (the shared files' chatter
rows), «vk» (classifiers/seed/sentiment/), the --extra file's stem (candidate rows, topic null; key «extra» or the stem: a factor on ch). A config is
`name=key:value,...` with keys C, cw (class_weight «balanced» or none), topic (weight of complaint rows),
ch (chatter weights neg/neu/pos, e.g. 1/3/3), vk, extra (factors on ch for those rows), off (per-class offsets added to the
decision function, neg/pos; «dev»: chosen on dev by grid, neutral kept 0). Scored on `sentiment_dev` (RuSentiment's
pre-selected rows before the tail) and validation (the training side's last 3,000 rows), as bench_seed_only.py
splits them; the held-out tail is never scored here. The TF-IDF blocks are fitted once per row set (rows with
weight 0 still shape the vocabulary: the shipped candidate is re-measured with bench_seed_only.py's own path).
Only counts are printed, never texts.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
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

from bench_classifiers import DATA, RANDOM_POSTS, rows, split_tail, tail_cut  # noqa: E402
from bench_seed_only import VALIDATION_ROWS, split_sentiment_dev  # noqa: E402

from classifiers.dataset import text_key  # noqa: E402
from classifiers.features import Featurizer  # noqa: E402
from classifiers.seed import load_seed  # noqa: E402
from classifiers.train import SEED_RECIPES  # noqa: E402
from core.taxonomy import load_topics  # noqa: E402
from pipeline.training import to_docs  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)
CLASSES = ["negative", "neutral", "positive"]
OFFSETS = np.round(np.arange(-1.5, 1.51, 0.25), 2)


def macro(y, p) -> float:
    return round(float(f1_score(y, p, average="macro")), 4)


def seed_rows(extra: list[Path]) -> tuple[list[str], list[str], list[str]]:
    """(texts, labels, origins) of the public model's seed plus the extra files' rows (a text already read is
    skipped, as load_seed does)."""
    rows = load_seed(tuple(load_topics()), sentiment_only=True)
    shared = {r.text for r in load_seed(tuple(load_topics()))}
    texts, labels, origin = [], [], []
    for r in rows:
        texts.append(r.text)
        labels.append(r.sentiment)
        origin.append("vk" if r.text not in shared else ("chatter" if r.chatter else "topic"))
    seen = set(texts)
    for f in extra:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                t = d["text"].strip()
                if t and t not in seen and d["sentiment"] in CLASSES:
                    seen.add(t)
                    texts.append(t)
                    labels.append(d["sentiment"])
                    origin.append(f.stem)
    return texts, labels, origin


def random_rows() -> list[tuple[str, str]]:
    """A check apart from dev and val (which share 2,632 of dev's 2,639 texts): the last 3,000 rows of RuSentiment's
    random-post part before that part's own held-out 15 % (bench_classifiers.split_sentiment_random_part): training
    side for every bench, random VK posts rather than posts pre-selected for sentiment words."""
    three = [(r["text"], r["label"]) for i, r in enumerate(rows(DATA / "rusentiment/train.csv"))
             if i < RANDOM_POSTS and r["label"] in set(CLASSES) and r["text"].strip()]
    head, _ = tail_cut(three)
    return head[-VALIDATION_ROWS:]


def parse(spec: str) -> tuple[str, dict]:
    name, _, body = spec.partition("=")
    cfg = {"C": 2.0, "cw": "none", "topic": 1.0, "ch": "1/3/3", "vk": 1.0, "extra": 1.0, "off": "0/0"}
    for kv in filter(None, body.split(",")):
        k, v = kv.split(":")
        cfg[k] = v
    return name, cfg


def weights(cfg: dict, labels: list[str], origin: list[str]) -> np.ndarray:
    ch = dict(zip(CLASSES, map(float, str(cfg["ch"]).split("/")), strict=True))
    out = []
    for lab, o in zip(labels, origin, strict=True):
        if o == "topic":
            out.append(float(cfg["topic"]))
        elif o == "chatter":
            out.append(ch[lab])
        else:               # topic-null rows are chatter to the shipped recipe: ch, times the vk / extra factor
            out.append(ch[lab] * float(cfg["vk"] if o == "vk" else cfg.get(o, cfg["extra"])))
    return np.array(out)


def best_offsets(scores: np.ndarray, y: np.ndarray, classes: list[str]) -> tuple[float, float]:
    neg, pos = classes.index("negative"), classes.index("positive")
    best, arg = -1.0, (0.0, 0.0)
    for a in OFFSETS:
        for b in OFFSETS:
            s = scores.copy()
            s[:, neg] += a
            s[:, pos] += b
            f = macro(y, np.array(classes)[s.argmax(1)])
            if f > best + 1e-9:
                best, arg = f, (float(a), float(b))
    return arg


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extra", type=Path, nargs="*", default=[])
    ap.add_argument("--configs", default="main=")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--confusion", action="store_true")
    ap.add_argument("--bootstrap")
    args = ap.parse_args()
    if args.bootstrap:
        from classifier_experiments4 import paired_bootstrap
        a, b = args.bootstrap.split(",")
        for split in ("dev", "val", "rnd"):
            z = np.load(args.save)
            tmp = args.save.with_suffix(f".{split}.npz")
            np.savez(tmp, truth=z[f"{split}_truth"], a=z[f"{split}_{a}"], b=z[f"{split}_{b}"])
            print(split, paired_bootstrap(tmp, "a", "b"))
            tmp.unlink()
        return
    recipe = SEED_RECIPES["sentiment"]
    texts, labels, origin = seed_rows(args.extra)
    counts = {o: origin.count(o) for o in dict.fromkeys(origin)}
    t0 = time.perf_counter()
    docs = to_docs(texts)
    featurizer = Featurizer(recipe["parts"]).fit(docs)
    X = featurizer.transform(docs)
    dev = split_sentiment_dev()
    train, _, _ = split_tail(DATA / "rusentiment/train.csv", "text", "label", set(CLASSES))
    val = train[-VALIDATION_ROWS:]
    both = len({text_key(t) for t, _ in dev} & {text_key(t) for t, _ in val})
    rnd = random_rows()
    sets = {name: (featurizer.transform(to_docs([t for t, _ in r])), np.array([lab for _, lab in r]))
            for name, r in (("dev", dev), ("val", val), ("rnd", rnd))}
    print(f"rows {counts}; dev {len(dev)}, val {len(val)} ({both} texts in both), rnd {len(rnd)}; "
          f"features {featurizer.n_features} ({time.perf_counter() - t0:.0f}s)", flush=True)
    saved = {f"{s}_truth": ys for s, (_, ys) in sets.items()}
    y = np.array(labels)
    for spec in args.configs.split(";"):
        name, cfg = parse(spec)
        t0 = time.perf_counter()
        model = LogisticRegression(C=float(cfg["C"]), class_weight=None if cfg["cw"] == "none" else cfg["cw"],
                                   max_iter=3000, solver="newton-cg", random_state=0)
        model.fit(X, y, sample_weight=weights(cfg, labels, origin))
        classes = list(model.classes_)
        scores = {s: model.decision_function(Xs) for s, (Xs, _) in sets.items()}
        off = best_offsets(scores["dev"], sets["dev"][1], classes) if cfg["off"] == "dev" else \
            tuple(map(float, cfg["off"].split("/")))
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
                print(f"  {name} {s} confusion (rows truth neg/neu/pos, columns predicted): {cm.tolist()} "
                      f"F1 {[round(float(f), 4) for f in per]}", flush=True)
        print(f"{name} {cfg}: dev {out['dev']} val {out['val']} rnd {out['rnd']} offsets {off} "
              f"({time.perf_counter() - t0:.0f}s)", flush=True)
    if args.save:
        old = dict(np.load(args.save)) if args.save.exists() else {}
        np.savez(args.save, **{**old, **saved})


if __name__ == "__main__":
    main()
