"""natasha's NER (slovnet, models in the natasha wheel, no network) adapted to our own records. Loaded on first use.

    ner = NatashaNer()
    ner.spans(["В деревне Кирилловщина нет света, ООО «Ремстрой» не приехало"])
    -> [(Span(10, 22, "LOC", "Кирилловщина"), Span(34, 48, "ORG", "ООО «Ремстрой»"))]

~40-70 short posts/s per core (NOTES.md): enrichment calls it only on the few posts that need it
(pipeline/where.py). Inputs are sorted by length before batching (padding costs twice the time otherwise) and the
results put back in the caller's order. The embedding is loaded by navec_codebook(), not natasha's NewsEmbedding:
the tagger reads only the embedding's id and its quantized arrays (about half the load time otherwise goes to a
250k-word dictionary and similarity tables it never reads).
"""
from __future__ import annotations

import os
import tarfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

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
            from natasha import NewsNERTagger
            from natasha.data import NEWS_EMBEDDING
            self._tagger = NewsNERTagger(navec_codebook(Path(NEWS_EMBEDDING)))
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


def navec_codebook(path: Path) -> SimpleNamespace:
    """What slovnet's taggers read of a navec embedding (InjectNavecVisitor: meta.id, pq.indexes, pq.codes), mapped
    read-only from the uncompressed tar (pages are read as words are looked up) instead of navec's Navec.load,
    which also builds a dict of its 250k words and PQ.precompute's similarity tables (~0.5 s, tens of MB) that
    tagging never reads. The arrays are byte for byte navec's (tests/functional/test_where_ner.py)."""
    import numpy as np
    from navec.meta import Meta

    with tarfile.open(path) as tar:
        meta = Meta.from_file(tar.extractfile("meta.json"))
        member = tar.getmember("pq.bin")
    vectors, dim, qdim, centroids = (int(n) for n in np.fromfile(path, np.uint32, count=4, offset=member.offset_data))
    start = member.offset_data + 16
    if 16 + vectors * qdim + centroids * dim * 4 != member.size:
        raise ValueError(f"{path}: pq.bin is not a navec product quantization ({member.size} bytes)")
    indexes = np.memmap(path, np.uint8, "r", offset=start, shape=(vectors, qdim))
    codes = np.memmap(path, np.float32, "r", offset=start + vectors * qdim, shape=(qdim, centroids, dim // qdim))
    return SimpleNamespace(meta=meta, pq=SimpleNamespace(indexes=indexes, codes=codes))
