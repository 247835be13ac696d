"""The project's own seed corpus: labelled short posts we wrote, in classifiers/seed/*.jsonl.

Each line: {"text": ..., "topic": <code>, "sentiment": negative|neutral|positive, "toxic": 0|1}.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources

from core.records import SENTIMENTS


@dataclass(frozen=True, slots=True)
class SeedRow:
    text: str
    topic: str
    sentiment: str
    toxic: int


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
            if row.topic not in topics or row.sentiment not in SENTIMENTS or row.toxic not in (0, 1):
                raise ValueError(f"{f.name}:{n}: bad labels {d}")
            if row.text and row.text not in seen:
                seen.add(row.text)
                rows.append(row)
    return rows
