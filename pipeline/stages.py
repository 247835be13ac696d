"""The one composition of the stages, used by every runner (replay and demo, `dozor run`, the Faust worker).

    settings -> Stages.build(settings, store, dataset)      topics, kit, detector, risk tracker (+ chat), the store
    posts    -> stages.pseudonymise(posts)                  the privacy boundary: authors as the store keeps them
             -> enrich_batch(posts, stages.kit)             text -> lemmas -> topics, sentiment, toxicity, places
             -> detect_in_order(enriched, ...)              event-time stories, then the risk workflow, post by post

Runners differ only in where posts come from and where results go: the embedded runner (pipeline/embedded.py)
writes them at once, the live handler (pipeline/live.py) per poll, the Faust agents (pipeline/stream/) through
Kafka to the sink. Each builds its detector and its tracker here, so the three cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from alerting.campaigns import Calendar
from alerting.detect import Detector
from alerting.workflow import RiskTracker
from core.records import Alert, EnrichedPost, Post
from core.settings import Settings
from core.taxonomy import Topic, load_topics
from pipeline.geo import Gazetteer, names_place
from pipeline.text import content_terms
from storage.clickhouse import ClickHouseStore
from storage.risks import RiskStore, RiskStoreSink


def detector_factory(settings: Settings, topics: dict[str, Topic], gazetteer) -> Callable[..., Detector]:
    """Fresh detectors as every runner builds them: the seasonal calendar (when on), the official pages, and what
    posts are about (content lemmas, place names left to the gazetteer) for stories by meaning. Live runners pass
    horizon=<the wall clock>: a post dated ahead of it cannot move detection's clock past now."""
    calendar = Calendar.load(settings.risks.campaigns_file) if settings.risks.seasonal_thresholds else None
    terms = topic_terms(gazetteer)
    return lambda horizon=None: Detector(settings.detection, topics, calendar, settings.risks.official_sources,
                                         terms=terms, horizon=horizon)


def topic_terms(gazetteer: Gazetteer) -> Callable[[str], frozenset[str]]:
    """text -> what it is about: content lemmas without the words that name a settlement («в Лычкове нет воды» and
    «в Лычкове яма на дороге» share a place, not a problem; place is compared separately)."""
    return lambda text_: content_terms(text_, keep=lambda word: not names_place(word, gazetteer))


def tracker_factory(settings: Settings, horizon: Callable[[], datetime] | None = None) -> Callable[[list], RiskTracker]:
    """Fresh risk trackers as every runner builds them, feeding the given sinks (the Kafka lane: an Outbox).
    horizon: as for detector_factory (live runners: the wall clock)."""
    return lambda sinks: RiskTracker(settings.risks, sinks, settings.detection.secondary_threshold, horizon)


def workflow_sinks(settings: Settings, store: ClickHouseStore, dataset: str, topics: dict[str, Topic]):
    """Where the risk workflow's events go: ClickHouse and, with a bot token and a chat, the chat.
    Returns (RiskStoreSink, ChatSink or None); close the chat sink at the end so merged edits go out."""
    chat = None
    if settings.telegram.enabled:
        from alerting.chat import AlertChat, ChatSink
        chat = ChatSink(AlertChat.from_settings(settings, RiskStore(store, dataset), topics))
    return RiskStoreSink(RiskStore(store, dataset)), chat


def risk_tracker(settings: Settings, store: ClickHouseStore, dataset: str, topics: dict[str, Topic],
                 horizon: Callable[[], datetime] | None = None):
    """The risk workflow beside the pipeline: events to ClickHouse and, with a bot token and a chat, to the chat.
    Returns (tracker, chat sink or None); close the chat sink at the end so merged edits go out."""
    stored, chat = workflow_sinks(settings, store, dataset, topics)
    return tracker_factory(settings, horizon)([stored] + ([chat] if chat else [])), chat


def pseudonymise(posts: Iterable[Post], store: ClickHouseStore) -> list[Post]:
    """The privacy boundary, before anything else sees an author: authors become the store's keyed pseudonyms, so
    detection (one resident is one author) counts the same live, replayed, and after a restart."""
    return [replace(p, author=store.pseudonym(p.author) or None) for p in posts]


def detect_in_order(enriched: Iterable[EnrichedPost], detector: Detector, risks: RiskTracker | None,
                    on_alert: Callable[[Alert, bool], None], seen: dict[str, Alert]) -> dict[str, Alert]:
    """Detection, then the risk workflow (SLA marks, official answers, reactions, verdicts), post by post in the
    order given (event time); on_alert(alert, is_new) for every created or updated alert. Returns the latest
    snapshot of each alert the posts changed; seen (alert id -> latest snapshot) is updated."""
    changed: dict[str, Alert] = {}
    for e in enriched:
        alerts = detector.process(e)
        for alert in alerts:
            on_alert(alert, alert.alert_id not in seen)
            seen[alert.alert_id] = changed[alert.alert_id] = alert
        if risks is not None:
            risks.observe(e, alerts)
    return changed


@dataclass
class Stages:
    """What a runner needs, built once from settings."""

    settings: Settings
    topics: dict[str, Topic]
    kit: object                         # pipeline.enrich.Kit
    detector: Detector
    risks: RiskTracker | None
    chat: object | None                 # alerting.chat.ChatSink, when the alert chat is configured

    @classmethod
    def build(cls, settings: Settings, store: ClickHouseStore, dataset: str, *, workflow: bool = True,
              kit=None, horizon: Callable[[], datetime] | None = None) -> Stages:
        """horizon (live runners: the wall clock): no post dated ahead of it moves detection's or the tracker's
        clock past now."""
        from pipeline.kit import load_kit

        topics = load_topics(settings.topics_file)
        kit = kit if kit is not None else load_kit(settings)
        risks, chat = risk_tracker(settings, store, dataset, topics, horizon=horizon) if workflow else (None, None)
        return cls(settings, topics, kit,
                   detector_factory(settings, topics, kit.gazetteer)(horizon=horizon), risks, chat)

    def close(self) -> None:
        """Send what the chat merged and still holds (edits are throttled)."""
        if self.chat is not None:
            self.chat.close()
