"""Event-time detection: instant alerts for single high-risk posts, bursts that form stories.

Everything is computed from posts' published_at, never the wall clock, so a replay of last week gives the
alerts last week would have given. The Detector holds only bounded state (a window of pending signals per
topic, the open stories) and returns frozen Alert snapshots for every alert it creates or updates.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Callable, Iterable

from core.records import OTHER_TOPIC, Alert, EnrichedPost
from core.settings import LEVELS, Detection
from core.taxonomy import Topic

SNIPPET_CHARS = 280


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


@dataclass
class _Story:
    alert_id: str
    kind: str
    topic: str
    created_at: datetime
    signals: list[Signal] = field(default_factory=list)

    @property
    def last_at(self) -> datetime:
        return self.signals[-1].at

    @property
    def settlement(self) -> str | None:
        known = Counter(s.settlement for s in self.signals if s.settlement)
        return known.most_common(1)[0][0] if known else None

    @property
    def uids(self) -> set[str]:
        return {s.uid for s in self.signals}


def alert_id_for(first_uid: str) -> str:
    """Stable across runs and runners: the same first post always names the same alert."""
    return "A-" + hashlib.sha1(first_uid.encode()).hexdigest()[:10]


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


class Detector:
    def __init__(self, config: Detection, topics: dict[str, Topic], calendar=None, official: Iterable[str] = (),
                 horizon: Callable[[], datetime] | None = None):
        self.config = config
        self.horizon = horizon            # live: the wall clock; detection's clock never runs past it
        self.topics = topics
        self.calendar = calendar                              # alerting.campaigns.Calendar: seasonal thresholds
        self.official = frozenset(official)                  # sources whose posts are answers, never complaints
        self.pending: dict[str, deque[Signal]] = {}
        self.stories: dict[str, _Story] = {}
        self.recent: dict[str, Signal] = {}                  # signals of the last story_idle_s, by uid
        self.now: datetime | None = None

    def to_signal(self, e: EnrichedPost) -> Signal | None:
        """The post as a risk signal, or None when it says nothing about a risk.

        A post counts for its best risk topic at topic_threshold or more; for a topic whose criticality is below
        neutral_report_criticality (culture, trade, ...) only a negative post is a report, since mentioning
        the topic is no problem in itself («концерт в ДК в субботу»), while «в Лычкове нет воды» is, said calmly.
        """
        if e.post.source in self.official and e.post.parent_uid is None:
            return None                                       # the administration's own post answers a risk
        risky = [t for t in e.topics if t.topic != OTHER_TOPIC]
        if not risky or risky[0].score < self._threshold(risky[0].topic, e) or e.sentiment == "positive":
            return None
        best = risky[0]
        crit = self._criticality(best.topic)
        if crit < self.config.neutral_report_criticality and e.negative < 0.5:
            return None
        p = e.post
        also = tuple(t.topic for t in risky[1:] if t.score >= self.config.secondary_threshold)
        return Signal(uid=p.uid, topic=best.topic, also=also, settlement=e.settlement, author=p.author or p.uid,
                      source=p.source, at=p.published_at, risk=best.score * crit * (0.5 + 0.5 * e.negative),
                      negative=e.negative, text=p.text[:SNIPPET_CHARS], url=p.url, parent_uid=p.parent_uid)

    def _threshold(self, topic: str, e: EnrichedPost) -> float:
        """topic_threshold, lowered during a season that raises this topic (preventive campaigns)."""
        base = self.config.topic_threshold
        return base if self.calendar is None else self.calendar.threshold(topic, e.post.published_at, base)

    def _reply_signal(self, e: EnrichedPost, parent: Signal) -> Signal | None:
        """A negative reply under a risk post continues its topic even when its own words name none
        («И у нас так же», «Сколько можно!»)."""
        if e.sentiment == "positive" or e.negative < 0.5:
            return None
        p = e.post
        return Signal(uid=p.uid, topic=parent.topic, also=(), settlement=e.settlement or parent.settlement,
                      author=p.author or p.uid, source=p.source, at=p.published_at, risk=0.0, negative=e.negative,
                      text=p.text[:SNIPPET_CHARS], url=p.url, parent_uid=p.parent_uid)

    def process(self, e: EnrichedPost) -> list[Alert]:
        at = e.post.published_at
        if e.post.uid in self.recent or self._story_with(e.post.uid):   # delivered again (a stream redelivers
            return []                                                   # after a crash): counted already
        if self.now is not None and self.now - at > timedelta(seconds=self.config.story_idle_s):
            return []        # older than anything detection still remembers: too late to take part
        clock_at = at if self.horizon is None else min(at, self.horizon())
        self.now = clock_at if self.now is None or clock_at > self.now else self.now
        self._expire()
        parent = self.recent.get(e.post.parent_uid) if e.post.parent_uid else None
        signal = self.to_signal(e)
        if signal is None and parent is not None:
            signal = self._reply_signal(e, parent)
        elif signal is not None and signal.settlement is None and parent is not None:
            signal = replace(signal, settlement=parent.settlement)
        if signal is None:
            return []
        self.recent[signal.uid] = signal
        story = self._story_with(signal.parent_uid) or self._open_story_for(signal)
        if story is not None:
            story.signals.append(signal)
            return [self.snapshot(story, signal.at)]
        if signal.topic in self.config.instant_topics and signal.risk >= self.config.instant_threshold:
            return [self._start(signal.topic, [signal], "instant", signal.at)]
        return self._burst(signal)

    def _story_with(self, uid: str | None) -> _Story | None:
        if uid is None:
            return None
        return next((st for st in self.stories.values() if uid in st.uids), None)

    def _criticality(self, topic: str) -> float:
        return self.topics[topic].criticality if topic in self.topics else 0.5

    def _open_story_for(self, s: Signal) -> _Story | None:
        """The open story this signal continues: its best topic first, then a secondary one in the same place.

        A post in the story's settlement joins while the story is open (story_idle_s); a post or story with no
        known place joins only within the burst window of the story's last post.
        """
        topics = (s.topic,) + s.also
        recent = timedelta(seconds=self.config.window_s)
        candidates = [st for st in self.stories.values()
                      if (st.topic == s.topic and st.settlement == s.settlement)
                      or (st.topic == s.topic and _compatible(st.settlement, s.settlement)
                          and s.at - st.last_at <= recent)     # without a shared place only recency ties them
                      or (st.topic in s.also and s.settlement is not None and st.settlement == s.settlement)]
        candidates.sort(key=lambda st: (topics.index(st.topic), st.settlement != s.settlement,
                                        -st.last_at.timestamp()))
        return candidates[0] if candidates else None

    def _burst(self, s: Signal) -> list[Alert]:
        """Add the signal to the windows of its topics; the first window that holds a story's worth starts it."""
        for topic in (s.topic,) + s.also:
            window = self.pending.setdefault(topic, deque())
            window.append(s)
            place = s.settlement or _most_common_place(window)
            group = [w for w in window if _compatible(w.settlement, place)]
            if not self._is_story(group):
                continue
            taken = {w.uid for w in group}
            for other in self.pending:
                self.pending[other] = deque(w for w in self.pending[other] if w.uid not in taken)
            return [self._start(topic, group, "story", s.at)]
        return []

    def _is_story(self, group: list[Signal]) -> bool:
        return len(group) >= self.config.min_posts and len({w.author for w in group}) >= self.config.min_authors

    def _start(self, topic: str, signals: list[Signal], kind: str, at: datetime) -> Alert:
        story = _Story(alert_id_for(signals[0].uid), kind, topic, at, list(signals))
        self.stories[story.alert_id] = story
        return self.snapshot(story, at)

    def _expire(self) -> None:
        window = timedelta(seconds=self.config.window_s)
        idle = timedelta(seconds=self.config.story_idle_s)
        for topic, q in self.pending.items():
            while q and self.now - q[0].at > window:
                q.popleft()
        for alert_id in [a for a, st in self.stories.items() if self.now - st.last_at > idle]:
            del self.stories[alert_id]
        for uid in [u for u, s in self.recent.items() if self.now - s.at > idle]:
            del self.recent[uid]

    def score(self, story: _Story) -> float:
        crit = self._criticality(story.topic)
        n = len(story.signals)
        negative_share = sum(s.negative >= 0.5 for s in story.signals) / n
        sources = len({s.source for s in story.signals})
        return crit * math.log2(1 + n) * (0.5 + negative_share) * (1 + 0.25 * (sources - 1))

    def level(self, story: _Story, score: float) -> str:
        rank = sum(score >= t for t in self.config.level_thresholds)
        if story.topic in self.config.instant_topics:
            rank = max(rank, 2)
        return LEVELS[rank]

    def snapshot(self, story: _Story, at: datetime) -> Alert:
        score = self.score(story)
        signals = story.signals
        best = sorted(signals, key=lambda s: (-s.risk, s.at))[: self.config.snippets]
        return Alert(alert_id=story.alert_id, kind=story.kind, topic=story.topic, settlement=story.settlement,
                     level=self.level(story, score), score=round(score, 3), created_at=story.created_at,
                     updated_at=at, first_at=signals[0].at, last_at=max(s.at for s in signals),
                     post_uids=tuple(s.uid for s in signals), sources=tuple(sorted({s.source for s in signals})),
                     negative_share=round(sum(s.negative >= 0.5 for s in signals) / len(signals), 3),
                     snippets=tuple((s.text, s.url) for s in sorted(best, key=lambda s: s.at)))


def _most_common_place(window: deque[Signal]) -> str | None:
    known = Counter(w.settlement for w in window if w.settlement)
    return known.most_common(1)[0][0] if known else None
