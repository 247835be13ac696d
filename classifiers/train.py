"""Deterministic training of the three heads over one shared featurizer."""
from __future__ import annotations

import logging

from sklearn.linear_model import LogisticRegression

from classifiers.features import Featurizer
from classifiers.models import Head, Models
from classifiers.seed import SeedRow

log = logging.getLogger(__name__)

HEAD_PARAMS = {
    "topics": dict(C=20.0, max_iter=2000, class_weight="balanced"),
    "sentiment": dict(C=5.0, max_iter=2000, class_weight="balanced"),
    "toxicity": dict(C=5.0, max_iter=2000, class_weight="balanced"),
}


def fit_head(X, labels: list[str], task: str, random_state: int = 0) -> Head:
    estimator = LogisticRegression(**HEAD_PARAMS[task], random_state=random_state)
    return Head.from_estimator(estimator.fit(X, labels))


def train_seed_models(rows: list[SeedRow], docs: list[str], version: str) -> Models:
    """rows[i] is labelled, docs[i] is its lemma string; the same input always gives the same models."""
    featurizer = Featurizer().fit(docs)
    X = featurizer.transform(docs)
    heads = {
        "topics": fit_head(X, [r.topic for r in rows], "topics"),
        "sentiment": fit_head(X, [r.sentiment for r in rows], "sentiment"),
        "toxicity": fit_head(X, [str(r.toxic) for r in rows], "toxicity"),
    }
    log.info("trained %s on %d seed posts, %d features", version, len(rows), featurizer.n_features)
    return Models(version=version, featurizer=featurizer, heads=heads)
