"""Event-time detection: instant alerts for single high-risk posts, bursts that form stories.

A story forms two ways, and grows two ways:
  - by topic: posts whose best risk topic passes topic_threshold, in one topic window, in one place (as before);
  - by meaning: complaint candidates (risk-topic mass >= candidate_mass, not positive) that say the same thing
    (alerting/affinity.py: shared content words, topic mixes, topic families), whatever their top label — a
    burst about a flooded basement scored emergency / water / housing is one story, and so is a burst of
    complaints no topic fits. A story's topic is the weighted vote of its posts and may change as it grows;
    its alert id never does;
  - from posts no risk topic fits at all (negative, scored «other»): only a word that min_posts of them share,
    far more often than the recent candidates use it, makes them one story (a certificate that never came).
A story by meaning also needs a word two of its posts use unusually often, so everyday words never glue chatter.
It starts at the post that completes it, also through an earlier report (A-B, A-C: B and C share no word).
A same-topic post joins an open story by topic alone only in the story's known settlement; with no known place,
only within the burst window and when it shares the story's core words.

Everything is computed from posts' published_at, never the wall clock, so a replay of last week gives the
alerts last week would have given. The Detector holds only bounded state (a window of pending signals per
topic, the open stories) and returns frozen Alert snapshots for every alert it creates or updates.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import chain
from typing import Callable, Iterable

from alerting import affinity, bursts
from alerting.place_affinity import OTHER_STREET, place_affinity
from alerting.signal import Signal, alert_id_for, compatible_place, most_common_place
from alerting.story import Story as _Story
from core.records import OTHER_TOPIC, Alert, EnrichedPost
from core.settings import LEVELS, Detection
from core.taxonomy import Topic

SNIPPET_CHARS = 280


class Detector:
    def __init__(self, config: Detection, topics: dict[str, Topic], calendar=None, official: Iterable[str] = (),
                 terms: Callable[[str], frozenset[str]] | None = None,
                 horizon: Callable[[], datetime] | None = None):
        self.config = config
        self.horizon = horizon            # live: the wall clock; detection's clock never runs past it
        self.topics = topics
        self.calendar = calendar                              # alerting.campaigns.Calendar: seasonal thresholds
        self.official = frozenset(official)                  # sources whose posts are answers, never complaints
        self.terms = terms or (lambda text: frozenset())     # text -> content lemmas (pipeline.text.content_terms)
        self.pending: dict[str, deque[Signal]] = {}
        self.meaning: deque[Signal] = deque()                # complaint candidates of the last window_s
        self.rarity = affinity.Rarity()                      # how generic each word is among past candidates
        self.unrated: deque[Signal] = deque()                # candidates not yet counted there (the last window_s)
        self.stories: dict[str, _Story] = {}
        self.recent: dict[str, Signal] = {}                  # signals of the last story_idle_s, by uid
        self.recent_oldest: datetime | None = None           # none in recent is older (None: recent is empty)
        self.now: datetime | None = None

    def to_signal(self, e: EnrichedPost) -> Signal | None:
        """The post as a risk signal, or None when it says nothing about a risk.

        A post counts for its best risk topic at topic_threshold or more; for a topic whose criticality is below
        neutral_report_criticality (culture, trade, ...) only a negative post is a report, since mentioning
        the topic is no problem in itself («концерт в ДК в субботу»), while «в Лычкове нет воды» is, said calmly.
        A calm one is a `calm` candidate: it backs a burst by meaning (a formal note beside angry reports).
        """
        if e.post.source in self.official and e.post.parent_uid is None:
            return None                                       # the administration's own post answers a risk
        risky = [t for t in e.topics if t.topic != OTHER_TOPIC]
        if e.reads_positive:
            return None
        if not risky or (risky[0].score < self._threshold(risky[0].topic, e)
                         and sum(t.score for t in risky) < self.config.candidate_mass):
            return self._unnamed_signal(e)
        best = risky[0]
        strong = best.score >= self._threshold(best.topic, e)
        crit = self._criticality(best.topic)
        # backs others' reports only: a minor topic, or a topic the post only leans to, said without a complaint's mood
        calm = (crit < self.config.neutral_report_criticality or not strong) and not e.reads_negative
        strong = strong and not calm
        p = e.post
        also = tuple(t.topic for t in risky[1:] if t.score >= self.config.secondary_threshold) if strong else ()
        return Signal(uid=p.uid, topic=best.topic, also=also, settlement=e.settlement, author=p.author or p.uid,
                      source=p.source, at=p.published_at, risk=best.score * crit * (0.5 + 0.5 * e.negative),
                      negative=e.negative, text=p.text[:SNIPPET_CHARS], url=p.url, parent_uid=p.parent_uid,
                      terms=self.terms(p.text), mix=tuple((t.topic, t.score) for t in risky), strong=strong,
                      street=e.street, object=e.object, calm=calm)

    def _unnamed_signal(self, e: EnrichedPost) -> Signal | None:
        """A negative post no risk topic fits (a vaccination certificate that never came, stray dogs): it may be
        a complaint the taxonomy has no name for. Topic «other»; its mix keeps «other» beside the weak risk topics,
        so two such posts agree and the story's vote may say «other». It forms a story only with posts that share
        its rarest words (see bursts.near_identical), never by topic."""
        if e.negative < self.config.unnamed_negative or e.post.parent_uid is not None:
            return None
        p = e.post
        terms = self.terms(p.text)
        if not terms:
            return None
        return Signal(uid=p.uid, topic=OTHER_TOPIC, also=(), settlement=e.settlement, author=p.author or p.uid,
                      source=p.source, at=p.published_at, risk=0.0, negative=e.negative, text=p.text[:SNIPPET_CHARS],
                      url=p.url, parent_uid=p.parent_uid, terms=terms, mix=tuple((t.topic, t.score) for t in e.topics),
                      strong=False, street=e.street, object=e.object, unnamed=True)

    def _threshold(self, topic: str, e: EnrichedPost) -> float:
        """topic_threshold, lowered during a season that raises this topic (preventive campaigns)."""
        base = self.config.topic_threshold
        return base if self.calendar is None else self.calendar.threshold(topic, e.post.published_at, base)

    def _reply_signal(self, e: EnrichedPost, parent: Signal) -> Signal | None:
        """A negative reply under a risk post continues its topic even when its own words name none
        («И у нас так же», «Сколько можно!»)."""
        if not e.reads_negative:
            return None
        p = e.post
        return Signal(uid=p.uid, topic=parent.topic, also=(), settlement=e.settlement or parent.settlement,
                      author=p.author or p.uid, source=p.source, at=p.published_at, risk=0.0, negative=e.negative,
                      text=p.text[:SNIPPET_CHARS], url=p.url, parent_uid=p.parent_uid, terms=parent.terms,
                      mix=parent.mix, strong=parent.strong, street=e.street,
                      object=e.object)

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
        self.recent_oldest = min(self.recent_oldest or signal.at, signal.at)
        if signal.terms and signal.parent_uid is None:
            self.unrated.append(signal)          # counted once it is past: a burst does not make its own words common
        story = (self._story_with(signal.parent_uid) or (self._open_story_for(signal) if signal.strong else None)
                 or self._story_by_meaning(signal))
        if story is not None:
            story.add(signal)
            story.topic = story.vote() or story.topic
            return [self.snapshot(story, signal.at)]
        if (signal.strong and signal.topic in self.config.instant_topics
                and signal.risk >= self.config.instant_threshold):
            return [self._start(signal.topic, [signal], "instant", signal.at)]
        return (self._burst(signal) if signal.strong else []) or self._burst_by_meaning(signal)

    def _story_with(self, uid: str | None) -> _Story | None:
        return None if uid is None else next((st for st in self.stories.values() if uid in st.uids), None)

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
                      if (st.topic == s.topic and s.settlement is not None and st.settlement == s.settlement)
                      or (st.topic == s.topic and compatible_place(st.settlement, s.settlement)
                          and s.at - st.last_at <= recent      # without a known shared place, recency and
                          and self._says_the_same(s, st))      # what the posts say tie them
                      or (st.topic in s.also and s.settlement is not None and st.settlement == s.settlement
                          and place_affinity((st.settlement, st.street), (s.settlement, s.street)) > OTHER_STREET)]
        # a different problem on a different street stays apart (above); the same street leans together (below)
        candidates.sort(key=lambda st: (topics.index(st.topic), st.settlement != s.settlement,
                                        -place_affinity((st.settlement, st.street), (s.settlement, s.street)),
                                        -st.last_at.timestamp()))
        return candidates[0] if candidates else None

    def _links(self, s: Signal, others: Iterable[Signal]) -> list[Signal]:
        """The signals among `others` that say the same as s, in a compatible place."""
        stems, mix = affinity.stems(s.terms), s.mix_dict
        return [w for w in others if w.uid != s.uid and compatible_place(w.settlement, s.settlement)
                and affinity.linked(stems, affinity.stems(w.terms), mix, w.mix_dict, s.topic, w.topic, self.rarity)]

    def _story_by_meaning(self, s: Signal) -> _Story | None:
        """An open story this signal says the same as: linked to min(2, size) of its latest posts and sharing its
        core words, within the burst window of its last post (or while it is open, in its known settlement)."""
        recent = timedelta(seconds=self.config.window_s)
        best, most = None, 0
        for st in self.stories.values():
            if not compatible_place(st.settlement, s.settlement):
                continue
            if s.at - st.last_at > recent and not (s.settlement and st.settlement == s.settlement):
                continue
            n = len(self._links(s, st.signals))           # its latest meaning_members (a bounded deque)
            if n >= min(2, st.count) and n > most and self._about_core(s, st):
                best, most = st, n
        return best

    def _says_the_same(self, s: Signal, st: _Story) -> bool:
        """Without words on either side (a detector built without a terms function) the topic alone decides."""
        return not s.terms or self._about_core(s, st)

    def _about_core(self, s: Signal, st: _Story) -> bool:
        """The signal shares the story's core: words two of its posts share (all its words while it has one post),
        worth min_weight — linking to two posts through side words («двор», «дом») is not enough."""
        core = st.core()
        return sum(map(self.rarity.weight, core & affinity.stems(s.terms))) >= affinity.MIN_WEIGHT

    def _burst(self, s: Signal) -> list[Alert]:
        """Add the signal to the windows of its topics; the first window that holds a story's worth starts it."""
        for topic in (s.topic,) + s.also:
            window = self.pending.setdefault(topic, deque())
            window.append(s)
            place = s.settlement or most_common_place(window)
            group = [w for w in window if compatible_place(w.settlement, place)]
            if not self._is_story(group):
                continue
            return [self._start(topic, self._take(group), "story", s.at)]
        return []

    def _burst_by_meaning(self, s: Signal) -> list[Alert]:
        """Add the signal to the window of candidates; with the earlier ones it says the same as, a story's worth
        (min_posts, min_authors) starts a story whose topic is their vote."""
        self.meaning.append(s)
        linked = self._links(s, self.meaning)
        # the signal with the posts it says the same as; else an earlier report it shares an unusual word with, with
        # that one's links (reports A-B and A-C, where B and C share no word, are one burst as soon as C comes)
        seen = len(self.unrated)
        hubs = ([x for x in self._links(w, self.meaning) + [w] if compatible_place(x.settlement, s.settlement)] for w
                in linked if not (w.unnamed or w.calm) and bursts.bursting([w, s], self.rarity, seen, self.config))
        for group in chain([linked + [s]], hubs):           # a hub's group only in s's place; built only when needed
            if sum(w.unnamed for w in group) > 1:         # unnamed posts that need each other to make a story
                group = bursts.near_identical(group, self.rarity, seen, self.config)
            if s in group and self._is_story(group) and bursts.bursting(group, self.rarity, seen, self.config):
                topic = affinity.vote(w.mix_dict for w in group) or s.topic
                return [self._start(topic, self._take(group), "story", s.at)]
        return []

    def _take(self, group: list[Signal]) -> list[Signal]:
        """The group leaves every window (it is a story now); returned in event-time order."""
        taken = {w.uid for w in group}
        for other in self.pending:
            self.pending[other] = deque(w for w in self.pending[other] if w.uid not in taken)
        self.meaning = deque(w for w in self.meaning if w.uid not in taken)
        return sorted(group, key=lambda w: (w.at, w.uid))

    def _is_story(self, group: list[Signal]) -> bool:
        """min_posts, min_authors, and as many authors who complain (calm posts only back them)."""
        loud_authors = {w.author for w in group if not w.calm}
        return len(group) >= self.config.min_posts and len(loud_authors) >= self.config.min_authors

    def _start(self, topic: str, signals: list[Signal], kind: str, at: datetime) -> Alert:
        story = _Story(alert_id_for(signals[0].uid), kind, topic, at, self.config.meaning_members,
                       self.config.snippets, signals)
        self.stories[story.alert_id] = story
        return self.snapshot(story, at)

    def _expire(self) -> None:
        window = timedelta(seconds=self.config.window_s)
        idle = timedelta(seconds=self.config.story_idle_s)
        for q in (*self.pending.values(), self.meaning):
            while q and self.now - q[0].at > window:
                q.popleft()
        while self.unrated and self.now - self.unrated[0].at > window:
            old = self.unrated.popleft()
            self.rarity.add(old.at.date().isoformat(), affinity.stems(old.terms))
        for alert_id in [a for a, st in self.stories.items() if self.now - st.last_at > idle]:
            del self.stories[alert_id]
        if self.recent and self.now - self.recent_oldest > idle:     # a pass over recent only when one is due
            self.recent = {u: s for u, s in self.recent.items() if self.now - s.at <= idle}
            self.recent_oldest = min((s.at for s in self.recent.values()), default=None)

    def score(self, story: _Story) -> float:
        crit = self._criticality(story.topic)
        n = story.count
        negative_share, sources = story.negatives / n, len(story.sources)
        return crit * math.log2(1 + n) * (0.5 + negative_share) * (1 + 0.25 * (sources - 1))

    def level(self, story: _Story, score: float) -> str:
        rank = sum(score >= t for t in self.config.level_thresholds)
        if story.topic in self.config.instant_topics:
            rank = max(rank, 2)
        return LEVELS[rank]

    def snapshot(self, story: _Story, at: datetime) -> Alert:
        score = self.score(story)
        n, best = story.count, story.best
        words = story.shared_words()
        why = (f"похожих сообщений: {n}" + (f"; общие слова: {', '.join(words)}" if words else "") if n > 1 else "")
        return Alert(alert_id=story.alert_id, kind=story.kind, topic=story.topic, settlement=story.settlement,
                     level=self.level(story, score), score=round(score, 3), created_at=story.created_at,
                     updated_at=at, first_at=story.first_at, last_at=story.max_at,
                     post_uids=tuple(story.uid_list), sources=tuple(sorted(story.sources)),
                     negative_share=round(story.negatives / n, 3),
                     snippets=tuple((s.text, s.url) for s in sorted(best, key=lambda s: s.at)), why=why,
                     street=story.street, object=story.object)
