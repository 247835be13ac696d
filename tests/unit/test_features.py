"""Our run-time TF-IDF transform equals scikit-learn's; artifacts round-trip and refuse tampering."""
from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from classifiers.features import Featurizer, char_wb_ngrams, word_ngrams
from classifiers.models import Head, Models
from classifiers.registry import ArtifactError, load_models, save_models

DOCS = ["нет вода в лычково", "опять отключить свет 😡", "продать дрова береза", "вода", "я", "яма на дорога httplink",
        "нет свет нет вода", "красивый закат над полисть"]
LABELS = ["water", "power", "other", "water", "other", "roads", "power", "other"]


def test_char_wb_ngrams_match_scikit_learn():
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).build_analyzer()
    for doc in DOCS:
        assert char_wb_ngrams(doc, 2, 5) == analyzer(doc)


def test_word_ngrams_match_scikit_learn():
    analyzer = TfidfVectorizer(token_pattern=r"[^ ]+", ngram_range=(1, 2), lowercase=False).build_analyzer()
    for doc in DOCS:
        assert word_ngrams(doc, 1, 2) == analyzer(doc)


def test_transform_matches_scikit_learn():
    ours = Featurizer(char_params=dict(analyzer="char_wb", ngram_range=(2, 5), min_df=1, max_features=None)).fit(DOCS)
    word = TfidfVectorizer(token_pattern=r"[^ ]+", ngram_range=(1, 2), lowercase=False, sublinear_tf=True).fit(DOCS)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False, sublinear_tf=True).fit(DOCS)
    probe = DOCS + ["вода вода вода нет", "неизвестный слово"]
    np.testing.assert_allclose(ours.word_.transform(probe).toarray(), word.transform(probe).toarray(), rtol=1e-5)
    np.testing.assert_allclose(ours.char_.transform(probe).toarray(), char.transform(probe).toarray(), rtol=1e-5)


def test_head_probabilities_equal_logistic_regression():
    featurizer = Featurizer(char_params=dict(analyzer="char_wb", ngram_range=(2, 5), min_df=1, max_features=None))
    X = featurizer.fit(DOCS).transform(DOCS)
    for labels in (LABELS, ["1" if l == "water" else "0" for l in LABELS]):
        lr = LogisticRegression(max_iter=1000).fit(X, labels)
        np.testing.assert_allclose(Head.from_estimator(lr).proba(X), lr.predict_proba(X), atol=1e-5)


@pytest.fixture
def tiny_models():
    featurizer = Featurizer(char_params=dict(analyzer="char_wb", ngram_range=(2, 5), min_df=1, max_features=None))
    X = featurizer.fit(DOCS).transform(DOCS)
    heads = {"topics": Head.from_estimator(LogisticRegression().fit(X, LABELS)),
             "sentiment": Head.from_estimator(LogisticRegression().fit(X, ["negative", "negative", "neutral",
                                                                          "neutral", "neutral", "negative",
                                                                          "negative", "positive"])),
             "toxicity": Head.from_estimator(LogisticRegression().fit(X, ["0", "1", "0", "0", "0", "0", "1", "0"]))}
    return Models("test-1", featurizer, heads)


def test_artifact_round_trip(tiny_models, tmp_path):
    folder = save_models(tiny_models, tmp_path / "m", card={"rows": len(DOCS)})
    loaded = load_models(folder)
    assert loaded.version == "test-1"
    assert loaded.score(DOCS) == tiny_models.score(DOCS)


def test_a_tampered_artifact_is_refused(tiny_models, tmp_path):
    folder = save_models(tiny_models, tmp_path / "m", card={})
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    meta["heads"]["topics"][0] = "evil"
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ArtifactError, match="контрольная сумма"):
        load_models(folder)


def test_a_foreign_file_is_refused(tmp_path):
    (tmp_path / "manifest.json").write_text('{"format": "pickle"}', encoding="utf-8")
    with pytest.raises(ArtifactError, match="чужой формат"):
        load_models(tmp_path)
