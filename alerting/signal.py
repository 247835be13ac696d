"""What detection keeps of a post (a Signal), and the stable id of the alert a story's first post names."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Signal:
    """A post reduced to what detection needs."""

    uid: str
    topic: str                               # the post's best risk topic
    also: tuple[str, ...]                    # other risk topics it may belong to (secondary_threshold)
    settlement: str | None
    author: str
    source: str
    at: datetime
    risk: float
    negative: float
    text: str
    url: str | None
    parent_uid: str | None
    street: str = ""                         # "ул. Ленина" (issue 18), "" when unknown
    object: str = ""                         # "школа"
    terms: frozenset[str] = frozenset()      # content lemmas (what the post is about), for stories by meaning
    mix: tuple[tuple[str, float], ...] = ()  # the post's risk-topic probabilities, best first
    strong: bool = True                      # its best topic passed topic_threshold (else only a candidate)
    unnamed: bool = False                    # no risk topic fits: a negative post scored «other» (or nearly)
    calm: bool = False                       # a calm post of a minor topic: it only backs others' story by meaning

    @property
    def mix_dict(self) -> dict[str, float]:
        return dict(self.mix)


def alert_id_for(first_uid: str) -> str:
    """Stable across runs and runners: the same first post always names the same alert."""
    return "A-" + hashlib.sha1(first_uid.encode()).hexdigest()[:10]


def compatible_place(a: str | None, b: str | None) -> bool:
    """Two settlements that may be one place: equal, or one of them unknown."""
    return a is None or b is None or a == b


def most_common_place(signals: Iterable[Signal]) -> str | None:
    known = Counter(w.settlement for w in signals if w.settlement)
    return known.most_common(1)[0][0] if known else None
