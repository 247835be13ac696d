"""natasha's NER (slovnet, models in the natasha wheel, no network) adapted to our own records. Loaded on first use.

    ner = NatashaNer()
    ner.spans(["В деревне Кирилловщина нет света, ООО «Ремстрой» не приехало"])
    -> [(Span(10, 22, "LOC", "Кирилловщина"), Span(34, 48, "ORG", "ООО «Ремстрой»"))]

~40-70 short posts/s per core (NOTES.md), ~1.5-4 s and ~250 MB to load: enrichment calls it only on the few
posts that need it (pipeline/where.py). Inputs are sorted by length before batching (padding costs twice the
time otherwise) and the results put back in the caller's order.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")      # as fast or faster on a busy 2-core machine (NOTES.md)

BATCH = 32


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    stop: int
    type: str          # LOC | ORG | PER
    text: str


class NatashaNer:
    """The NER port: spans(texts) -> one tuple of Span per text. `calls` counts the texts it was given."""

    def __init__(self) -> None:
        self._tagger = None
        self.calls = 0

    def _load(self):
        if self._tagger is None:
            from natasha import NewsEmbedding, NewsNERTagger
            self._tagger = NewsNERTagger(NewsEmbedding())
        return self._tagger

    def spans(self, texts: list[str]) -> list[tuple[Span, ...]]:
        if not texts:
            return []
        self.calls += len(texts)
        tagger = self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[tuple[Span, ...]] = [()] * len(texts)
        for k in range(0, len(order), BATCH):
            chunk = order[k:k + BATCH]
            for i, markup in zip(chunk, tagger.map([texts[i] for i in chunk]), strict=True):
                out[i] = tuple(Span(s.start, s.stop, s.type, texts[i][s.start:s.stop]) for s in markup.spans)
        return out
