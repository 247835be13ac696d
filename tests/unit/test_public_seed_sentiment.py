"""The public seed sentiment model (issue 14, seventh round): tuned for VK chatter now that detection reads its own
complaint head. Complaint and appeal rows weigh topic_weight, the recipe's per-class offsets shift the head's
scores, and the everyday VK rows of classifiers/seed/sentiment/ reach this model alone."""
from __future__ import annotations

import numpy as np
import pytest

from classifiers.dataset import seed_examples
from classifiers.seed import load_seed, seed_files
from classifiers.train import SEED_RECIPES, fit_task_model, row_weights
from core.taxonomy import load_topics
from pipeline.training import to_docs

CODES = tuple(load_topics())


def test_complaint_rows_weigh_the_recipes_topic_weight_and_chatter_its_chatter_weight():
    recipe = {"chatter_weight": {"negative": 1.0, "neutral": 3.0, "positive": 3.0}, "topic_weight": 0.1}
    labels = ["negative", "neutral", "positive", "negative", "neutral"]
    chatter = [True, True, True, False, False]
    assert row_weights(recipe, labels, chatter).tolist() == pytest.approx([1.0, 3.0, 3.0, 0.1, 0.1])
    # the complaint head (detection) keeps weight 1 on complaints: it has no topic_weight
    assert "topic_weight" not in SEED_RECIPES["complaint"]
    assert row_weights(SEED_RECIPES["complaint"], labels, chatter).tolist() == [1.0, 3.0, 3.0, 1.0, 1.0]
    assert row_weights(SEED_RECIPES["sentiment"], labels, chatter).tolist() == pytest.approx([1.0, 3.0, 3.0, 0.1, 0.1])


def test_the_recipes_offsets_shift_the_named_class_score():
    texts = ["ужасно плохо", "отвратительно", "завтра собрание", "автобус в восемь", "отлично спасибо", "прекрасно"] * 3
    labels = ["negative", "negative", "neutral", "neutral", "positive", "positive"] * 3
    base = {"parts": [{"field": "lemmas", "analyzer": "word", "ngram_range": (1, 1), "min_df": 1,
                       "max_features": None}], "C": 1.0, "class_weight": None}
    docs = to_docs(texts)
    plain = fit_task_model("sentiment", docs, labels, "plain", base)
    shifted = fit_task_model("sentiment", docs, labels, "shifted", {**base, "offsets": {"positive": -0.5}})
    np.testing.assert_allclose(shifted.head.coef, plain.head.coef)
    delta = np.asarray(shifted.head.intercept) - np.asarray(plain.head.intercept)
    np.testing.assert_allclose(delta, [0.0 if c != "positive" else -0.5 for c in plain.classes], atol=1e-6)
    probe = to_docs(["отлично спасибо"])
    p = plain.classes.index("positive")
    assert shifted.predict_proba(probe)[0, p] < plain.predict_proba(probe)[0, p]


def test_the_everyday_vk_rows_train_the_public_model_only():
    names = [f.name for f in seed_files(sentiment_only=True)]
    assert "vk_everyday.jsonl" in names
    everyday = {r.text for r in load_seed(CODES, sentiment_only=True)} - {r.text for r in load_seed(CODES)}
    assert len(everyday) >= 450
    public = {e.text for e in seed_examples("sentiment", CODES)}
    complaint = {e.text for e in seed_examples("complaint", CODES)}
    assert everyday <= public and not everyday & complaint
