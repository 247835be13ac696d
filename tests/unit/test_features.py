"""Our run-time TF-IDF transform equals scikit-learn's; a head's probabilities equal LogisticRegression's."""
from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from classifiers.features import Doc, Featurizer, char_wb_ngrams, squeeze_runs, word_ngrams
from classifiers.models import Head

LEMMAS = ["нет вода в лычково", "опять отключить свет 😡", "продать дрова береза", "вода", "я",
          "яма на дорога httplink", "нет свет нет вода", "красивый закат над полисть"]
DOCS = [Doc(lemmas, lemmas) for lemmas in LEMMAS]
LABELS = ["water", "power", "other", "water", "other", "roads", "power", "other"]
PARTS = [{"field": "lemmas", "analyzer": "word", "ngram_range": (1, 2), "min_df": 1},
         {"field": "words", "analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 1}]


def test_char_wb_ngrams_match_scikit_learn():
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).build_analyzer()
    for doc in LEMMAS:
        assert char_wb_ngrams(doc, 2, 5) == analyzer(doc)


def test_word_ngrams_match_scikit_learn():
    analyzer = TfidfVectorizer(token_pattern=r"[^ ]+", ngram_range=(1, 2), lowercase=False).build_analyzer()
    for doc in LEMMAS:
        assert word_ngrams(doc, 1, 2) == analyzer(doc)


def test_transform_matches_scikit_learn():
    ours = Featurizer(PARTS).fit(DOCS)
    word = TfidfVectorizer(token_pattern=r"[^ ]+", ngram_range=(1, 2), lowercase=False, sublinear_tf=True).fit(LEMMAS)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False, sublinear_tf=True).fit(LEMMAS)
    probe = LEMMAS + ["вода вода вода нет", "неизвестный слово", ""]
    expected = np.hstack([word.transform(probe).toarray(), char.transform(probe).toarray()])
    np.testing.assert_allclose(ours.transform([Doc(p, p) for p in probe]).toarray(), expected, rtol=1e-5, atol=1e-7)


def test_state_round_trip_gives_the_same_features():
    ours = Featurizer(PARTS).fit(DOCS)
    again = Featurizer.from_state(*ours.to_state())
    assert (ours.transform(DOCS) != again.transform(DOCS)).nnz == 0


def test_identical_vectorizers_of_two_models_are_held_once():
    """The complaint head and a sentiment model (or toxicity) fitted on the same rows load one vocabulary, not two."""
    a, b = Featurizer(PARTS).fit(DOCS), Featurizer(PARTS).fit(DOCS)
    other = Featurizer(PARTS).fit(DOCS[:5])
    shared: dict = {}
    first, second, third = (Featurizer.from_state(*f.to_state(), shared) for f in (a, b, other))
    assert [v is w for v, w in zip(first.vectorizers_, second.vectorizers_, strict=True)] == [True, True]
    assert not any(v is w for v, w in zip(first.vectorizers_, third.vectorizers_, strict=True))
    assert sum(isinstance(k, tuple) for k in shared) == 4 and (second.transform(DOCS) != b.transform(DOCS)).nnz == 0


def test_overlapping_vocabularies_of_two_models_hold_each_term_and_column_number_once():
    """Models fitted on different rows share most terms (the seed models: 336k terms, 105k distinct): loaded
    together, a common term is one string object and a column number one int object, the features unchanged."""
    a, b = Featurizer(PARTS).fit(DOCS), Featurizer(PARTS).fit(DOCS[2:])
    shared: dict = {}
    first, second = (Featurizer.from_state(*f.to_state(), shared) for f in (a, b))
    alone = Featurizer.from_state(*b.to_state())
    for v, w, x in zip(first.vectorizers_, second.vectorizers_, alone.vectorizers_, strict=True):
        assert v is not w and w.vocabulary == x.vocabulary and list(w.vocabulary) == list(x.vocabulary)
        terms = {t: t for t in v.vocabulary}
        common = [t for t in w.vocabulary if t in terms]
        assert len(common) > 10 and all(t is terms[t] for t in common)
    assert (second.transform(DOCS) != alone.transform(DOCS)).nnz == 0
    assert (second.transform(DOCS) != b.transform(DOCS)).nnz == 0
    many = [Doc(f"w{i} x{i}", "") for i in range(400)]          # column numbers past CPython's cached small ints
    word = [{"field": "lemmas", "analyzer": "word", "ngram_range": (1, 1), "min_df": 1}]
    c, d = Featurizer(word).fit(many), Featurizer(word).fit(many[100:])
    third, fourth = (Featurizer.from_state(*f.to_state(), shared) for f in (c, d))
    columns = {j: j for j in third.vectorizers_[0].vocabulary.values()}
    assert sum(j > 256 and j is columns[j] for j in fourth.vectorizers_[0].vocabulary.values()) == 600 - 257
    assert (fourth.transform(many) != d.transform(many)).nnz == 0


def test_head_probabilities_equal_logistic_regression():
    X = Featurizer(PARTS).fit(DOCS).transform(DOCS)
    for labels in (LABELS, ["1" if label == "water" else "0" for label in LABELS]):
        lr = LogisticRegression(max_iter=1000).fit(X, labels)
        np.testing.assert_allclose(Head.from_estimator(lr).proba(X), lr.predict_proba(X), atol=1e-5)


def test_a_squeezing_part_reads_exclamation_runs_cut_to_two():
    texts = ["ну сколько можно!!!!!", "ура)))))) дождались", "ну сколько можно!!", "ура)) дождались", "тишина..."]
    docs = [Doc(t, t, t) for t in texts]
    part = {"field": "text", "analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 1, "squeeze": True}
    ours = Featurizer([part]).fit(docs)
    assert "!!!" not in ours.vectorizers_[0].vocabulary and ")))" in ours.vectorizers_[0].vocabulary
    again = Featurizer.from_state(*ours.to_state())
    X = again.transform([Doc("", "", "ну сколько можно!!!!!!!!"), Doc("", "", "ну сколько можно!!")]).toarray()
    np.testing.assert_allclose(X[0], X[1])
    assert squeeze_runs("нет!!!!! воды???? ...") == "нет!! воды???? ..." and squeeze_runs("ок!") == "ок!"


def test_shared_blocks_keep_squeezed_and_plain_apart():
    """Fitted on text with no runs, both vectorizers are equal; the blocks they give a shouted post are not."""
    fit_on = [Doc("", "", t) for t in ("да!!", "нет!", "ну")]
    plain = {"field": "text", "analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 1}
    a, b = Featurizer([plain]).fit(fit_on), Featurizer([{**plain, "squeeze": True}]).fit(fit_on)
    shouted, memo = [Doc("", "", "да!!!!!")], {}
    a.transform(shouted, memo)
    np.testing.assert_allclose(b.transform(shouted, memo).toarray(), b.transform(shouted).toarray())
    assert (a.transform(shouted) != b.transform(shouted)).nnz
