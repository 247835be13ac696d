"""The risk lifecycle of the district's «Порядок работы с информационными рисками»: a pure, event-time state machine.

    new → in_work → answered → watching → worked_out          (reopened → in_work; false_alarm from any open state)

Every change is a frozen RiskEvent stamped with event time (a post's published_at in replays, the press time in
the chat); a Risk is the fold of its events, so the history in ClickHouse (risk_events) rebuilds it exactly.
The SLA clock starts at the story's FIRST POST, not at detection: a norm (8 h, a warning) and a deadline (24 h,
escalation), each with a reminder before it. Nothing here reads the wall clock or does I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from core.risks import AUTO, OPEN, UNANSWERED, RiskEvent

# event -> (states it may follow, the state after it; None keeps the state)
TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    "taken": (frozenset({"new", "in_work"}), "in_work"),
    "answered": (OPEN, "answered"),
    "watching": (frozenset({"answered"}), "watching"),
    "worked_out": (OPEN, "worked_out"),
    "reopened": (frozenset({"answered", "watching", "worked_out"}), "in_work"),
    "false_alarm": (OPEN, "false_alarm"),
    "topic_changed": (OPEN | {"worked_out"}, None),
    "reminder": (UNANSWERED, None),
    "escalated": (UNANSWERED, None),
}
STATE_NAMES = {"new": "новый", "in_work": "в работе", "answered": "ответ дан", "watching": "наблюдение за реакцией",
               "worked_out": "отработан", "false_alarm": "ложное срабатывание"}
ACTION_NAMES = {"taken": "Взять в работу", "answered": "Ответ", "worked_out": "Отработано",
                "false_alarm": "Ложное срабатывание", "topic_changed": "Сменить тему", "reopened": "Открыть снова"}


class TransitionError(ValueError):
    """The event does not apply to the risk's state; the message is for staff, in Russian."""


@dataclass(frozen=True)
class Sla:
    norm_s: int = 8 * 3600
    deadline_s: int = 24 * 3600
    remind_before_s: int = 2 * 3600

    @classmethod
    def of(cls, risks) -> Sla:
        return cls(risks.answer_norm_s, risks.answer_deadline_s, risks.remind_before_s)


@dataclass(frozen=True)
class Risk:
    alert_id: str
    first_at: datetime                           # the story's first post: the SLA clock starts here
    state: str = "new"
    detected_at: datetime | None = None
    taken_by: str | None = None
    answered_at: datetime | None = None          # the first answer
    verdict_at: datetime | None = None           # the latest «отработан»
    topic: str | None = None                     # set when staff change the topic
    sla_done: tuple[str, ...] = ()               # SLA marks already raised: norm_soon, norm_missed, ...
    history: tuple[RiskEvent, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    @property
    def last_at(self) -> datetime:
        return self.history[-1].at if self.history else self.first_at


def start(alert_id: str, first_at: datetime, detected_at: datetime, details: dict | None = None
          ) -> tuple[Risk, RiskEvent]:
    event = RiskEvent(alert_id, "detected", detected_at, "new", AUTO, details or {})
    return Risk(alert_id, first_at, "new", detected_at, history=(event,)), event


def apply(risk: Risk, event: str, at: datetime, actor: str = AUTO, details: dict | None = None
          ) -> tuple[Risk, RiskEvent]:
    """The risk after the event, and the event as stored. Raises TransitionError when it does not apply."""
    if event not in TRANSITIONS:
        raise TransitionError(f"неизвестное событие «{event}»")
    allowed, after = TRANSITIONS[event]
    if risk.state not in allowed:
        action = ACTION_NAMES.get(event, event)
        raise TransitionError(f"Риск {risk.alert_id} в состоянии «{STATE_NAMES[risk.state]}»: "
                              f"действие «{action}» невозможно.")
    at = max(at, risk.last_at)                   # history never runs backwards
    state = after or risk.state
    seq = sum(1 for e in risk.history if e.at == at)
    ev = RiskEvent(risk.alert_id, event, at, state, actor, details or {}, seq)
    changes: dict = {"state": state, "history": risk.history + (ev,)}
    if event == "taken":
        changes["taken_by"] = actor
    elif event == "answered" and risk.answered_at is None:
        changes["answered_at"] = at
    elif event == "worked_out":
        changes["verdict_at"] = at
    elif event == "topic_changed":
        changes["topic"] = (details or {}).get("to")
    elif event in ("reminder", "escalated"):
        changes["sla_done"] = risk.sla_done + ((details or {}).get("kind", event),)
    return replace(risk, **changes), ev


def replay(events: list[RiskEvent]) -> Risk:
    """The risk rebuilt from its stored history (ordered by at, seq)."""
    events = sorted(events, key=lambda e: (e.at, e.seq))
    first = events[0]
    risk = Risk(first.alert_id, datetime.fromisoformat(first.details.get("first_at", first.at.isoformat())),
                "new", first.at, history=(first,))
    for ev in events[1:]:
        try:
            risk, _ = apply(risk, ev.event, ev.at, ev.actor, ev.details)
        except TransitionError:              # two writers raced (a replay and the bot): the first one stands
            continue
    return risk


def later(at: datetime, seconds: float) -> datetime:
    """at + seconds, held at the calendar's ends (year 9999 + 24 h is still year 9999, not an OverflowError)."""
    try:
        return at + timedelta(seconds=seconds)
    except OverflowError:
        return (datetime.max if seconds > 0 else datetime.min).replace(tzinfo=at.tzinfo)


class RiskHistory(Protocol):
    """What a risk is rebuilt from: the stored events of one alert (storage.risks.RiskStore implements it)."""

    def events(self, alert_id: str) -> list[RiskEvent]: ...


def stored_risk(history: RiskHistory, alert_id: str) -> Risk | None:
    """The risk as its stored history rebuilds it; None when nothing is stored for the alert."""
    events = history.events(alert_id)
    return replay(events) if events else None


def sla_marks(risk: Risk, sla: Sla) -> list[tuple[str, str, datetime]]:
    """(kind, event, scheduled time) of the SLA marks of an unanswered risk, in time order."""
    norm = later(risk.first_at, sla.norm_s)
    deadline = later(risk.first_at, sla.deadline_s)
    return [("norm_soon", "reminder", later(norm, -sla.remind_before_s)), ("norm_missed", "reminder", norm),
            ("deadline_soon", "reminder", later(deadline, -sla.remind_before_s)), ("escalated", "escalated", deadline)]


def due_sla(risk: Risk, now: datetime, sla: Sla) -> tuple[Risk, list[RiskEvent]]:
    """Raise the SLA marks due by `now` that were not raised yet. A reminder of a mark already passed is skipped
    (a story detected 9 hours after its first post gets «норматив нарушен», not «осталось 2 ч»)."""
    if risk.state not in UNANSWERED:
        return risk, []
    marks = sla_marks(risk, sla)
    targets = {"norm_soon": marks[1][2], "deadline_soon": marks[3][2]}
    out = []
    for kind, event, at in marks:
        if at > now or kind in risk.sla_done or (kind in targets and targets[kind] <= now):
            continue
        details = {"kind": kind, "due": at.isoformat(), "left_s": sla.remind_before_s, "norm_s": sla.norm_s,
                   "deadline_s": sla.deadline_s}
        risk, ev = apply(risk, event, max(at, risk.detected_at or at), AUTO, details)
        out.append(ev)
    return risk, out
