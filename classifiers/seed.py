"""The project's own seed corpus: labelled short posts we wrote, in classifiers/seed/*.jsonl.

Each line: {"text": ..., "topic": <code>, "sentiment": negative|neutral|positive, "toxic": 0|1}. A row whose topic is
null trains sentiment and toxicity only (vk_*.jsonl: VK chatter written for the sentiment model; as topic «other»
rows they moved the seed topic model, and with it out-of-the-box detection, docs/benchmarks.md).

The files directly in classifiers/seed/ train every seed model, the complaint-mood head included (what detection
reads as a complaint's mood, frozen: tests/unit/test_complaint_seed.py pins its rows). The files in
classifiers/seed/sentiment/ train the public sentiment model only (topic null; toxic is not read): rows in VK's
register that help the public sentiment without moving detection. Other subfolders (answers/) are not
read here.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources

from core.records import OTHER_TOPIC, SENTIMENTS


@dataclass(frozen=True, slots=True)
class SeedRow:
    text: str
    topic: str | None       # None: not a topic example (sentiment and toxicity only)
    sentiment: str
    toxic: int

    @property
    def chatter(self) -> bool:
        """Written as chatter (topic «other» or none), not as a complaint about a topic."""
        return self.topic in (None, OTHER_TOPIC)


SENTIMENT_ONLY = "sentiment"      # the subfolder of rows for the public sentiment model alone


def seed_folder():
    return resources.files("classifiers").joinpath("seed")


def seed_files(sentiment_only: bool = False) -> list:
    """The seed files every seed model reads; sentiment_only: those of classifiers/seed/sentiment/ instead."""
    folder = seed_folder()
    if sentiment_only:
        folder = folder.joinpath(SENTIMENT_ONLY)
        if not folder.is_dir():
            return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".jsonl")), key=lambda f: f.name)


def seed_hash(task: str | None = None) -> str:
    """SHA-256 of the seed files a task's seed model reads (the sentiment model: also classifiers/seed/sentiment/)."""
    digest = hashlib.sha256()
    for f in seed_files() + (seed_files(sentiment_only=True) if task == "sentiment" else []):
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


def load_seed(topics: tuple[str, ...], sentiment_only: bool = False) -> list[SeedRow]:
    """All seed rows (sentiment_only: also the public sentiment model's own rows, after the shared ones); a malformed
    row is an error here: the seed is ours and must be clean. A text already read is skipped."""
    rows, seen = [], set()
    files = [(f, False) for f in seed_files()] + [(f, True) for f in (seed_files(True) if sentiment_only else [])]
    for f, only in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            d = json.loads(line)
            row = SeedRow(d["text"].strip(), d["topic"], d["sentiment"], int(d["toxic"]))
            bad_topic = row.topic is not None and row.topic not in topics
            if only and row.topic is not None:
                raise ValueError(f"{SENTIMENT_ONLY}/{f.name}:{n}: a sentiment-only row has topic null: {d}")
            if bad_topic or row.sentiment not in SENTIMENTS or row.toxic not in (0, 1):
                raise ValueError(f"{f.name}:{n}: bad labels {d}")
            if row.text and row.text not in seen:
                seen.add(row.text)
                rows.append(row)
    return rows
