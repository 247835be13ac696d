"""The risk workflow's shared records and words: the events and answers the workflow (alerting/) emits and the
store (storage/risks.py) keeps. Pure, frozen, imports nothing of ours.

    RiskEvent("A-1", "taken", at, "in_work", actor="@ivanova")      # one change of a risk, in event time
    Answer("A-1", "chat:-100:42", at, "Подвоз воды организован …", ("ВКонтакте",), (link,), (uid,), "@ivanova", "chat")
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

STATES = ("new", "in_work", "answered", "watching", "worked_out", "false_alarm")
OPEN = frozenset({"new", "in_work", "answered", "watching"})
UNANSWERED = frozenset({"new", "in_work"})
AUTO = "dozor"                                   # the actor of automatic events


@dataclass(frozen=True)
class RiskEvent:
    alert_id: str
    event: str
    at: datetime
    state: str                                   # the state after the event
    actor: str = AUTO
    details: dict = field(default_factory=dict)  # the figures behind an automatic verdict, a new topic, ...
    seq: int = 0                                 # order among events with one timestamp

    @property
    def event_id(self) -> str:
        key = "|".join((self.alert_id, self.event, self.at.isoformat(), self.actor,
                        json.dumps(self.details, sort_keys=True, ensure_ascii=False, default=str)))
        return hashlib.sha1(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Answer:
    alert_id: str
    answer_id: str                 # "chat:<chat id>:<message id>" or the official post's uid
    answered_at: datetime
    text: str
    platforms: tuple[str, ...]
    links: tuple[str, ...]
    linked_uids: tuple[str, ...]   # links that point at posts we collected
    author: str
    origin: str                    # chat | official_page
