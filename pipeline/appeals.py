"""Importing appeals: records from collectors/appeals.py -> the same enrichment as posts (topic, settlement) ->
deadline by channel and topic -> every answer judged -> rows -> repeat appeals and risks linked. The one
composition `dozor appeals import` and the demo use.

    summary = import_appeals(read_appeals(path, "portal-jsonl"), store, kit, AnswerModel.load(), settings)

Appeals already in the register (by appeal_id) are skipped whole: re-importing a file adds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from alerting.deadlines import deadline_at
from analytics.repeats import find_repeats, risk_links
from core.records import Appeal, DeadLetter, Post
from pipeline.enrich import enrich_batch
from storage.appeals import AppealRows, AppealStore

BATCH = 500


@dataclass
class ImportSummary:
    read: int = 0
    new: int = 0
    skipped: int = 0
    answers: int = 0
    dead: int = 0
    repeats: int = 0
    risk_links: int = 0
    verdicts: dict = field(default_factory=dict)


def appeal_post(a: Appeal) -> Post:
    """The appeal as a post for enrichment: its text, with the address after it for the settlement."""
    text = a.text if not a.address else f"{a.text}\n{a.address}"
    return Post(uid=a.appeal_id, platform="file", source=a.source, published_at=a.received_at, text=text)


def build_rows(appeals: list[Appeal], kit, model, cfg, pseudonym, dataset: str, now: datetime
               ) -> tuple[AppealRows, list[dict], dict]:
    """Rows for the three tables, the appeals as dicts for linking, verdict counts."""
    enriched = enrich_batch([appeal_post(a) for a in appeals], kit)
    answers = [(a, ans) for a in appeals for ans in a.answers]
    checks = model.check_batch([ans.text for _, ans in answers], [a.text for a, _ in answers],
                               [ans.kind for _, ans in answers]) if answers else []
    verdicts: dict[str, int] = {}
    appeal_rows, keys = [], []
    for a, e in zip(appeals, enriched, strict=False):
        deadline = deadline_at(a.received_at, a.channel, e.topic, cfg, a.deadline_at)
        appeal_rows.append((a.appeal_id, a.source, a.channel, a.received_at, a.text, a.category, e.topic,
                            e.topic_score, e.settlement or "", a.address, a.org, a.status, a.closed_at, deadline,
                            a.rating, pseudonym(a.author), dataset, now))
        keys.append({"appeal_id": a.appeal_id, "received_at": a.received_at, "topic": e.topic,
                     "category": a.category, "settlement": e.settlement or "", "address": a.address, "text": a.text,
                     "author": pseudonym(a.author),
                     "answered_at": min((ans.answered_at for ans in a.answers), default=None)})
    answer_rows = []
    for (a, ans), check in zip(answers, checks, strict=False):
        verdicts[check.verdict] = verdicts.get(check.verdict, 0) + 1
        answer_rows.append((a.appeal_id, ans.answer_id, ans.answered_at, ans.org, ans.kind, ans.text, check.verdict,
                            list(check.missing), check.model_version, dataset, now))
    event_rows = [(a.appeal_id, ev.at, ev.event, ev.detail, dataset) for a in appeals for ev in a.events]
    return AppealRows(tuple(appeal_rows), tuple(answer_rows), tuple(event_rows)), keys, verdicts


def import_appeals(items, store, kit, model, settings, dataset: str = "appeals",
                   now: datetime | None = None) -> ImportSummary:
    now = now or datetime.now(timezone.utc)
    register = AppealStore(store)
    cfg = settings.appeals
    summary = ImportSummary()
    batch: list[Appeal] = []

    def flush() -> None:
        fresh = {a.appeal_id: a for a in batch}
        known = register.known_ids(list(fresh))
        todo = [a for i, a in fresh.items() if i not in known]
        summary.skipped += len(batch) - len(todo)
        batch.clear()
        if not todo:
            return
        rows, keys, verdicts = build_rows(todo, kit, model, cfg, store.pseudonym, dataset, now)
        start = min(k["received_at"] for k in keys)
        earlier = register.recent(start - timedelta(days=cfg.repeat_days))
        register.write(rows)
        links = [(new, "repeat", old, score, dataset, why)
                 for new, old, score, why in find_repeats(keys, earlier, cfg.repeat_days)]
        end = max(k["received_at"] for k in keys)
        window = timedelta(days=cfg.risk_window_days)
        alerts = register.alerts_between(start - window, end + window)
        risk = [(k["appeal_id"], "risk", alert_id, 1.0, dataset, "") for k in keys
                for alert_id in risk_links(k, alerts, cfg.risk_window_days)]
        register.write_links(links + risk)
        summary.new += len(todo)
        summary.answers += len(rows.answers)
        summary.repeats += len(links)
        summary.risk_links += len(risk)
        for v, n in verdicts.items():
            summary.verdicts[v] = summary.verdicts.get(v, 0) + n

    dead: list[DeadLetter] = []
    for item in items:
        if isinstance(item, DeadLetter):
            dead.append(item)
            continue
        summary.read += 1
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    store.write_dead_letters(dead, dataset)
    summary.dead = len(dead)
    return summary
