"""Shared text features: TF-IDF over lemma words (1-2 grams) and lemma characters (2-5 grams, within words).

A model reads Docs: the post's lemma string ("нет вода в лычково") and its lowercased words; each TF-IDF block
reads one of them. scikit-learn fits the vocabularies and idf; at run time a small re-implementation of the same
transform (checked against scikit-learn in the tests) keeps scikit-learn, SciPy's stats and pandas out of the
worker's memory (~160 MB) and the artifacts free of pickle.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from classifiers.lexicon import N_FEATURES, LexiconBlock, load_lexicon
from classifiers.lexicon import NAME as LEXICON

WORD_PARAMS = dict(analyzer="word", ngram_range=(1, 2), min_df=1, max_features=None)
CHAR_PARAMS = dict(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=60_000)
CACHE_WORDS = 200_000
_SHOUT = re.compile(r"!{3,}")


def squeeze_runs(doc: str) -> str:
    """Runs of exclamation marks cut to two: «ну!!!!!» -> «ну!!». A part with "squeeze": true reads its field so: in
    the seed, long «!!!!» runs come mostly from happy posts, so their n-grams read shouting as joy (seed sentiment,
    dev: 50 of 116 negative posts with «!!» read positive; bench/results/classifier_experiments.md, fifth round).
    Cutting every punctuation run (also «)))))», «....») gained the same on dev and moved detection more."""
    return _SHOUT.sub("!!", doc)


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

    @property
    def fingerprint(self) -> tuple:
        """Equal for vectorizers with the same analysis, vocabulary and idf (cheap: sizes and sums)."""
        fp = self.__dict__.get("_fp")
        if fp is None:
            fp = (self.analyzer, tuple(self.ngram_range), len(self.vocabulary), float(self.idf.sum()),
                  hash(tuple(sorted(self.vocabulary.items())[:: max(1, len(self.vocabulary) // 64)])))
            object.__setattr__(self, "_fp", fp)
        return fp

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
        cols: list[int] = []
        indptr = [0]
        for doc in docs:
            cols.extend(self._columns(doc))
            indptr.append(len(cols))
        indices = np.fromiter(cols, dtype=np.int32, count=len(cols))
        X = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), indices, np.asarray(indptr, dtype=np.int64)),
                          shape=(len(docs), len(self.vocabulary)))
        X.sum_duplicates()
        X.data = (1.0 + np.log(X.data)) * self.idf[X.indices].astype(np.float32)
        lengths = np.diff(X.indptr)
        rows = np.repeat(np.arange(len(docs)), lengths)
        norms = np.sqrt(np.bincount(rows, weights=X.data.astype(np.float64) ** 2, minlength=len(docs)))
        X.data /= norms[rows].astype(np.float32)
        return X


def fit_vectorizer(docs: list[str], params: dict) -> Vectorizer:
    """Vocabulary and idf from scikit-learn's TfidfVectorizer (training only), as a run-time Vectorizer."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # training only

    pattern = {"token_pattern": r"[^ ]+"} if params["analyzer"] == "word" else {"token_pattern": None}
    fitted = TfidfVectorizer(analyzer=params["analyzer"], **pattern, lowercase=False,
                             ngram_range=tuple(params["ngram_range"]), min_df=params["min_df"],
                             max_features=params.get("max_features"), sublinear_tf=True).fit(docs)
    return Vectorizer(params["analyzer"], tuple(params["ngram_range"]), dict(fitted.vocabulary_),
                      fitted.idf_.astype(np.float64))


@dataclass(frozen=True, slots=True)
class Doc:
    """What a model reads: the post's lemmas and its lowercased words, each joined by single spaces, and its
    normalized lowercased text with punctuation and emoticons kept («ура))) !!!» carries sentiment)."""

    lemmas: str
    words: str
    text: str = ""
    raw: str = ""          # the post's text as written (what a sentence encoder reads); "" falls back to text


DEFAULT_PARTS = (
    {"field": "lemmas", **WORD_PARAMS},
    {"field": "lemmas", **CHAR_PARAMS},
)


class EncoderBlock:
    """A dense block: the sentence encoder's embedding of each Doc's raw text, times `weight` (the block's share
    beside the L2-normalised TF-IDF blocks). Nothing to fit; the weights come from the encoder's package."""

    def __init__(self, weight: float):
        self.weight = float(weight)

    @property
    def fingerprint(self) -> tuple:
        return ("encoder",)

    def embed(self, docs: list[Doc]) -> np.ndarray:
        from classifiers.encoder import shared
        return shared().encode([d.raw or d.text for d in docs])

    def block(self, embeddings: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix(embeddings * np.float32(self.weight))


def encoder_part(weight: float) -> dict:
    """A recipe part for the sentence encoder (classifiers/encoder.py), named with its installed version."""
    from classifiers.encoder import NAME, package_version
    return {"field": "raw", "encoder": NAME, "encoder_version": package_version(), "weight": weight}


def _memoized(memo: dict, key, compute):
    """memo[key], computed once: a block another model of the same batch already built is reused."""
    if key not in memo:
        memo[key] = compute()
    return memo[key]


class Featurizer:
    """Blocks side by side: TF-IDF over one Doc field each, and optionally the sentence encoder's embedding
    ({"encoder": ...} parts); fit(docs) -> self; transform(docs) -> sparse matrix; to_state()/from_state() for
    artifacts (plain lists and arrays)."""

    def __init__(self, parts: list[dict] | tuple[dict, ...] = DEFAULT_PARTS):
        self.parts = [dict(p, ngram_range=list(p["ngram_range"])) if "ngram_range" in p else dict(p) for p in parts]

    @property
    def uses_encoder(self) -> bool:
        return any("encoder" in p for p in self.parts)

    @staticmethod
    def _field(docs: list[Doc], part: dict) -> list[str]:
        values = [getattr(d, part["field"]) for d in docs]
        return [squeeze_runs(v) for v in values] if part.get("squeeze") else values

    def fit(self, docs: list[Doc]) -> Featurizer:
        self.vectorizers_ = [EncoderBlock(p["weight"]) if "encoder" in p else _lexicon_block(p) if "lexicon" in p else
                             fit_vectorizer(self._field(docs, p), p) for p in self.parts]
        return self

    def transform(self, docs: list[Doc], memo: dict | None = None) -> sp.csr_matrix:
        """memo: blocks already computed for these docs by an identical vectorizer of another model (models
        trained on the same rows with the same parameters share blocks; Models.score passes one per batch)."""
        memo = {} if memo is None else memo
        blocks = []
        for part, vectorizer in zip(self.parts, self.vectorizers_, strict=True):
            if isinstance(vectorizer, EncoderBlock):     # the embedding is shared, each model weighs it itself
                embeddings = _memoized(memo, ("encoder", part["encoder"]), lambda v=vectorizer: v.embed(docs))
                blocks.append(vectorizer.block(embeddings))
            elif isinstance(vectorizer, LexiconBlock):   # the counts are shared, each model weighs them itself
                counts = _memoized(memo, vectorizer.fingerprint, lambda v=vectorizer: v.features(docs))
                blocks.append(vectorizer.block(counts))
            else:
                key = (part["field"], bool(part.get("squeeze")), vectorizer.fingerprint)
                blocks.append(_memoized(memo, key,
                                        lambda v=vectorizer, p=part: v.transform(self._field(docs, p))))
        return sp.hstack(blocks, format="csr")

    @property
    def n_features(self) -> int:
        from classifiers.encoder import DIM
        return sum(DIM if isinstance(v, EncoderBlock) else N_FEATURES if isinstance(v, LexiconBlock)
                   else len(v.vocabulary) for v in self.vectorizers_)

    def to_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """A lexicon block keeps its terms as the part's vocabulary and their strengths in place of idf."""
        states = [([], np.zeros(0)) if isinstance(v, EncoderBlock) else v.to_state() if isinstance(v, LexiconBlock)
                  else (_terms(v), v.idf) for v in self.vectorizers_]
        meta = {"parts": self.parts, "vocabularies": [terms for terms, _ in states]}
        return meta, {f"idf_{i}": values for i, (_, values) in enumerate(states)}

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray], shared: dict | None = None) -> Featurizer:
        """shared: vectorizers already built for other models, by part, vocabulary and idf; an identical one is
        reused instead of built again (the complaint head and a sentiment model of the same rows and recipe, or
        toxicity's lemma blocks: one vocabulary in memory, not two). Vocabularies that differ still hold one string
        object per distinct term and one int object per column number across all of them (`_vocabulary`)."""
        self = cls(meta["parts"])
        self.vectorizers_ = []
        for i, (params, terms) in enumerate(zip(self.parts, meta["vocabularies"], strict=True)):
            if "encoder" in params:
                from classifiers.encoder import NAME, check_version
                if params["encoder"] != NAME:
                    raise ValueError(f"part {i}: unknown encoder {params['encoder']!r}")
                check_version(params.get("encoder_version"))
                self.vectorizers_.append(EncoderBlock(params["weight"]))
                continue
            if "lexicon" in params:
                strengths = np.asarray(arrays[f"idf_{i}"]).astype(int).tolist()
                if params["lexicon"] != LEXICON or len(terms) != len(strengths):
                    raise ValueError(f"part {i}: bad lexicon part {params['lexicon']!r}")
                self.vectorizers_.append(LexiconBlock(dict(zip(terms, strengths, strict=True)), params["weight"],
                                                      params.get("window", 3)))
                continue
            idf = np.asarray(arrays[f"idf_{i}"], dtype=np.float64)
            if len(terms) != len(idf):
                raise ValueError(f"part {i}: {len(terms)} terms but {len(idf)} idf values")
            key = None
            if shared is not None:
                digest = hashlib.sha256("\x00".join(terms).encode("utf-8", "surrogatepass"))
                digest.update(idf.tobytes())
                key = (params["analyzer"], tuple(params["ngram_range"]), digest.hexdigest())
                if key in shared:
                    self.vectorizers_.append(shared[key])
                    continue
            vectorizer = Vectorizer(params["analyzer"], tuple(params["ngram_range"]),
                                    _vocabulary(terms, shared), idf)
            if key is not None:
                shared[key] = vectorizer
            self.vectorizers_.append(vectorizer)
        return self


TERMS, COLUMNS = "terms", "columns"       # `shared`'s pools of term strings and column numbers (not vectorizers)


def _vocabulary(terms: list[str], shared: dict | None) -> dict[str, int]:
    """term -> column. With `shared`, a term already in another model's vocabulary is keyed by that model's string
    object and column numbers are one list of ints for all: the seed models' vocabularies hold 336k terms (419k
    before identical vectorizers are shared) but 105k distinct ones, and a JSON-parsed string costs ~90 bytes, an
    int 28 (issue 14's peak RSS, docs/benchmarks.md). The dict is equal to the one built without `shared`."""
    if shared is None:
        return dict(zip(terms, range(len(terms)), strict=True))
    pool, columns = shared.setdefault(TERMS, {}), shared.setdefault(COLUMNS, [])
    if len(columns) < len(terms):
        columns.extend(range(len(columns), len(terms)))
    return dict(zip(map(pool.setdefault, terms, terms), columns[:len(terms)], strict=True))


def _lexicon_block(part: dict) -> LexiconBlock:
    if part["lexicon"] != LEXICON:
        raise ValueError(f"unknown lexicon {part['lexicon']!r}")
    return LexiconBlock(load_lexicon(), part["weight"], part.get("window", 3))


def _terms(v: Vectorizer) -> list[str]:
    terms = [""] * len(v.vocabulary)
    for term, i in v.vocabulary.items():
        terms[i] = term
    return terms
