"""A fitted scikit-learn random forest as plain arrays, and its probabilities from them with NumPy alone. Pure.

    arrays = forest_arrays(RandomForestClassifier(...).fit(X, y))     # dict of int/float arrays: .npz-safe
    forest_proba(arrays, X)                                           # == the forest's predict_proba(X)

The trees are stored end to end (`offset` of each tree's first node); a leaf has `left == -1`. Saving arrays, not a
pickle, keeps the artifact loadable with allow_pickle=False (NOTES.md: skops is slow, pickles are unsafe).
"""
from __future__ import annotations

import numpy as np

KEYS = ("offset", "left", "right", "feature", "threshold", "value")


def forest_arrays(forest) -> dict[str, np.ndarray]:
    lefts, rights, feats, thresholds, values, offsets = [], [], [], [], [], []
    start = 0
    for est in forest.estimators_:
        t = est.tree_
        offsets.append(start)
        leaf = t.children_left < 0
        lefts.append(np.where(leaf, -1, t.children_left + start))
        rights.append(np.where(leaf, -1, t.children_right + start))
        feats.append(np.where(leaf, 0, t.feature))
        thresholds.append(t.threshold)
        v = t.value[:, 0, :]
        values.append(v / np.maximum(v.sum(axis=1, keepdims=True), 1e-12))     # class shares in each leaf
        start += t.node_count
    return {"offset": np.array(offsets, dtype=np.int64), "left": np.concatenate(lefts).astype(np.int64),
            "right": np.concatenate(rights).astype(np.int64), "feature": np.concatenate(feats).astype(np.int64),
            "threshold": np.concatenate(thresholds).astype(np.float64), "value": np.concatenate(values)}


def forest_proba(a: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Mean over the trees of the class shares in the leaf each row falls into (rows of x: samples)."""
    x = np.asarray(x, dtype=np.float64)
    rows = np.arange(len(x))
    total = np.zeros((len(x), a["value"].shape[1]))
    for start in a["offset"]:
        node = np.full(len(x), start, dtype=np.int64)
        inner = a["left"][node] >= 0
        while inner.any():
            go_left = x[rows, a["feature"][node]] <= a["threshold"][node]
            nxt = np.where(go_left, a["left"][node], a["right"][node])
            node = np.where(inner, nxt, node)
            inner = a["left"][node] >= 0
        total += a["value"][node]
    return total / len(a["offset"])
