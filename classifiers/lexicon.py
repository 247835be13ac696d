"""A polarity lexicon as a small dense feature block: hits of positive and negative words in a post's lemmas,
with negation, plus emoticons of its text.

The TF-IDF blocks learn weights only for n-grams of their training rows: a seed-only model cannot judge the many
evaluation words the seed never uses. The lexicon (classifiers/data/lexicon/polarity.tsv, written by us) names
them; the head learns a weight per feature (positive hits, negative hits, negated ones, ...), and that weight
applies to every lexicon word, seen in training or not.

    block = LexiconBlock(load_lexicon(), weight=1.0, window=3)
    block.features(docs) -> (n_docs, N_FEATURES) float32; block.block(features) -> sparse, times weight
"""
from __future__ import annotations

import re
from importlib import resources

import numpy as np
import scipy.sparse as sp

NAME = "polarity"
# a word within `window` words after one of these is «negated» («не очень хорошо», «нет проблем», «ни капли радости»)
NEGATORS = frozenset({"не", "нет", "ни", "без", "ничуть", "нисколько"})
_SMILES = re.compile(r"<3|:\*|[:;=]-?d\b|\bx+d+\b")
FEATURES = ("positive", "negative", "negated_positive", "negated_negative", "strong_positive", "strong_negative",
            "smiles", "frowns", "positive_share", "negative_share", "any_positive", "any_negative")
N_FEATURES = len(FEATURES)


def load_lexicon() -> dict[str, int]:
    """lemma -> strength (-2, -1, 1, 2) from the packaged polarity.tsv; a malformed line is an error."""
    path = resources.files("classifiers").joinpath("data", "lexicon", "polarity.tsv")
    out: dict[str, int] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        term, strength = line.split("\t")
        value = int(strength)
        if value not in (-2, -1, 1, 2) or not term or term in out:
            raise ValueError(f"polarity.tsv:{n}: bad entry {line!r}")
        out[term] = value
    return out


class LexiconBlock:
    """Per post: sums of the strengths of positive and negative lexicon lemmas outside negation, the same inside
    negation (within `window` words after a negator; 0: no negation), counts of strong (±2) hits, smiles and frowns
    of the text (unbalanced «)» / «(», «<3», «:d»), hit shares per sqrt(words), and whether any hit is positive /
    negative. Counts are log1p-squashed; the block is multiplied by `weight`."""

    def __init__(self, entries: dict[str, int], weight: float, window: int = 3):
        self.entries = dict(entries)
        self.weight = float(weight)
        self.window = int(window)

    @property
    def fingerprint(self) -> tuple:
        return ("lexicon", len(self.entries), sum(self.entries.values()), self.window)

    def row(self, lemmas: str, text: str) -> list[float]:
        entries, window = self.entries, self.window
        pos = neg = neg_pos = neg_neg = strong_pos = strong_neg = 0
        negated = 0
        tokens = lemmas.split()
        for tok in tokens:
            if tok in NEGATORS:
                negated = window
                continue
            s = entries.get(tok)
            if s is not None:
                if negated:
                    if s > 0:
                        neg_pos += s
                    else:
                        neg_neg -= s
                elif s > 0:
                    pos += s
                    strong_pos += s == 2
                else:
                    neg -= s
                    strong_neg += s == -2
            if negated:
                negated -= 1
        opens, closes = text.count("("), text.count(")")
        smiles = max(0, closes - opens) + len(_SMILES.findall(text))
        frowns = max(0, opens - closes)
        root = max(1.0, len(tokens)) ** 0.5
        return [pos, neg, neg_pos, neg_neg, strong_pos, strong_neg, smiles, frowns,
                pos / root, neg / root, float(pos > 0), float(neg > 0)]

    def features(self, docs) -> np.ndarray:
        X = np.array([self.row(d.lemmas, d.text) for d in docs], dtype=np.float32).reshape(len(docs), N_FEATURES)
        X[:, :8] = np.log1p(X[:, :8])
        return X

    def block(self, features: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix(features * np.float32(self.weight))

    def to_state(self) -> tuple[list[str], np.ndarray]:
        """The lexicon itself goes into the artifact: a later edit of polarity.tsv does not change a saved model."""
        terms = sorted(self.entries)
        return terms, np.array([self.entries[t] for t in terms], dtype=np.float64)


def lexicon_part(weight: float, window: int = 3) -> dict:
    """A recipe part for the polarity lexicon block."""
    return {"field": "lemmas", "lexicon": NAME, "weight": weight, "window": window}
