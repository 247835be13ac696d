"""Shared text features: TF-IDF over lemma words (1-2 grams) and lemma characters (2-5 grams).

Documents are lemma strings ("нет вода в лычково"), so the same features serve every model and are
computed once per post. The fitted state is plain arrays (vocabularies, idf) so artifacts load without
pickle.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

WORD_PARAMS = dict(analyzer="word", token_pattern=r"[^ ]+", lowercase=False, ngram_range=(1, 2), min_df=1,
                   sublinear_tf=True, dtype=np.float32)
CHAR_PARAMS = dict(analyzer="char_wb", lowercase=False, ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                   max_features=60_000, dtype=np.float32)


def _with_ngram_tuple(params: dict) -> dict:
    return {**params, "ngram_range": tuple(params["ngram_range"])}


class Featurizer:
    """fit(docs) -> self; transform(docs) -> sparse matrix; to_state()/from_state() for artifacts."""

    def __init__(self, word_params: dict | None = None, char_params: dict | None = None):
        self.word_params = dict(word_params or WORD_PARAMS)
        self.char_params = dict(char_params or CHAR_PARAMS)

    def fit(self, docs: list[str]) -> "Featurizer":
        self.word_ = TfidfVectorizer(**self.word_params).fit(docs)
        self.char_ = TfidfVectorizer(**self.char_params).fit(docs)
        return self

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        return sp.hstack([self.word_.transform(docs), self.char_.transform(docs)], format="csr")

    @property
    def n_features(self) -> int:
        return len(self.word_.vocabulary_) + len(self.char_.vocabulary_)

    def to_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        meta = {"word_params": _jsonable(self.word_params), "char_params": _jsonable(self.char_params),
                "word_vocab": _vocab_list(self.word_), "char_vocab": _vocab_list(self.char_)}
        return meta, {"word_idf": self.word_.idf_.astype(np.float64), "char_idf": self.char_.idf_.astype(np.float64)}

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> "Featurizer":
        self = cls(_restore(meta["word_params"]), _restore(meta["char_params"]))
        self.word_ = _rebuild(self.word_params, meta["word_vocab"], arrays["word_idf"])
        self.char_ = _rebuild(self.char_params, meta["char_vocab"], arrays["char_idf"])
        return self


def _vocab_list(vectorizer: TfidfVectorizer) -> list[str]:
    terms = [""] * len(vectorizer.vocabulary_)
    for term, i in vectorizer.vocabulary_.items():
        terms[i] = term
    return terms


def _rebuild(params: dict, terms: list[str], idf: np.ndarray) -> TfidfVectorizer:
    params = {k: v for k, v in params.items() if k not in ("max_features", "min_df")}
    vectorizer = TfidfVectorizer(**params, vocabulary={t: i for i, t in enumerate(terms)})
    vectorizer._validate_vocabulary()
    vectorizer.idf_ = idf
    return vectorizer


def _jsonable(params: dict) -> dict:
    out = dict(params)
    out["dtype"] = np.dtype(out.get("dtype", np.float64)).name
    out["ngram_range"] = list(out["ngram_range"])
    return out


def _restore(params: dict) -> dict:
    out = _with_ngram_tuple(params)
    out["dtype"] = np.dtype(out["dtype"]).type
    return out
