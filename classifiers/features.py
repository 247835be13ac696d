"""Shared text features: TF-IDF over lemma words (1-2 grams) and lemma characters (2-5 grams, within words).

Documents are lemma strings ("нет вода в лычково"), so the same features serve every model and are computed
once per post. scikit-learn fits the vocabularies and idf; at run time a small re-implementation of the same
transform (checked against scikit-learn in the tests) keeps scikit-learn, SciPy's stats and pandas out of the
worker's memory (~160 MB) and the artifacts free of pickle.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

WORD_PARAMS = dict(analyzer="word", ngram_range=(1, 2), min_df=1, max_features=None)
CHAR_PARAMS = dict(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=60_000)


def word_ngrams(doc: str, lo: int, hi: int) -> list[str]:
    tokens = doc.split()
    out = list(tokens) if lo == 1 else []
    for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
        out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


def char_wb_ngrams(doc: str, lo: int, hi: int) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space, exactly as scikit-learn's char_wb."""
    out = []
    for w in doc.split():
        w = f" {w} "
        for n in range(lo, hi + 1):
            if len(w) <= n:
                out.append(w)
                break
            out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


@dataclass(frozen=True)
class Vectorizer:
    """term -> column, idf per column; sublinear tf, idf weighting, L2 norm (TfidfVectorizer's transform)."""

    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray

    def analyze(self, doc: str) -> list[str]:
        lo, hi = self.ngram_range
        return char_wb_ngrams(doc, lo, hi) if self.analyzer == "char_wb" else word_ngrams(doc, lo, hi)

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        vocab, idf = self.vocabulary, self.idf
        indptr, indices, data = [0], [], []
        for doc in docs:
            counts: dict[int, int] = {}
            for term in self.analyze(doc):
                j = vocab.get(term)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            weights = [(j, (1.0 + math.log(c)) * idf[j]) for j, c in sorted(counts.items())]
            norm = math.sqrt(sum(w * w for _, w in weights)) or 1.0
            indices.extend(j for j, _ in weights)
            data.extend(w / norm for _, w in weights)
            indptr.append(len(indices))
        return sp.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                              np.asarray(indptr, dtype=np.int64)), shape=(len(docs), len(vocab)))


def fit_vectorizer(docs: list[str], params: dict) -> Vectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer   # training only

    pattern = {"token_pattern": r"[^ ]+"} if params["analyzer"] == "word" else {"token_pattern": None}
    fitted = TfidfVectorizer(analyzer=params["analyzer"], **pattern, lowercase=False,
                             ngram_range=tuple(params["ngram_range"]), min_df=params["min_df"],
                             max_features=params["max_features"], sublinear_tf=True).fit(docs)
    return Vectorizer(params["analyzer"], tuple(params["ngram_range"]), dict(fitted.vocabulary_),
                      fitted.idf_.astype(np.float64))


class Featurizer:
    """fit(docs) -> self; transform(docs) -> sparse matrix; to_state()/from_state() for artifacts."""

    def __init__(self, word_params: dict | None = None, char_params: dict | None = None):
        self.word_params = dict(word_params or WORD_PARAMS)
        self.char_params = dict(char_params or CHAR_PARAMS)

    def fit(self, docs: list[str]) -> "Featurizer":
        self.word_ = fit_vectorizer(docs, self.word_params)
        self.char_ = fit_vectorizer(docs, self.char_params)
        return self

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        return sp.hstack([self.word_.transform(docs), self.char_.transform(docs)], format="csr")

    @property
    def n_features(self) -> int:
        return len(self.word_.vocabulary) + len(self.char_.vocabulary)

    def to_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        meta = {"word_params": {**self.word_params, "ngram_range": list(self.word_params["ngram_range"])},
                "char_params": {**self.char_params, "ngram_range": list(self.char_params["ngram_range"])},
                "word_vocab": _terms(self.word_), "char_vocab": _terms(self.char_)}
        return meta, {"word_idf": self.word_.idf, "char_idf": self.char_.idf}

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> "Featurizer":
        self = cls(meta["word_params"], meta["char_params"])
        for name, params in (("word", self.word_params), ("char", self.char_params)):
            terms = meta[f"{name}_vocab"]
            idf = np.asarray(arrays[f"{name}_idf"], dtype=np.float64)
            if len(terms) != len(idf):
                raise ValueError(f"{name}: {len(terms)} terms but {len(idf)} idf values")
            setattr(self, f"{name}_", Vectorizer(params["analyzer"], tuple(params["ngram_range"]),
                                                 {t: i for i, t in enumerate(terms)}, idf))
        return self


def _terms(v: Vectorizer) -> list[str]:
    terms = [""] * len(v.vocabulary)
    for term, i in v.vocabulary.items():
        terms[i] = term
    return terms
