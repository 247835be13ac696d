"""A RiskTracker's outputs as numbered records, to ship elsewhere and hand to the workflow's sinks there. Pure.

In Kafka mode the tracker runs inside a detection lane, where there is no database and no chat; its sink is an
Outbox. Each output is what the tracker handed its sinks — an alert snapshot with its risk (a card to show), or a
lifecycle event with its risk (and its answer) — numbered in the lane (`seq`, saved with the lane's state), so
the same input always gives the same numbers, also when a restored lane emits them again after a crash. The
consumer (the sink) keeps the next number it expects per lane and skips the rest; `deliver` hands outputs to the
same sinks the embedded runner gives its tracker (RiskStoreSink, ChatSink) in the same order.

    outbox = Outbox(next_seq=0)
    tracker = RiskTracker(config, [outbox]); outbox.alerts = tracker.alerts
    tracker.observe(post, alerts); outputs = outbox.take()        # -> [WorkflowOutput(seq=0, ...), ...]
    deliver(output, [RiskStoreSink(...), chat_sink])             # what the embedded tracker would have done
"""
from __future__ import annotations

from dataclasses import dataclass

from alerting.lifecycle import Risk, RiskEvent
from alerting.workflow_state import (
    alert_doc,
    alert_from_doc,
    answer_doc,
    answer_from_doc,
    event_doc,
    event_from_doc,
    risk_doc,
    risk_from_doc,
)
from core.records import Alert
from core.risks import Answer


@dataclass(frozen=True)
class WorkflowOutput:
    seq: int                            # the lane's output number: deterministic, gapless
    alert: Alert | None                 # the alert as the tracker last saw it (the card's content)
    risk: Risk
    event: RiskEvent | None = None      # None: the alert changed (show its card); else a lifecycle event
    answer: Answer | None = None        # the answer an «answered» event registered


class Outbox:
    """A RiskSink that numbers and keeps what the tracker emits until taken."""

    def __init__(self, next_seq: int = 0):
        self.next_seq = next_seq
        self.alerts: dict[str, Alert] = {}        # the tracker's alerts (set after building the tracker)
        self.outputs: list[WorkflowOutput] = []

    def alert(self, alert: Alert, risk: Risk) -> None:
        self._add(WorkflowOutput(self.next_seq, alert, risk))

    def event(self, risk: Risk, event: RiskEvent, answer: Answer | None) -> None:
        self._add(WorkflowOutput(self.next_seq, self.alerts.get(risk.alert_id), risk, event, answer))

    def flush(self) -> None:
        """Nothing to write: the lane ships what it takes."""

    def take(self) -> list[WorkflowOutput]:
        out, self.outputs = self.outputs, []
        return out

    def _add(self, output: WorkflowOutput) -> None:
        self.outputs.append(output)
        self.next_seq += 1


def deliver(output: WorkflowOutput, sinks) -> None:
    """Hand one output to sinks as the tracker handed it to the Outbox."""
    for sink in sinks:
        if output.event is None:
            sink.alert(output.alert, output.risk)
        else:
            sink.event(output.risk, output.event, output.answer)


def output_doc(o: WorkflowOutput) -> dict:
    return {"seq": o.seq, "alert": alert_doc(o.alert) if o.alert else None, "risk": risk_doc(o.risk),
            "event": event_doc(o.event) if o.event else None, "answer": answer_doc(o.answer) if o.answer else None}


def output_from_doc(d: dict) -> WorkflowOutput:
    return WorkflowOutput(int(d["seq"]), alert_from_doc(d["alert"]) if d["alert"] else None, risk_from_doc(d["risk"]),
                          event_from_doc(d["event"]) if d["event"] else None,
                          answer_from_doc(d["answer"]) if d["answer"] else None)
