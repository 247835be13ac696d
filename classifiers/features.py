"""Shared text features: TF-IDF over lemma words (1-2 grams) and lemma characters (2-5 grams, within words).

Documents are lemma strings ("нет вода в лычково"), so the same features serve every model and are computed
once per post. scikit-learn fits the vocabularies and idf; at run time a small re-implementation of the same
transform (checked against scikit-learn in the tests) keeps scikit-learn, SciPy's stats and pandas out of the
worker's memory (~160 MB) and the artifacts free of pickle.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

WORD_PARAMS = dict(analyzer="word", ngram_range=(1, 2), min_df=1, max_features=None)
CHAR_PARAMS = dict(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=60_000)
CACHE_WORDS = 200_000


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
    """term -> column, idf per column; sublinear tf, idf weighting, L2 norm (TfidfVectorizer's transform).

    char_wb n-grams never cross a word, so a word's columns are computed once and cached: posts repeat words.
    """

    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray
    _word_cache: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def analyze(self, doc: str) -> list[str]:
        lo, hi = self.ngram_range
        return char_wb_ngrams(doc, lo, hi) if self.analyzer == "char_wb" else word_ngrams(doc, lo, hi)

    def _columns(self, doc: str) -> list[int]:
        vocab = self.vocabulary
        if self.analyzer != "char_wb":
            return [j for j in map(vocab.get, self.analyze(doc)) if j is not None]
        cache, lo, hi = self._word_cache, self.ngram_range[0], self.ngram_range[1]
        if len(cache) > CACHE_WORDS:
            cache.clear()
        out: list[int] = []
        for word in doc.split():
            cols = cache.get(word)
            if cols is None:
                cols = cache[word] = tuple(j for j in map(vocab.get, char_wb_ngrams(word, lo, hi)) if j is not None)
            out.extend(cols)
        return out

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        """Counts for the whole batch at once in NumPy; Python only gathers each document's columns."""
        rows: list[int] = []
        cols: list[int] = []
        for i, doc in enumerate(docs):
            found = self._columns(doc)
            cols.extend(found)
            rows.extend([i] * len(found))
        shape = (len(docs), len(self.vocabulary))
        X = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), (np.asarray(rows, dtype=np.int64),
                           np.asarray(cols, dtype=np.int64))), shape=shape)
        X.sum_duplicates()
        X.data = (1.0 + np.log(X.data)) * self.idf[X.indices].astype(np.float32)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        X.data /= np.repeat(norms, np.diff(X.indptr)).astype(np.float32)
        return X


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
                                                 {t: i for i, t in enumerate(terms)}, idf.astype(np.float64)))
        return self


def _terms(v: Vectorizer) -> list[str]:
    terms = [""] * len(v.vocabulary)
    for term, i in v.vocabulary.items():
        terms[i] = term
    return terms
