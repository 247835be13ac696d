"""Answer deadlines of appeals by channel and topic, and where each appeal stands against its deadline. Pure.

    deadline_at(received_at, "59fz", "water", settings.appeals)         # received + 30 days
    deadline_at(received_at, "portal", "roads", cfg, stated=portal_at)  # the portal's own, when it states one
    standing(deadline, first_answer_at, now)  -> "в срок" | "с опозданием" | "просрочено" | "ждём"

A social-media risk keeps its own norm and deadline (8 h / 24 h from the story's first post, alerting/lifecycle.py).
A topic's shorter deadline (settings.appeals.topic_deadline_days, e.g. emergencies: 1 day) wins over the channel's.
"""
from __future__ import annotations

from datetime import datetime, timedelta

STANDINGS = ("в срок", "с опозданием", "просрочено", "ждём")


def deadline_at(received_at: datetime, channel: str, topic: str, cfg, stated: datetime | None = None) -> datetime:
    days = cfg.deadline_days.get(channel, cfg.deadline_days.get("59fz", 30))
    by_rule = received_at + timedelta(days=days)
    if stated is not None:
        by_rule = stated
    if topic in cfg.topic_deadline_days:
        by_rule = min(by_rule, received_at + timedelta(days=cfg.topic_deadline_days[topic]))
    return by_rule


def standing(deadline: datetime, answered_at: datetime | None, now: datetime) -> str:
    if answered_at is not None:
        return "в срок" if answered_at <= deadline else "с опозданием"
    return "просрочено" if now > deadline else "ждём"
