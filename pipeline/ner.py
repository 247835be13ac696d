"""natasha's NER (slovnet, models in the natasha wheel, no network) adapted to our own records. Loaded on first use.

    ner = NatashaNer()
    ner.spans(["В деревне Кирилловщина нет света, ООО «Ремстрой» не приехало"])
    -> [(Span(10, 22, "LOC", "Кирилловщина"), Span(34, 48, "ORG", "ООО «Ремстрой»"))]

~40-70 short posts/s per core (NOTES.md): enrichment calls it only on the few posts that need it
(pipeline/where.py). Inputs are sorted by length before batching (padding costs twice the time otherwise) and the
results put back in the caller's order. The embedding is loaded by navec_codebook(), not natasha's NewsEmbedding:
the tagger reads only the embedding's id and its quantized arrays (about half the load time otherwise goes to a
250k-word dictionary and similarity tables it never reads). The tagger's own 250k-word vocabulary is loaded by
`WordIds`, not slovnet's Vocab: a Python list and dict of its words held ~35 MB of the process (issue 14's
≤ 600 MB peak for `dozor replay`, docs/benchmarks.md); sorted byte arrays hold ~6 MB.
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
            from natasha.data import NEWS_EMBEDDING, NEWS_NER
            self._tagger = news_ner_tagger(Path(NEWS_NER), navec_codebook(Path(NEWS_EMBEDDING)))
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


class WordIds:
    """slovnet's word vocabulary as the tagger uses it (`encode(word)` -> id, unknown -> `unk_id`; `pad_id`), kept
    as bytes: the words of each UTF-8 length in one sorted fixed-width numpy array, found by binary search. The
    same ids as slovnet.vocab.Vocab for every string (tests/unit/test_ner_vocab.py) in ~6 MB instead of ~35 MB of
    Python strings, list and dict; built without a Python object per word.

    lines: the vocabulary file's content, one UTF-8 word a line, the id being the line number (split at "\\n"
    only; slovnet's splitlines() would also split at "\\r" and the like, which natasha's file does not hold)."""

    def __init__(self, lines: bytes, unk: str = "<unk>", pad: str = "<pad>") -> None:
        import numpy as np

        if b"\0" in lines:      # a fixed-width bytes array drops trailing NULs: such words could not be told apart
            raise ValueError("a vocabulary word contains a NUL byte")
        buf = np.frombuffer(lines, np.uint8)
        ends = np.flatnonzero(buf == 10)
        if not lines.endswith(b"\n"):
            ends = np.append(ends, len(buf))
        starts = np.concatenate(([0], ends[:-1] + 1))
        lengths = ends - starts
        self._count = len(starts)
        self._by_length: dict[int, tuple] = {}
        for length in np.unique(lengths).tolist():
            ids = np.flatnonzero(lengths == length)
            if length == 0:
                self._by_length[0] = (None, ids[-1:])
                continue
            words = buf[starts[ids][:, None] + np.arange(length)].view(f"S{length}").ravel()
            order = np.argsort(words, kind="stable")   # equal words keep their ids in ascending order
            self._by_length[length] = (words[order], ids[order].astype(np.int32))
        self.unk_id = self._find(unk)
        self.pad_id = self._find(pad)

    def _find(self, word: str):
        data = word.encode("utf-8")
        found = self._by_length.get(len(data))
        if found is None:
            return None
        words, ids = found
        if words is None:
            return int(ids[0])
        i = int(words.searchsorted(data))
        if i < len(words) and words[i] == data:
            # a repeated word: the lowest id sits first among equal keys (stable sort); Vocab's dict keeps the last
            j = i
            while j + 1 < len(words) and words[j + 1] == data:
                j += 1
            return int(ids[j])
        return None

    def encode(self, word: str) -> int | None:
        found = self._find(word)
        return self.unk_id if found is None else found

    def __len__(self) -> int:
        return self._count


def news_ner_tagger(path: Path, embedding):
    """natasha's NewsNERTagger over `embedding`, loaded as slovnet.api.NER.load does but with WordIds for the word
    vocabulary (the shape and tag vocabularies are tiny and stay slovnet's)."""
    from gzip import decompress

    from natasha import NewsNERTagger
    from slovnet.api import NER
    from slovnet.const import SHAPE, TAG, WORD
    from slovnet.exec.encoders import TagEncoder
    from slovnet.exec.infer import NERInfer, TagDecoder
    from slovnet.exec.model import NER as NERModel
    from slovnet.exec.pack import Pack, vocab_name

    with Pack(str(path)) as pack:
        pack.load_meta().check_protocol()
        model = pack.load_model(NERModel)
        arrays = dict(pack.load_arrays(model.weights))
        words = WordIds(decompress(pack.read(vocab_name(WORD))))
        shapes, tags = pack.load_vocab(SHAPE), pack.load_vocab(TAG)
    tagger = NewsNERTagger.__new__(NewsNERTagger)      # natasha's __init__ would load the pack with slovnet's Vocab
    NER.__init__(tagger, NERInfer(model.inject_arrays(arrays), TagEncoder(words, shapes, 8), TagDecoder(tags)), 8)
    return tagger.navec(embedding)
