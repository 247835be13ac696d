"""The project's own seed corpus: labelled short posts we wrote, in classifiers/seed/*.jsonl.

Each line: {"text": ..., "topic": <code>, "sentiment": negative|neutral|positive, "toxic": 0|1}. A row whose topic is
null trains sentiment and toxicity only (vk_*.jsonl: VK chatter written for the sentiment model; as topic «other»
rows they moved the seed topic model, and with it out-of-the-box detection, docs/benchmarks.md). Only the files directly
in classifiers/seed/ are read.
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


def seed_files() -> list:
    folder = resources.files("classifiers").joinpath("seed")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".jsonl")), key=lambda f: f.name)


def seed_hash() -> str:
    digest = hashlib.sha256()
    for f in seed_files():
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


def load_seed(topics: tuple[str, ...]) -> list[SeedRow]:
    """All seed rows; a malformed row is an error here: the seed is ours and must be clean."""
    rows, seen = [], set()
    for f in seed_files():
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            d = json.loads(line)
            row = SeedRow(d["text"].strip(), d["topic"], d["sentiment"], int(d["toxic"]))
            bad_topic = row.topic is not None and row.topic not in topics
            if bad_topic or row.sentiment not in SENTIMENTS or row.toxic not in (0, 1):
                raise ValueError(f"{f.name}:{n}: bad labels {d}")
            if row.text and row.text not in seen:
                seen.add(row.text)
                rows.append(row)
    return rows
