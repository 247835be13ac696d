"""The answer-quality model: a verdict for an official answer (решено / разъяснение / отписка / переадресовано)
and, in Russian, what it lacks.

    model = AnswerModel.load()                                  # the shipped artifact, classifiers/data/answers/
    check = model.check("Яма заделана 12.04.2021, фото прилагается.", appeal="Яма у дома 5")
    check.verdict, check.phrases                                # "решено", ()

Features: our cues (classifiers/answer_cues.py, scaled) beside hashed word-stem uni- and bigrams (TF-IDF
weighted; the hashing leaves no vocabulary: the artifact holds numbers per hash bucket, never a word of the
answers it learned from). A logistic regression with balanced class weights; `fit` returns self. Artifacts are
JSON + .npz, loaded with allow_pickle=False and checked against their SHA-256 sums.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from classifiers.answer_cues import FEATURES, bare_finding, cues, normalise, vector
from classifiers.answer_missing import missing_codes, phrases
from classifiers.forest import KEYS as FOREST_KEYS
from classifiers.forest import forest_arrays, forest_proba

VERDICTS = ("решено", "разъяснение", "отписка", "переадресовано")
FORMAT = "dozor-answers/1"
STEM = re.compile(r"\w+")
TREES = 300


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    verdict: str                      # one of VERDICTS
    confidence: float                 # the model's probability of the verdict
    missing: tuple[str, ...]          # guideline codes (answer_missing.CODES)
    phrases: tuple[str, ...]          # the same in Russian, for staff
    model_version: str


# names: quoted («ЖКС № 2 …», categories) and capitalised words inside a sentence (streets, districts, bodies)
NAMES = re.compile(r"«[^»]{0,200}»|\"[^\"]{0,200}\"|(?<=[\w,:;)\-]\s)[A-ZА-ЯЁ][\w\-]*")


def stems(text: str, mask_names: bool = False) -> str:
    """Words cut to 6 letters: «устранена», «устранено» -> «устран»; with mask_names, quoted and capitalised names
    (the organisation, the street) are dropped first, so the model cannot learn who answered."""
    if mask_names:
        text = NAMES.sub(" ", text or "")
    return " ".join(w[:6] for w in STEM.findall(normalise(text)))


def guided(probs: dict[str, float], c: dict[str, float]) -> tuple[str, float]:
    """The model's verdict, overruled where the guidelines leave no choice (§1, checked in order):
    «решено» needs a fix or a dated action in the text; an answer made only of formulas (no fix, no date, no
    finding, no detail of the case) is «отписка»."""
    fix = c["fixed"] + c["done"] + c["works_state"] + c["fixed_plain"] + c["installed"]
    allowed = dict(probs)
    if not fix and not c["dated"]:
        allowed.pop("решено", None)
    finding = c["not_found"] + c["good_state"] + c["inspected"] + c["sanction"] + c["evidence"] + c["specific"]
    redirect = c["not_ours"] + c["owner"] + c["handed_over"]
    if not fix and not c["dated"] and not finding and not redirect and not c["impossible"] + c["reason"]:
        return "отписка", probs.get("отписка", 0.0)
    verdict = max(allowed, key=allowed.get)
    return verdict, float(probs[verdict])


class AnswerModel:
    """head "linear": logistic regression over hashed stems and the scaled cues; head "forest": a random forest over
    the cues alone (no words at all: it cannot learn an organisation's name). guide: apply `guided` on top.
    bare: a bare finding (answer_cues.bare_finding: «не выявлено» in a few words, nothing else) is «отписка»,
    as the guidelines' §3.5 says, whatever the model's probabilities."""

    def __init__(self, n_features: int = 2 ** 16, C: float = 3.0, cue_weight: float = 0.3, version: str = "dev",
                 mask_orgs: bool = False, head: str = "linear", leaf: int = 3, guide: bool = True, bare: bool = False):
        self.n_features, self.C, self.cue_weight, self.version = n_features, C, cue_weight, version
        self.mask_orgs, self.head, self.leaf, self.guide, self.bare = mask_orgs, head, leaf, guide, bare

    def _hasher(self) -> HashingVectorizer:
        return HashingVectorizer(n_features=self.n_features, ngram_range=(1, 2), alternate_sign=False, norm=None)

    def _matrix(self, texts: list[str], kinds: list[str]) -> sparse.csr_matrix:
        counts = self._hasher().transform([stems(t, self.mask_orgs) for t in texts])
        counts.data = 1.0 + np.log(counts.data)                           # sublinear tf
        tfidf = counts.multiply(self.idf_).tocsr()
        norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1))).ravel()
        tfidf = sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ tfidf
        dense = (np.array([vector(t, k) for t, k in zip(texts, kinds, strict=False)]) - self.mean_) / self.scale_
        return sparse.hstack([tfidf, sparse.csr_matrix(dense * self.cue_weight)]).tocsr()

    def fit(self, texts: list[str], labels: list[str], kinds: list[str] | None = None) -> AnswerModel:
        kinds = kinds or ["final"] * len(texts)
        if self.head == "forest":
            from sklearn.ensemble import RandomForestClassifier  # fitting only: prediction is NumPy

            rf = RandomForestClassifier(TREES, min_samples_leaf=self.leaf, class_weight="balanced_subsample",
                                        random_state=0, n_jobs=1)
            rf.fit(np.array([vector(t, k) for t, k in zip(texts, kinds, strict=False)]), labels)
            self.classes_, self.forest_ = tuple(rf.classes_), forest_arrays(rf)
            return self
        counts = self._hasher().transform([stems(t, self.mask_orgs) for t in texts])
        df = np.bincount(counts.indices, minlength=self.n_features)
        self.idf_ = np.log((1 + len(texts)) / (1 + df)) + 1.0
        dense = np.array([vector(t, k) for t, k in zip(texts, kinds, strict=False)])
        self.mean_, self.scale_ = dense.mean(axis=0), np.where(dense.std(axis=0) > 0, dense.std(axis=0), 1.0)
        head = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000)
        head.fit(self._matrix(texts, kinds), labels)
        self.classes_ = tuple(head.classes_)
        self.coef_, self.intercept_ = head.coef_, head.intercept_
        return self

    def probabilities(self, texts: list[str], kinds: list[str] | None = None) -> np.ndarray:
        kinds = kinds or ["final"] * len(texts)
        if self.head == "forest":
            return forest_proba(self.forest_, np.array([vector(t, k) for t, k in zip(texts, kinds, strict=False)]))
        logits = self._matrix(texts, kinds) @ self.coef_.T + self.intercept_
        logits = np.asarray(logits) - np.max(logits, axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, texts: list[str], kinds: list[str] | None = None) -> list[str]:
        kinds = kinds or ["final"] * len(texts)
        return [self.verdict(p, cues(t, k), t)[0]
                for t, k, p in zip(texts, kinds, self.probabilities(texts, kinds), strict=False)]

    def verdict(self, p: np.ndarray, found: dict[str, float], text: str = "") -> tuple[str, float]:
        probs = dict(zip(self.classes_, (float(x) for x in p), strict=False))
        if self.bare and text and bare_finding(text, found):
            return "отписка", probs.get("отписка", 0.0)
        if self.guide:
            return guided(probs, found)
        best = max(probs, key=probs.get)
        return best, probs[best]

    def check_batch(self, texts: list[str], appeals: list[str] | None = None,
                    kinds: list[str] | None = None) -> list[AnswerCheck]:
        appeals = appeals or [""] * len(texts)
        kinds = kinds or ["final"] * len(texts)
        out = []
        for text, appeal, kind, p in zip(texts, appeals, kinds, self.probabilities(texts, kinds), strict=False):
            found = cues(text, kind)
            verdict, confidence = self.verdict(p, found, text)
            codes = missing_codes(found, verdict, text, appeal)
            out.append(AnswerCheck(verdict, round(confidence, 4), codes, phrases(codes), self.version))
        return out

    def check(self, text: str, appeal: str = "", kind: str = "final") -> AnswerCheck:
        return self.check_batch([text], [appeal], [kind])[0]

    # --- the artifact -------------------------------------------------------------------------------------------
    def save(self, folder: Path, card: dict) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.head == "forest":
            np.savez_compressed(folder / "arrays.npz", **{"forest_" + k: v for k, v in self.forest_.items()})
        else:
            unseen = float(self.idf_.max())             # the idf of a bucket no training answer had
            used = np.flatnonzero(self.idf_ < unseen)
            np.savez_compressed(folder / "arrays.npz", used=used.astype(np.int32), idf=self.idf_[used],
                                idf_unseen=np.array([unseen]),
                                coef_hash=self.coef_[:, used], coef_cues=self.coef_[:, self.n_features:],
                                intercept=self.intercept_, mean=self.mean_, scale=self.scale_)
        meta = {"format": FORMAT, "version": self.version, "classes": list(self.classes_), "features": list(FEATURES),
                "n_features": self.n_features, "C": self.C, "cue_weight": self.cue_weight, "mask_orgs": self.mask_orgs,
                "head": self.head, "leaf": self.leaf, "guide": self.guide, "bare": self.bare,
                "arrays_sha256": hashlib.sha256((folder / "arrays.npz").read_bytes()).hexdigest(), "card": card}
        (folder / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path | None = None) -> AnswerModel:
        folder = Path(folder) if folder else Path(str(resources.files("classifiers").joinpath("data/answers")))
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        blob = (folder / "arrays.npz").read_bytes()
        if meta.get("format") != FORMAT or hashlib.sha256(blob).hexdigest() != meta["arrays_sha256"]:
            raise ValueError(f"модель оценки ответов в {folder} повреждена или не наша")
        if tuple(meta["features"]) != FEATURES:
            raise ValueError(f"модель оценки ответов в {folder} обучена на других признаках: переобучите её")
        a = np.load(folder / "arrays.npz", allow_pickle=False)
        model = cls(meta["n_features"], meta["C"], meta["cue_weight"], meta["version"], meta.get("mask_orgs", False),
                    meta.get("head", "linear"), meta.get("leaf", 3), meta.get("guide", True), meta.get("bare", False))
        model.classes_ = tuple(meta["classes"])
        model.card = meta["card"]
        if model.head == "forest":
            model.forest_ = {k: a["forest_" + k] for k in FOREST_KEYS}
            return model
        model.idf_ = np.full(model.n_features, float(a["idf_unseen"][0]))
        model.idf_[a["used"]] = a["idf"]
        model.coef_ = np.zeros((len(model.classes_), model.n_features + len(FEATURES)))
        model.coef_[:, a["used"]] = a["coef_hash"]
        model.coef_[:, model.n_features:] = a["coef_cues"]
        model.intercept_, model.mean_, model.scale_ = a["intercept"], a["mean"], a["scale"]
        return model
