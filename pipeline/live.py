"""`dozor run`: the 24/7 process. Collectors on their schedules feed the pipeline, top to bottom:

    every source when due:  cursor = cursors.get  ->  collector.poll  ->  handle(posts)  ->  cursors.put  ->  poll log
    every health interval:  handle.tick(now)  ->  per-source figures  ->  "нет данных" notices  ->  a health line

handle() is the embedded pipeline here (EmbeddedHandler: enrich -> detect -> risk workflow -> store); tick() moves
the risk workflow on the wall clock (SLA reminders, verdicts) and takes in what staff did in the chat. The cursor
is saved only
after it returned, so a crash anywhere before re-reads the same posts on restart and the store, which skips
known uids, keeps each post once. Stop (SIGTERM, --for) is checked between polls: a poll is never cut in half.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Protocol

from alerting.detect import Detector
from alerting.workflow import RiskTracker
from collectors.backoff import Action, SourceUnavailable
from collectors.base import Collector, CursorStore
from collectors.completeness import Notice, assess
from collectors.parse import date_problem, storable
from core.records import Alert, DeadLetter, EnrichedPost, Post
from core.settings import Collect
from core.sources import PollRecord, SourceConfig
from core.supervise import Step, transient
from pipeline import failpoints
from pipeline.enrich import Kit, enrich_batch
from pipeline.stages import detect_in_order, pseudonymise
from storage.clickhouse import ClickHouseStore
from storage.cursors import record_poll, source_stats
from storage.queries import stored_posts_since
from storage.risks import RiskStore

log = logging.getLogger("dozor.run")
PAUSE = {Action.QUOTA: 6 * 3600, Action.SKIP_SOURCE: 3600, Action.AUTH: 24 * 3600}   # seconds a source rests


class Handler(Protocol):
    dataset: str                                          # where the runner puts a batch's dead letters
    def __call__(self, posts: tuple[Post, ...], source: SourceConfig) -> tuple[int, int]: ...   # (new, edited)
    def tick(self, now: datetime) -> None: ...


@dataclass
class EmbeddedHandler:
    """Posts of one poll -> enrich -> detect (new posts only) -> risk workflow -> store (new posts and edits)."""

    kit: Kit
    detector: Detector
    store: ClickHouseStore
    dataset: str = "live"
    on_alert: Callable[[Alert, bool], None] = lambda alert, is_new: None
    risks: RiskTracker | None = None
    risk_store: RiskStore | None = None
    alerts: dict[str, Alert] = field(default_factory=dict)     # alert id -> latest snapshot
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    unwritten: dict[str, Alert] = field(default_factory=dict)  # alerts raised, not stored yet (the database away)

    def __call__(self, posts: tuple[Post, ...], source: SourceConfig) -> tuple[int, int]:
        posts = self._dated(posts, source)
        posts = tuple(pseudonymise(posts, self.store))      # as stored: a restart's warm-up counts authors alike
        known = self.store.known_posts([p.uid for p in posts])          # one lookup: upsert_posts reuses it
        todo = [p for p in posts if p.uid not in known or known[p.uid][0] != p.text]
        enriched = [with_hint(e, source) for e in enrich_batch(todo, self.kit)]
        new = sorted((e for e in enriched if e.post.uid not in known), key=lambda e: e.post.published_at)
        self.unwritten.update(detect_in_order(new, self.detector, self.risks, self.on_alert, self.alerts))
        counts = self._upsert(enriched, known, source)
        self.store.write_alerts(list(self.unwritten.values()), self.dataset)
        self.unwritten.clear()                  # a failed write keeps them for the next poll (its posts come again)
        self._forget_closed()
        if self.risks is not None:
            self.risks.flush()
        return counts

    def _upsert(self, enriched: list[EnrichedPost], known: dict, source: SourceConfig) -> tuple[int, int]:
        """One write for the poll's posts. If it fails for the data's sake (a value the store cannot take), post by
        post: the one that fails goes to dead letters with the reason, the rest are stored. A database away or a
        bug (anything else) still fails the whole poll, and the cursor stays: nothing is lost. So does a fault that
        every post of a poll of several hits one by one: that is the store or the code, not one record."""
        try:
            return self.store.upsert_posts(enriched, self.dataset, known)
        except _DATA_FAULTS as e:
            if transient(e):
                raise
            log.warning("%s: запись пакета не прошла (%s: %s), пишу по одному", source.key, type(e).__name__, e)
        new = edited = 0
        letters = []
        for e in enriched:
            try:
                n, m = self.store.upsert_posts([e], self.dataset, known)
            except _DATA_FAULTS as error:
                if transient(error) or len(letters) == len(enriched) - 1 > 0:
                    raise                                 # an outage, or every post failing: the poll fails
                letters.append(DeadLetter(f"{source.key}:{e.post.uid}", storable(e.post.text),
                                          storable(f"сообщение не записано: {type(error).__name__}: {error}")[:1000],
                                          self.clock()))
                continue
            new, edited = new + n, edited + m
        if letters:
            log.warning("%s: %d сообщений не записаны, отложены в dead_letters", source.key, len(letters))
            self.store.write_dead_letters(letters, self.dataset)
        return new, edited

    def _forget_closed(self) -> None:
        """Alerts of stories idle past story_idle_s are closed (a later post starts a new story): forget them."""
        now = self.detector.now
        if now is None:
            return
        idle = timedelta(seconds=self.detector.config.story_idle_s)
        for alert_id in [a for a, alert in self.alerts.items() if now - alert.last_at > idle]:
            del self.alerts[alert_id]

    def _dated(self, posts: tuple[Post, ...], source: SourceConfig) -> tuple[Post, ...]:
        """Posts dated before 1990 or over a day past the wall clock go to dead letters, not into detection."""
        now, keep, letters = self.clock(), [], []
        for p in posts:
            problem = date_problem(p.published_at, now)
            if problem is None:
                keep.append(p)
            else:
                letters.append(DeadLetter(f"{source.key}:{p.uid}", storable(p.text[:4096]), problem, now))
        if letters:
            log.warning("%s: %d сообщений с невозможной датой отложены в dead_letters", source.key, len(letters))
            self.store.write_dead_letters(letters, self.dataset)
        return tuple(keep)

    def tick(self, now: datetime) -> None:
        if self.risks is not None:
            self.risks.advance(now)
            self.risks.sync(self.risk_store)

    def warm(self, since: datetime) -> int:
        """Feed the detector (and the risk workflow) the stored posts since `since` up to the wall clock, silently:
        their alerts and risk events are stored already. Then the stored risk history (staff's presses, answers) is
        taken in. A stored post dated in the future (an old replay's bad row) is left out: it would move
        detection's clock past every real post."""
        stored = stored_posts_since(self.store, since, until=self.clock())
        sinks = self.risks.sinks if self.risks is not None else []
        if self.risks is not None:
            self.risks.sinks = []
        detect_in_order(stored, self.detector, self.risks, lambda a, new: None, self.alerts)
        if self.risks is not None:
            self.risks.sync(self.risk_store)
            self.risks.sinks = sinks
        return len(stored)


_DATA_FAULTS = (UnicodeError, ValueError, OverflowError)   # a value the store cannot take, not an outage


@dataclass
class KafkaHandler:
    """Kafka mode: posts of one poll go onto posts.raw.v1 (keyed by source, in event time); workers enrich and
    detect, the sink stores. Returns once the broker has acknowledged every post (acks=all), so the cursor the
    runner saves next never runs ahead of what Kafka holds. New vs edited is the sink's business: (sent, 0)."""

    kafka: object                                   # core.settings.Kafka
    dataset: str = "live"                           # the collector's own store keeps the dead letters

    def __call__(self, posts: tuple[Post, ...], source: SourceConfig) -> tuple[int, int]:

        from pipeline.stream.publish import publish
        return asyncio.run(publish(self.kafka, posts)).posts, 0

    def tick(self, now: datetime) -> None:
        pass


def with_hint(e: EnrichedPost, source: SourceConfig) -> EnrichedPost:
    """A post that names no place gets its source's settlement hint («Чат Лычково» is about Лычково)."""
    return e if e.settlements or not source.settlement else replace(e, settlements=(source.settlement,))


@dataclass
class SourceState:
    due_at: float = 0.0                 # monotonic-free: seconds since the epoch by the runner's clock
    polls: int = 0
    failures: int = 0
    notice: Notice | None = None
    last_ok_at: float | None = None     # the last good poll (for `dozor serve`'s /health)
    error: str = ""                     # the last failure's reason


@dataclass
class LiveRunner:
    sources: list[SourceConfig]
    collectors: dict[str, Collector]                 # platform -> collector
    cursors: CursorStore
    handle: Handler
    store: ClickHouseStore
    config: Collect
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    on_notice: Callable[[Notice, bool], None] = lambda notice, active: None   # active=False: the source is back
    state: dict[str, SourceState] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=lambda: {"polls": 0, "failed": 0, "new": 0, "edited": 0})

    def __post_init__(self) -> None:
        self.state = {s.key: SourceState() for s in self.sources}

    def run(self, stop: threading.Event, seconds: float | None = None) -> None:
        """Poll sources when due until `stop` is set or `seconds` have passed; health lines on the way."""
        started = self.clock().timestamp()
        health = Step("строка здоровья", self.health, self.config.health_interval_s,
                      max_rest_s=self.config.health_interval_s, clock=lambda: self.clock().timestamp())
        while not stop.is_set():
            now = self.clock().timestamp()
            if seconds is not None and now - started >= seconds:
                break
            for source in sorted(self.sources, key=lambda s: self.state[s.key].due_at):
                if stop.is_set() or self.state[source.key].due_at > self.clock().timestamp():
                    continue
                self.poll(source)
            health.run_if_due()
            wake = min([st.due_at for st in self.state.values()] + [health.next_at])
            if seconds is not None:
                wake = min(wake, started + seconds)
            stop.wait(max(0.0, min(wake - self.clock().timestamp(), 1.0)))
        health.run()
        log.info("остановка: опросов %(polls)d (с ошибкой %(failed)d), новых сообщений %(new)d, правок %(edited)d",
                 self.totals)

    def poll(self, source: SourceConfig) -> None:
        st = self.state[source.key]
        st.polls += 1
        self.totals["polls"] += 1
        now = self.clock()
        st.due_at = now.timestamp() + source.poll_s
        try:
            batch = self.collectors[source.platform].poll(source, self.cursors.get(source.key))
        except SourceUnavailable as e:
            self._failed(source, st, now, e.reason, e.action)
            return
        except Exception as e:                                  # noqa: BLE001 - one source never stops the loop
            log.exception("%s: сбой опроса", source.key)
            self._failed(source, st, now, f"сбой опроса: {type(e).__name__}: {e}", Action.FAIL)
            return
        failpoints.hit("after_fetch")
        letters = list(batch.dead_letters)                       # items the collector could not use
        try:
            if letters:
                self.store.write_dead_letters(letters, self.handle.dataset)
            new, edited = self.handle(batch.posts, source) if batch.posts else (0, 0)
            failpoints.hit("after_store")
            self.cursors.put(batch.cursor)
        except Exception as e:                                  # noqa: BLE001 - the database restarting, …
            if not transient(e):                                # the cursor stays: the next poll reads them again
                log.exception("%s: сбой обработки", source.key)
            self._failed(source, st, now, f"сбой записи: {type(e).__name__}: {e}", Action.FAIL)
            return
        st.failures, st.last_ok_at, st.error = 0, now.timestamp(), ""
        self.totals["new"] += new
        self.totals["edited"] += edited
        dated = [p.published_at for p in batch.posts if date_problem(p.published_at, now) is None]
        self._log_poll(PollRecord(source.key, now, True, len(batch.posts), new,   # a dead-lettered date is no news
                                  last_post_at=max(dated, default=None)))
        if new or edited:
            log.info("%s: %d новых, %d правок", source.key, new, edited)

    def _failed(self, source: SourceConfig, st: SourceState, now: datetime, reason: str, action: Action) -> None:
        st.failures, st.error = st.failures + 1, reason
        self.totals["failed"] += 1
        st.due_at = now.timestamp() + max(source.poll_s, PAUSE.get(action, 0))
        if action is Action.AUTH:                    # a wrong token fails every source of the platform: rest them all
            for other in self.sources:
                if other.platform == source.platform:
                    self.state[other.key].due_at = max(self.state[other.key].due_at, st.due_at)
        log.warning("%s: %s (следующая попытка через %d с)", source.key, reason, st.due_at - now.timestamp())
        self._log_poll(PollRecord(source.key, now, False, error=reason[:1000], action=action.value))

    def _log_poll(self, record: PollRecord) -> None:
        """The poll log is for health figures: a write that fails (the database away) is logged, not fatal."""
        try:
            record_poll(self.store, record)
        except Exception as e:                                  # noqa: BLE001
            log.error("%s: опрос не записан в журнал (%s: %s)", record.source, type(e).__name__, e)

    def health(self) -> None:
        now = self.clock()
        self.handle.tick(now)
        stats = source_stats(self.store, [s.key for s in self.sources], now, self.config.rate_days)
        silent = []
        for source in self.sources:
            notice = assess(stats[source.key], source.name or source.key, now, self.config)
            st = self.state[source.key]
            if notice is not None:
                silent.append(source.name or source.key)
                if st.notice is None or st.notice.kind != notice.kind:
                    log.warning("%s", notice.text)
                    self.on_notice(notice, True)
            elif st.notice is not None:
                log.warning("данные снова поступают: «%s»", source.name or source.key)
                self.on_notice(st.notice, False)
            st.notice = notice
        hour_ago = now - timedelta(hours=1)
        fresh = sum(1 for s in stats.values() if s.last_success_at and s.last_success_at >= hour_ago)
        failing = sum(1 for st in self.state.values() if st.failures)
        log.info("здоровье: источников %d (опрошены за час %d, с ошибками %d); новых сообщений %d, правок %d; "
                 "нет данных: %s", len(self.sources), fresh, failing, self.totals["new"], self.totals["edited"],
                 ", ".join(silent) or "нет")
