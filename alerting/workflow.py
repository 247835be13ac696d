"""The risk workflow in event time: every alert becomes a risk, and the pipeline's posts drive its lifecycle.

    tracker = RiskTracker(settings.risks, sinks=[RiskStoreSink(RiskStore(store, dataset)), chat_sink])
    tracker.observe(enriched_post, alerts_it_changed)     # per post, in event time (pipeline/embedded.py)
    tracker.flush()                                       # per batch: the sinks write

Per post: SLA marks and reaction verdicts due by the post's time; a post on an official page (the
administration's page) on an open story's topic and place registers as that story's answer; a post that joins a
story or replies under an answer's link is a reaction. The decisions are lifecycle.py and reaction.py (pure);
this class only keeps the state between posts and hands events to the sinks.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from alerting.answers import DOMAINS, domain
from alerting.lifecycle import UNANSWERED, Risk, RiskEvent, Sla, apply, due_sla, sla_marks, start, stored_risk
from alerting.reaction import Mention, Reaction, last_alarm, next_step
from core.records import Alert, EnrichedPost
from core.risks import Answer

KEEP = timedelta(days=7)          # risks and posts idle this long are forgotten (the store keeps them)
SEEN = timedelta(days=1)          # recent posts kept for stories raised after them (a story is raised within hours)
STALE = timedelta(days=30)        # an open risk nobody touched this long is forgotten too (the bot reads the store)


class RiskSink(Protocol):
    def alert(self, alert: Alert, risk: Risk) -> None: ...
    def event(self, risk: Risk, event: RiskEvent, answer: Answer | None) -> None: ...
    def flush(self) -> None: ...


def register_answer(risk: Risk, answer: Answer) -> tuple[Risk, RiskEvent]:
    """The «answered» event for an answer (from the chat or an official page)."""
    details = {"answer_id": answer.answer_id, "origin": answer.origin, "platforms": list(answer.platforms),
               "links": list(answer.links), "linked_uids": list(answer.linked_uids),
               "after_first_s": int((answer.answered_at - risk.first_at).total_seconds())}
    return apply(risk, "answered", answer.answered_at, answer.author, details)


class RiskTracker:
    def __init__(self, config, sinks: list[RiskSink] = (), secondary_threshold: float = 0.30,
                 horizon: Callable[[], datetime] | None = None):
        self.config = config
        self.horizon = horizon            # live: the wall clock; the tracker's clock never runs past it
        self.sla = Sla.of(config)
        self.reaction = Reaction.of(config)
        self.sinks = list(sinks)
        self.secondary_threshold = secondary_threshold
        self.risks: dict[str, Risk] = {}
        self.alerts: dict[str, Alert] = {}
        self.mentions: dict[str, list[Mention]] = defaultdict(list)
        self.seen: dict[str, Mention] = {}           # recent posts, for stories raised after their first posts
        self.linked: dict[str, str] = {}             # an answer's linked post uid -> alert_id
        self.now: datetime | None = None
        self.wake: list[tuple[datetime, str]] = []   # heap: (when a risk needs a look, alert_id); stale entries
        self.look_at: dict[str, datetime] = {}       # ... are those whose time is not look_at[alert_id]

    # --- the pipeline's side ----------------------------------------------------------------------------------
    def observe(self, e: EnrichedPost, alerts: list[Alert]) -> None:
        p = e.post
        self.advance(p.published_at)
        mention = Mention(p.uid, p.published_at, p.source, e.reads_negative)
        self.seen[p.uid] = mention
        official = p.source in self.config.official_sources and p.parent_uid is None
        for alert in alerts:
            self._alert(alert, skip=p.uid if official else None)
        if official:
            self._official(e)
        alert_id = self.linked.get(p.parent_uid or "")
        if alert_id and alert_id in self.risks and p.uid not in {m.uid for m in self.mentions[alert_id]}:
            self.mentions[alert_id].append(mention)
            self._schedule(alert_id, soon=True)
        self.advance(p.published_at)

    def advance(self, now: datetime) -> None:
        """Raise everything due by `now`: SLA marks, watching, «отработан», reopening. Only the risks whose next
        mark, verdict or forgetting is due are looked at (a heap of wake-up times), not every open risk per post."""
        now = now if self.horizon is None else min(now, self.horizon())
        self.now = now if self.now is None or now > self.now else self.now
        while self.wake and self.wake[0][0] <= self.now:
            at, alert_id = heapq.heappop(self.wake)
            if self.look_at.get(alert_id) == at:
                self._look(alert_id)
        while self.seen:                     # `seen` is in arrival (≈ event-time) order: expire from the front
            uid, oldest = next(iter(self.seen.items()))
            if self.now - oldest.at <= SEEN:
                break
            del self.seen[uid]

    def _look(self, alert_id: str) -> None:
        risk = self.risks[alert_id]
        risk, events = due_sla(risk, self.now, self.sla)
        while (step := next_step(risk, self.mentions.get(alert_id, []), self.now, self.reaction)) is not None:
            event, at, details = step
            risk, ev = apply(risk, event, at, details=details)
            events.append(ev)
        self._emit(risk, events)
        if self.now - risk.last_at > (KEEP if not risk.is_open else STALE):
            self._forget(alert_id)
        else:
            self._schedule(alert_id, after=self.now)

    def reschedule(self) -> None:
        """Wake-up times for every risk held (after a restore from saved state, which keeps no heap)."""
        self.wake, self.look_at = [], {}
        for alert_id in self.risks:
            self._schedule(alert_id)

    def _schedule(self, alert_id: str, soon: bool = False, after: datetime | None = None) -> None:
        """When to look at the risk next: its next SLA mark, its reaction verdict, its forgetting (or now, `soon`,
        when it or its mentions changed). `after`: only times past it (what was due by then was just raised)."""
        risk = self.risks.get(alert_id)
        if risk is None:
            return
        times = [risk.last_at + (KEEP if not risk.is_open else STALE)]
        if risk.state in UNANSWERED:
            times += [at for kind, _, at in sla_marks(risk, self.sla) if kind not in risk.sla_done]
        if risk.answered_at is not None and risk.state in ("answered", "watching"):
            answered = max(e.at for e in risk.history if e.event == "answered")
            times.append(answered + timedelta(seconds=self.reaction.watch_after_s) if risk.state == "answered" else
                         last_alarm(self.mentions.get(alert_id, []), answered, self.reaction)
                         + timedelta(seconds=self.reaction.quiet_s))
        if soon and self.now is not None:
            times.append(self.now)
        if after is not None:
            times = [t for t in times if t > after] or [after + timedelta(seconds=1)]
        at = min(times)
        self.look_at[alert_id] = at
        heapq.heappush(self.wake, (at, alert_id))
        if len(self.wake) > 4 * len(self.look_at) + 64:     # stale entries outnumber the live ones: rebuild
            self.wake = [(t, a) for a, t in self.look_at.items()]
            heapq.heapify(self.wake)

    def flush(self) -> None:
        for sink in self.sinks:
            sink.flush()

    def sync(self, store) -> None:
        """Take in what staff changed in the chat (buttons, answers; alerting/bot.py): the stored history wins
        when it holds more than this tracker has seen. `dozor run` calls it between batches."""
        self.flush()
        counts = store.event_counts(list(self.risks))        # one query; a risk is read only when it has more
        for alert_id, risk in list(self.risks.items()):
            if counts.get(alert_id, 0) <= len(risk.history):
                continue
            stored = stored_risk(store, alert_id)
            if stored is not None and len(stored.history) > len(risk.history):
                self.risks[alert_id] = stored
                self._schedule(alert_id, soon=True)
                for answer in store.answers(alert_id):
                    for uid in answer["linked_uids"]:
                        self.linked[uid] = alert_id

    # --- steps ------------------------------------------------------------------------------------------------
    def _alert(self, alert: Alert, skip: str | None) -> None:
        known = {m.uid for m in self.mentions[alert.alert_id]}
        for uid in alert.post_uids:
            if uid not in known and uid != skip and uid in self.seen:
                self.mentions[alert.alert_id].append(self.seen[uid])
        self.mentions[alert.alert_id].sort(key=lambda m: (m.at, m.uid))
        self.alerts[alert.alert_id] = alert
        if alert.alert_id not in self.risks:
            risk, ev = start(alert.alert_id, alert.first_at, alert.created_at,
                             {"first_at": alert.first_at.isoformat(), "topic": alert.topic,
                              "settlement": alert.settlement or "", "level": alert.level})
            self.risks[alert.alert_id] = risk
            self._emit(risk, [ev])
        self._schedule(alert.alert_id, soon=True)           # its mentions changed: a verdict may be due
        for sink in self.sinks:
            sink.alert(alert, self.risks[alert.alert_id])

    def _official(self, e: EnrichedPost) -> None:
        """A post on an official page on an open story's topic and place, within the story's time, answers it."""
        p = e.post
        topics = {t.topic for t in e.topics if t.score >= self.config.official_topic_threshold}
        window = timedelta(seconds=self.config.official_window_s)
        for alert_id, risk in list(self.risks.items()):
            alert = self.alerts[alert_id]
            topic = risk.topic or alert.topic
            if not risk.is_open or topic not in topics:
                continue
            if alert.settlement not in e.settlements and not (alert.settlement is None and e.topic == topic):
                continue                      # the page names the story's place (or, with none known, its topic)
            if not alert.first_at <= p.published_at <= alert.last_at + window:
                continue
            platform = DOMAINS.get(domain(p.url), p.platform) if p.url else p.platform
            answer = Answer(alert_id, p.uid, p.published_at, p.text, (platform,), (p.url,) if p.url else (),
                            (p.uid,), p.source_name or p.source, "official_page")
            self.accept(answer)

    def accept(self, answer: Answer) -> Risk:
        """Register an answer (the chat's or an official page's) against its risk."""
        risk, ev = register_answer(self.risks[answer.alert_id], answer)
        for uid in answer.linked_uids:
            self.linked[uid] = answer.alert_id
        self._emit(risk, [ev], answer)
        return risk

    def _emit(self, risk: Risk, events: list[RiskEvent], answer: Answer | None = None) -> None:
        self.risks[risk.alert_id] = risk
        if events:
            self._schedule(risk.alert_id, soon=True)
        for ev in events:
            for sink in self.sinks:
                sink.event(risk, ev, answer if ev.event == "answered" else None)

    def _forget(self, alert_id: str) -> None:
        for table in (self.risks, self.alerts, self.mentions, self.look_at):
            table.pop(alert_id, None)
        for uid in [u for u, a in self.linked.items() if a == alert_id]:
            del self.linked[uid]
