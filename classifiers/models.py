"""Task models (features + a linear head) and the bundle the enrichment stage calls.

A head is plain arrays (classes, coefficients, intercepts) so it is saved and loaded without pickle; its
probabilities equal scikit-learn's LogisticRegression.predict_proba (softmax, or a sigmoid for two classes).

    model.predict_proba(docs) -> (n_docs, n_classes)
    model.labels_above_thresholds(row) -> the topics a post is about (multi-label, per-topic thresholds)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from classifiers import TASKS
from classifiers.features import Doc, Featurizer


@dataclass(frozen=True)
class Head:
    classes: tuple[str, ...]
    coef: np.ndarray          # (n_classes or 1, n_features), float32
    intercept: np.ndarray     # (n_classes or 1,)

    @classmethod
    def from_estimator(cls, estimator) -> Head:
        """From a fitted scikit-learn LogisticRegression (or any linear model with coef_/intercept_)."""
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
class TaskModel:
    task: str
    version: str
    featurizer: Featurizer
    head: Head
    thresholds: dict[str, float] = field(default_factory=dict)   # per class; empty: argmax only

    @property
    def classes(self) -> tuple[str, ...]:
        return self.head.classes

    def predict_proba(self, docs: list[Doc], memo: dict | None = None) -> np.ndarray:
        return self.head.proba(self.featurizer.transform(docs, memo))

    def predict(self, docs: list[Doc]) -> list[str]:
        if not docs:
            return []
        return [self.classes[j] for j in self.predict_proba(docs).argmax(axis=1)]

    def labels_above_thresholds(self, row: np.ndarray) -> tuple[str, ...]:
        return tuple(c for c, p in zip(self.classes, row, strict=True) if p >= self.thresholds.get(c, 0.5))


@dataclass(frozen=True)
class Scores:
    topics: tuple[tuple[str, float], ...]     # every topic, best first
    sentiment: tuple[tuple[str, float], ...]  # negative / neutral / positive with probabilities (the public model)
    toxic: float                              # probability of toxic
    complaint: tuple[tuple[str, float], ...]  # the same classes from detection's complaint-mood head


@dataclass(frozen=True)
class Models:
    models: dict[str, TaskModel]    # task -> the current model

    @property
    def version(self) -> str:
        return "+".join(self.models[t].version for t in TASKS)

    def score(self, docs: list[Doc]) -> list[Scores]:
        """Scores for many documents at once (batching is what makes this fast)."""
        if not docs:
            return []
        topics_m, sentiment_m, toxicity_m, complaint_m = (self.models[t] for t in TASKS)
        # feature blocks shared by models fitted on the same rows with the same parameters: the complaint head costs
        # one more product when the sentiment model shares its recipe and rows, its own blocks when they differ
        memo: dict = {}
        topics, sentiment, toxic, complaint = (m.predict_proba(docs, memo)
                                               for m in (topics_m, sentiment_m, toxicity_m, complaint_m))
        toxic_col = toxicity_m.classes.index("1")
        t_names, s_names, c_names = topics_m.classes, sentiment_m.classes, complaint_m.classes
        out = []
        for i in range(len(docs)):
            order = np.argsort(-topics[i])
            out.append(Scores(topics=tuple((t_names[j], float(topics[i, j])) for j in order),
                              sentiment=tuple((s_names[j], float(sentiment[i, j])) for j in range(len(s_names))),
                              toxic=float(toxic[i, toxic_col]),
                              complaint=tuple((c_names[j], float(complaint[i, j])) for j in range(len(c_names)))))
        return out
