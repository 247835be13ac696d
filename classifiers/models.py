"""Linear heads over the shared features, and the bundle the enrichment stage calls.

A head is plain arrays (classes, coefficients, intercepts) so it is saved and loaded without pickle;
its probabilities equal scikit-learn's LogisticRegression.predict_proba (softmax, or a sigmoid for two
classes).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from classifiers.features import Featurizer

TASKS = ("topics", "sentiment", "toxicity")


@dataclass(frozen=True)
class Head:
    classes: tuple[str, ...]
    coef: np.ndarray          # (n_classes or 1, n_features), float32
    intercept: np.ndarray     # (n_classes or 1,)

    @classmethod
    def from_estimator(cls, estimator) -> "Head":
        """From a fitted scikit-learn LogisticRegression."""
        return cls(tuple(str(c) for c in estimator.classes_), estimator.coef_.astype(np.float32),
                   estimator.intercept_.astype(np.float32))

    def proba(self, X: sp.csr_matrix) -> np.ndarray:
        z = np.asarray(X @ self.coef.T) + self.intercept
        if len(self.classes) == 2:
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p1, p1])
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class Scores:
    topics: tuple[tuple[str, float], ...]     # every topic, best first
    sentiment: tuple[tuple[str, float], ...]  # negative / neutral / positive with probabilities
    toxic: float                              # probability of toxic


@dataclass(frozen=True)
class Models:
    version: str
    featurizer: Featurizer
    heads: dict[str, Head]    # task -> head

    def score(self, docs: list[str]) -> list[Scores]:
        """Scores for many lemma documents at once (batching is what makes this fast)."""
        if not docs:
            return []
        X = self.featurizer.transform(docs)
        topics = self.heads["topics"].proba(X)
        sentiment = self.heads["sentiment"].proba(X)
        toxic = self.heads["toxicity"].proba(X)
        toxic_col = self.heads["toxicity"].classes.index("1")
        t_names, s_names = self.heads["topics"].classes, self.heads["sentiment"].classes
        out = []
        for i in range(len(docs)):
            order = np.argsort(-topics[i])
            out.append(Scores(topics=tuple((t_names[j], float(topics[i, j])) for j in order),
                              sentiment=tuple((s_names[j], float(sentiment[i, j])) for j in range(len(s_names))),
                              toxic=float(toxic[i, toxic_col])))
        return out
