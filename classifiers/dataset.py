"""Training data: the seed corpus, external labelled CSVs and staff labels, and the time-ordered holdout.

The holdout is never a random split: the most recent 15 % by time (or, without times, by group, or by file
order) is held out, and any training row whose normalized text also appears in the holdout is dropped, so
near-duplicates cannot leak the answer.
"""
from __future__ import annotations

import csv
import hashlib
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from classifiers import labels_of
from classifiers.seed import load_seed
from core.errors import UsageError

TOXICITY = ("0", "1")
HOLDOUT = 0.15
_NOT_LETTERS = re.compile(r"[^0-9a-zа-я]+")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    source: str                 # "seed" | "<file name>" | "staff"
    order: int                  # position in its source
    at: datetime | None = None
    group: str | None = None
    chatter: bool = False       # a seed row written as chatter (SeedRow.chatter): SEED_RECIPES may weigh it apart


@dataclass(frozen=True)
class DataSource:
    path: Path
    text_col: str
    label_col: str
    time_col: str | None = None
    group_col: str | None = None


def text_key(text: str) -> str:
    """Normalized text for near-duplicate checks: lowercase, ё→е, letters and digits only."""
    return _NOT_LETTERS.sub(" ", text.lower().replace("ё", "е")).strip()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def seed_examples(task: str, topics: tuple[str, ...]) -> list[Example]:
    """A task's seed rows. The complaint-mood head learns the sentiment labels of the shared seed files (as the one
    sentiment model did before it had its own head); the public sentiment model also reads seed/sentiment/."""
    rows = load_seed(topics, sentiment_only=task == "sentiment")
    if task == "topics":
        rows = [r for r in rows if r.topic is not None]
    pick = {"topics": lambda r: r.topic, "sentiment": lambda r: r.sentiment,
            "toxicity": lambda r: str(r.toxic)}[labels_of(task)]
    return [Example(r.text, pick(r), "seed", i, chatter=r.chatter) for i, r in enumerate(rows)]


def unreadable_csv(path: Path, e: Exception) -> UsageError:
    """The error for a CSV that cannot be read as text: another encoding (Excel on Russian Windows saves cp1251)
    or a broken file."""
    if isinstance(e, UnicodeDecodeError):
        return UsageError(f"{path.name}: файл не в кодировке UTF-8; сохраните его как «CSV UTF-8»")
    return UsageError(f"{path.name}: файл не читается как CSV: {e}")


def read_csv_examples(src: DataSource, allowed: tuple[str, ...] | None,
                      min_chars: int = 1) -> tuple[list[Example], dict]:
    """Examples from a labelled CSV; rows with labels outside `allowed` (when given) or empty texts are skipped
    and counted, never silently kept."""
    limit = csv.field_size_limit(sys.maxsize)   # long texts are fine here; the csv module's limit is global, so it
    try:                                         # is restored after (replay's CSV reader relies on it)
        return _read_csv_examples(src, allowed, min_chars)
    except (UnicodeDecodeError, csv.Error) as e:
        raise unreadable_csv(src.path, e) from None
    finally:
        csv.field_size_limit(limit)


def _read_csv_examples(src: DataSource, allowed: tuple[str, ...] | None, min_chars: int) -> tuple[list[Example], dict]:
    out, skipped = [], {"label": 0, "text": 0, "time": 0}
    with open(src.path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        have = reader.fieldnames or []
        missing = [c for c in (src.text_col, src.label_col, src.time_col, src.group_col) if c and c not in have]
        if missing:
            raise UsageError(f"{src.path.name}: нет колонок {', '.join(missing)} (есть: {', '.join(have)})")
        for i, row in enumerate(reader):
            text, label = (row[src.text_col] or "").strip(), (row[src.label_col] or "").strip()
            if len(text) < min_chars:
                skipped["text"] += 1
                continue
            if allowed is not None and label not in allowed:
                skipped["label"] += 1
                continue
            at = None
            if src.time_col:
                try:
                    at = datetime.fromisoformat((row[src.time_col] or "").strip().replace(" ", "T"))
                except ValueError:
                    skipped["time"] += 1
                    continue
            out.append(Example(text, label, src.path.name, i, at, row[src.group_col] if src.group_col else None))
    return out, skipped


def _aware(at: datetime) -> datetime:
    """Naive times (a CSV without offsets) are ordered as UTC."""
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def split_holdout(examples: list[Example], fraction: float = HOLDOUT) -> tuple[list[Example], list[Example]]:
    """(train, holdout): the latest `fraction` by time, else by group, else by file order; near-duplicates of the
    holdout are removed from train. Seed rows are never held out while other data exists."""
    pool = [e for e in examples if e.source != "seed"] or examples
    kept_in_train = [e for e in examples if e.source == "seed"] if pool is not examples else []
    n_test = max(1, round(len(pool) * fraction))
    if all(e.at is not None for e in pool):
        ordered = sorted(pool, key=lambda e: (_aware(e.at), e.source, e.order))
    elif all(e.group is not None for e in pool):
        groups = sorted({e.group for e in pool}, key=lambda g: hashlib.sha1(g.encode()).hexdigest())
        rank = {g: i for i, g in enumerate(groups)}
        ordered = sorted(pool, key=lambda e: (rank[e.group], e.order))
    elif pool is examples and all(e.source == "seed" for e in pool):   # seed only: a fixed pseudo-random tenth
        ordered = sorted(pool, key=lambda e: hashlib.sha1(e.text.encode()).hexdigest())
    else:
        ordered = sorted(pool, key=lambda e: (e.source, e.order))
    train, test = ordered[:-n_test], ordered[-n_test:]
    if ordered and all(e.group is not None for e in pool) and not all(e.at is not None for e in pool):
        test_groups = {e.group for e in test}
        train = [e for e in train if e.group not in test_groups]
    test_keys = {text_key(e.text) for e in test}
    train = [e for e in kept_in_train + train if text_key(e.text) not in test_keys]
    return train, test
