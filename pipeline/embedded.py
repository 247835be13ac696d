"""The in-process runner: the same stages the Faust agents run, composed in one place, top to bottom.

    items (Post | DeadLetter)  ->  event-time order  ->  enrich_batch  ->  Detector.process  ->  store
                                                                                          \\->  on_alert (console)
                                                                                          \\->  risks (workflow, chat)
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from core.records import Alert, DeadLetter, Post
from pipeline.enrich import enrich_batch
from pipeline.stages import Stages, detect_in_order, pseudonymise
from storage.clickhouse import ClickHouseStore

log = logging.getLogger(__name__)
BATCH = 500


@dataclass
class RunSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    topics: Counter = field(default_factory=Counter)
    alerts: dict[str, Alert] = field(default_factory=dict)     # alert_id -> latest snapshot
    risks: dict = field(default_factory=dict)                  # alert_id -> Risk, when the workflow ran
    first_at: object = None
    last_at: object = None


def run_embedded(items: Iterable[Post | DeadLetter], stages: Stages, store: ClickHouseStore, dataset: str,
                 on_alert: Callable[[Alert, bool], None] = lambda a, new: None,
                 progress: Callable[[int], None] = lambda n: None, batch: int = BATCH) -> RunSummary:
    """Replay items in event time through the stages (pipeline/stages.py). on_alert(alert, is_new) is called for
    every created or updated alert; the risk workflow (when the stages have one) sees every post with the alerts
    it changed."""
    summary = RunSummary()
    posts: dict[str, Post] = {}
    letters: list[DeadLetter] = []
    for item in items:
        if isinstance(item, DeadLetter):
            letters.append(item)
        elif item.uid in posts:
            summary.duplicates += 1
        else:
            posts[item.uid] = item
    summary.read = len(posts)
    summary.dead_letters = len(letters)
    store.write_dead_letters(letters, dataset)
    ordered = sorted(pseudonymise(posts.values(), store), key=lambda p: (p.published_at, p.uid))
    if ordered:
        summary.first_at, summary.last_at = ordered[0].published_at, ordered[-1].published_at
    for start in range(0, len(ordered), batch):
        chunk = ordered[start:start + batch]
        enriched = enrich_batch(chunk, stages.kit)
        summary.topics.update(e.topic for e in enriched)
        changed = detect_in_order(enriched, stages.detector, stages.risks, on_alert, summary.alerts)
        summary.stored += store.write_posts(enriched, dataset)
        store.write_alerts(list(changed.values()), dataset)
        if stages.risks is not None:
            stages.risks.flush()
        progress(len(chunk))
    if stages.risks is not None:
        summary.risks = dict(stages.risks.risks)
    log.info("replayed %d posts (%d new), %d alerts, %d dead letters", summary.read, summary.stored,
             len(summary.alerts), summary.dead_letters)
    return summary
