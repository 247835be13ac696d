"""An open story in bounded memory (issue 16): a story that never goes idle (the same chatter sentence all week)
used to keep every post it took. It keeps its latest `keep` signals (what detection compares a candidate with),
its best snippets, and running figures over all its posts — the count, the uids, the negative posts, the
sources, the places named, the words and the topic mix — so the card and the stored alert show what a story with
every post would have shown.
"""
from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from datetime import datetime

from alerting import affinity
from core.records import NEGATIVE_AT


class Story:
    def __init__(self, alert_id: str, kind: str, topic: str, created_at: datetime, keep: int, snippets: int,
                 signals: Iterable = ()):
        self.alert_id, self.kind, self.topic, self.created_at = alert_id, kind, topic, created_at
        self.keep, self.snippets_kept = keep, snippets
        self.signals: deque = deque(maxlen=keep)        # the latest posts, oldest first
        self.uid_list: list[str] = []                   # every post, in the order taken (the alert's post_uids)
        self.uid_set: set[str] = set()
        self.count = 0
        self.negatives = 0
        self.sources: set[str] = set()
        self.places: Counter = Counter()                # settlement -> posts
        self.streets: Counter = Counter()
        self.objects: Counter = Counter()
        self.stems: Counter = Counter()                 # word stem -> posts (the story's core words)
        self.words: Counter = Counter()                 # content word -> posts (the card's shared words)
        self.mix: Counter = Counter()                   # topic -> probability mass over its posts (the vote)
        self.best: list = []                            # the `snippets` riskiest posts, earliest first on ties
        self.first_at: datetime | None = None
        self.max_at: datetime | None = None
        for s in signals:
            self.add(s)

    def add(self, s) -> None:
        self.signals.append(s)
        self.uid_list.append(s.uid)
        self.uid_set.add(s.uid)
        self.count += 1
        self.negatives += s.negative >= NEGATIVE_AT
        self.sources.add(s.source)
        if s.settlement:
            self.places[s.settlement] += 1
        if s.street:
            self.streets[s.street] += 1
        if s.object:
            self.objects[s.object] += 1
        self.stems.update(affinity.stems(s.terms))
        self.words.update(s.terms)
        self.mix.update(s.mix_dict)
        self.best = sorted(self.best + [s], key=lambda w: (-w.risk, w.at))[: self.snippets_kept]
        self.first_at = self.first_at or s.at
        self.max_at = s.at if self.max_at is None or s.at > self.max_at else self.max_at

    @property
    def last_at(self) -> datetime:
        return self.signals[-1].at

    @property
    def uids(self) -> set[str]:
        return self.uid_set

    @property
    def settlement(self) -> str | None:
        return self.places.most_common(1)[0][0] if self.places else None

    @property
    def street(self) -> str | None:
        """The street most posts name, when at least two do (one passing mention does not place a story)."""
        return _most_common(self.streets, min(2, self.count))

    @property
    def object(self) -> str | None:
        return _most_common(self.objects, min(2, self.count))

    def vote(self) -> str | None:
        """The topic with the most probability mass over all its posts (affinity.vote, kept as a running sum)."""
        return affinity.top_topic(self.mix)

    def core(self) -> set[str]:
        """Stems two of its posts share (all of them while it has one post)."""
        return {t for t, n in self.stems.items() if n >= min(2, self.count)}

    def shared_words(self, limit: int = 3) -> list[str]:
        """affinity.shared_words over all its posts."""
        return affinity.top_shared(self.words, limit)

    def state(self) -> dict:
        """The running figures, JSON-able (alerting/state.py); the kept signals and best are saved by uid."""
        return {"uids": self.uid_list, "count": self.count, "negatives": self.negatives,
                "sources": sorted(self.sources), "places": list(self.places.items()),
                "streets": list(self.streets.items()), "objects": list(self.objects.items()),
                "stems": list(self.stems.items()), "words": list(self.words.items()),
                "mix": list(self.mix.items()), "first_at": self.first_at.isoformat(),
                "max_at": self.max_at.isoformat(),
                "kept": [s.uid for s in self.signals], "best": [s.uid for s in self.best]}

    def restore(self, d: dict, signals: dict) -> Story:
        self.signals.extend(signals[u] for u in d["kept"])
        self.best = [signals[u] for u in d["best"]]
        self.uid_list = list(d["uids"])
        self.uid_set = set(self.uid_list)
        self.count, self.negatives, self.sources = d["count"], d["negatives"], set(d["sources"])
        for name in ("places", "streets", "objects", "stems", "words", "mix"):
            setattr(self, name, Counter(dict((k, v) for k, v in d[name])))
        self.first_at = datetime.fromisoformat(d["first_at"])
        self.max_at = datetime.fromisoformat(d["max_at"])
        return self


def _most_common(counts: Counter, at_least: int = 1) -> str | None:
    known = counts.most_common(1)
    return known[0][0] if known and known[0][1] >= at_least else None
