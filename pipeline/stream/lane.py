"""One detection key's stream state, pure: the detector plus a reorder buffer, so detection sees posts in
event time exactly as the embedded runner does (sorted by published_at, then uid).

Enriched posts reach a lane from several raw partitions at once. Each raw partition is in event time on its
own (the publisher sends in event time), so a lane releases a buffered post only once every raw partition
that is still active has gone past it (a watermark: the smallest of the partitions' latest published_at, less
lateness_s). A partition silent for idle_s of wall clock no longer holds the lane back; when all are silent the
lane releases everything. Wall-clock activity is per process (Activity), never saved: after a restart every
partition holds the lane until it speaks again or idle_s passes. So it does when input resumes after a pause
(a partition heard after idle_s in which no partition spoke): a burst reaches the lane partition by partition, and a
partition still silent then is more likely not enriched yet than empty.

The lane also runs the district's risk workflow (a RiskTracker, alerting/workflow.py) behind the detector, post
by post with the alerts each post changed, exactly as the embedded runner does (pipeline/stages.detect_in_order);
the tracker's outputs wait, numbered, in the lane's Outbox (alerting/outbox.py) until the worker ships them, and
the tracker's state and the next output number are saved with the detector's.

Delivered twice (a redelivery after a crash) a post is skipped: the buffer, the detector and the tracker
remember uids.

    lane = restore_lane(saved_state, lambda: Detector(...), tracker_factory(settings))   # as every runner builds them
    admit(lane, [(raw_partition, enriched), ...], activity, wall, idle_s)
    alerts = release(lane, partitions, activity, wall, idle_s, lateness_s)
    outputs = lane.outbox.take()                                  # the risk workflow's, numbered
    saved_state = lane_state(lane)
"""
from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerting.detect import Detector
from alerting.outbox import Outbox
from alerting.state import StateVersionError, detector_state, restore_detector
from alerting.workflow import RiskTracker
from alerting.workflow_state import restore_tracker, tracker_state
from core.records import Alert, EnrichedPost
from pipeline.stages import detect_in_order
from pipeline.stream.codec import enriched_doc, enriched_from_doc, json_bytes

log = logging.getLogger(__name__)


@dataclass
class Lane:
    detector: Detector
    buffer: dict[str, EnrichedPost] = field(default_factory=dict)   # waiting for the watermark, by uid
    marks: dict[int, datetime] = field(default_factory=dict)        # raw partition -> latest published_at
    encoded: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)   # buffered posts' JSON,
    #                                                                  made once for the first lane_state they are in
    risks: RiskTracker | None = None                                # the risk workflow, when the lane runs it
    outbox: Outbox | None = None                                    # ... and its outputs waiting to be shipped


def new_lane(detector: Detector, new_tracker: Callable[[list], RiskTracker] | None = None, next_seq: int = 0) -> Lane:
    """A lane around a detector and, given a tracker factory (pipeline/stages.tracker_factory), the workflow."""
    if new_tracker is None:
        return Lane(detector)
    outbox = Outbox(next_seq)
    tracker = new_tracker([outbox])
    outbox.alerts = tracker.alerts
    return Lane(detector, risks=tracker, outbox=outbox)


@dataclass
class Activity:
    """Wall-clock activity of raw partitions as this process saw it (not saved). `started`: when this process
    first heard the lane, or input last resumed after a pause (hear); a partition not heard since holds the lane
    until idle_s after it."""

    started: float
    seen: dict[int, float] = field(default_factory=dict)

    def hear(self, src: int, wall: float, idle_s: float) -> None:
        """Raw partition src delivered posts at wall. Heard after idle_s in which NO partition spoke, it resumes input
        after a pause (the second half of a replay, the first poll after a quiet night): the burst reaches the lane
        partition by partition as enrichment gets to each, so every partition holds the lane again, as at a start,
        until it speaks or idle_s passes. Only a pause of the whole lane restarts the hold: partitions that speak
        in turns, each with gaps over idle_s, would otherwise restart it forever and nothing would be released.
        Treated as idle after a pause, a partition delivered its share of the burst behind posts released past it,
        out of event-time order: the Kafka kill test's extra story (a reply from a day before joined by the next
        day's posts)."""
        if wall - max(self.seen.values(), default=self.started) > idle_s:
            self.seen, self.started = {}, wall    # the whole lane was silent: a pause, not partitions taking turns
        self.seen[src] = wall


def admit(lane: Lane, items: list[tuple[int, EnrichedPost]], activity: Activity, wall: float,
          idle_s: float) -> int:
    """Buffer new posts; returns how many were new (not buffered or detected before)."""
    new = 0
    for src, e in items:
        activity.hear(src, wall, idle_s)
        at = e.post.published_at
        if src not in lane.marks or at > lane.marks[src]:
            lane.marks[src] = at
        if e.post.uid in lane.buffer or e.post.uid in lane.detector.recent or (
                lane.risks is not None and e.post.uid in lane.risks.seen):
            continue
        lane.buffer[e.post.uid] = e
        new += 1
    return new


def watermark(lane: Lane, partitions: int, activity: Activity, wall: float, idle_s: float,
              lateness_s: float) -> datetime | None | bool:
    """The event time before which every post has arrived: a datetime; None = everything; False = nothing yet."""
    holding = []
    for p in range(partitions):
        if wall - activity.seen.get(p, activity.started) > idle_s:
            continue                                  # silent: it does not hold the lane back
        if p not in activity.seen:
            return False                              # active but not heard from yet in this process
        holding.append(lane.marks[p])
    return min(holding) - timedelta(seconds=lateness_s) if holding else None


def release(lane: Lane, partitions: int, activity: Activity, wall: float, idle_s: float,
            lateness_s: float) -> list[Alert]:
    """Run detection (and the workflow) over the buffered posts the watermark has passed, in event time; the alert
    snapshots it gives, in order."""
    mark = watermark(lane, partitions, activity, wall, idle_s, lateness_s)
    if mark is False or not lane.buffer:
        return []
    ready = sorted((e for e in lane.buffer.values() if mark is None or e.post.published_at < mark),
                   key=lambda e: (e.post.published_at, e.post.uid))
    for e in ready:
        del lane.buffer[e.post.uid]
        lane.encoded.pop(e.post.uid, None)
    alerts: list[Alert] = []
    detect_in_order(ready, lane.detector, lane.risks, lambda alert, new: alerts.append(alert), {})
    return alerts


def lane_state(lane: Lane) -> bytes:
    """The lane as a compressed JSON document (a Faust table value). Saved after every batch while posts wait
    in the buffer, so each buffered post is encoded once, not at every save."""
    docs = lane.encoded
    for uid, e in lane.buffer.items():
        if uid not in docs:
            docs[uid] = json_bytes(enriched_doc(e))
    workflow = b""
    if lane.risks is not None:
        workflow = b',"risks":%s,"seq":%d' % (json_bytes(tracker_state(lane.risks)), lane.outbox.next_seq)
    doc = b'{"detector":%s,"buffer":[%s],"marks":%s%s}' % (
        json_bytes(detector_state(lane.detector)), b",".join(docs[uid] for uid in lane.buffer),
        json_bytes({str(p): at.isoformat() for p, at in lane.marks.items()}), workflow)
    return zlib.compress(doc, 1)


def restore_lane(value: bytes | None, new_detector: Callable[[], Detector],
                 new_tracker: Callable[[list], RiskTracker] | None = None) -> Lane:
    """The saved lane; with new_tracker, its workflow too (a lane saved without one starts the workflow afresh)."""
    if not value:
        return new_lane(new_detector(), new_tracker)
    doc = json.loads(zlib.decompress(value).decode("utf-8"))
    try:
        detector = restore_detector(doc["detector"], new_detector())
    except StateVersionError as e:
        # after an upgrade that changed the detector's state: start its windows afresh (stories open again at
        # their next burst) rather than crash at every restart; the buffer, marks and the workflow still restore
        log.warning("%s: окна детектора начинаются заново после обновления", e)
        detector = new_detector()
    lane = new_lane(detector, new_tracker, doc.get("seq", 0))
    if lane.risks is not None:
        restore_tracker(doc.get("risks"), lane.risks)
    lane.buffer = {e.post.uid: e for e in map(enriched_from_doc, doc["buffer"])}
    lane.marks = {int(p): datetime.fromisoformat(at) for p, at in doc["marks"].items()}
    return lane
