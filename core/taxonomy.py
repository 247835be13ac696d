"""The topic taxonomy (core/data/topics.yaml, or settings.topics_file): codes, Russian names, criticality."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class Topic:
    code: str
    name: str
    criticality: float


def load_topics(path: Path | None = None) -> dict[str, Topic]:
    if path is None:
        raw = resources.files("core").joinpath("data/topics.yaml").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    doc = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["topics"]      # libyaml: faster
    return {code: Topic(code, row["name"], float(row.get("criticality", 0.5))) for code, row in doc.items()}
