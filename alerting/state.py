"""Detector state <-> plain JSON-able dicts, pure. The Kafka worker keeps a district's detector in a Faust table
(changelog topic) and restores it after a restart or a rebalance; the restored detector continues exactly where
the saved one stopped.

    state = detector_state(detector)              # {"now": ..., "signals": {...}, "pending": ..., "stories": ...}
    same = restore_detector(state, Detector(config, topics, calendar, official))   # fills a fresh detector

Every signal is stored once (by uid); pending windows, stories and the recent index refer to uids.
"""
from __future__ import annotations

from collections import deque
from datetime import datetime

from alerting.affinity import Rarity
from alerting.detect import Detector
from alerting.signal import Signal
from alerting.story import Story

STATE_VERSION = 3   # 2: signals carry terms, topic mix and strength; the window of candidates
                    # 3: a story's running figures and its latest signals, not all of them (issue 16)


class StateVersionError(ValueError):
    """A state saved by another version of the detector: its fields do not mean what this version reads."""


def _signal_dict(s: Signal) -> dict:
    return {"uid": s.uid, "topic": s.topic, "also": list(s.also), "settlement": s.settlement, "author": s.author,
            "source": s.source, "at": s.at.isoformat(), "risk": s.risk, "negative": s.negative, "text": s.text,
            "url": s.url, "parent_uid": s.parent_uid, "terms": sorted(s.terms), "mix": [list(m) for m in s.mix],
            "strong": s.strong, "street": s.street, "object": s.object, "unnamed": s.unnamed, "calm": s.calm}


def _signal(d: dict) -> Signal:
    return Signal(uid=d["uid"], topic=d["topic"], also=tuple(d["also"]), settlement=d["settlement"],
                  author=d["author"], source=d["source"], at=datetime.fromisoformat(d["at"]), risk=d["risk"],
                  negative=d["negative"], text=d["text"], url=d["url"], parent_uid=d["parent_uid"],
                  terms=frozenset(d["terms"]), mix=tuple((t, p) for t, p in d["mix"]), strong=d["strong"],
                  street=d.get("street", ""), object=d.get("object", ""), unnamed=d.get("unnamed", False),
                  calm=d.get("calm", False))


def detector_state(detector: Detector) -> dict:
    signals: dict[str, Signal] = {}
    for q in (*detector.pending.values(), detector.meaning, detector.unrated):
        signals.update((s.uid, s) for s in q)
    for story in detector.stories.values():
        signals.update((s.uid, s) for s in (*story.signals, *story.best))
    signals.update(detector.recent)
    return {
        "version": STATE_VERSION,
        "now": detector.now.isoformat() if detector.now else None,
        "signals": {uid: _signal_dict(s) for uid, s in signals.items()},
        "pending": {topic: [s.uid for s in q] for topic, q in detector.pending.items()},
        "meaning": [s.uid for s in detector.meaning],
        "unrated": [s.uid for s in detector.unrated],
        "rarity": detector.rarity.state(),
        "stories": [{"alert_id": st.alert_id, "kind": st.kind, "topic": st.topic,
                     "created_at": st.created_at.isoformat(), **st.state()}
                    for st in detector.stories.values()],
        "recent": list(detector.recent),
    }


def restore_detector(state: dict | None, detector: Detector) -> Detector:
    """Fill a fresh detector (built with the settings that built the saved one) from a saved state."""
    if not state:
        return detector
    if state.get("version") != STATE_VERSION:
        raise StateVersionError(f"состояние детектора версии {state.get('version')}, ожидалась {STATE_VERSION}")
    signals = {uid: _signal(d) for uid, d in state["signals"].items()}
    detector.now = datetime.fromisoformat(state["now"]) if state["now"] else None
    detector.pending = {topic: deque(signals[u] for u in uids) for topic, uids in state["pending"].items()}
    detector.meaning = deque(signals[u] for u in state["meaning"])
    detector.unrated = deque(signals[u] for u in state["unrated"])
    detector.rarity = Rarity.from_state(state["rarity"], detector.rarity.days)
    for st in state["stories"]:
        detector.stories[st["alert_id"]] = Story(st["alert_id"], st["kind"], st["topic"],
                                                 datetime.fromisoformat(st["created_at"]),
                                                 detector.config.meaning_members,
                                                 detector.config.snippets).restore(st, signals)
    detector.recent = {u: signals[u] for u in state["recent"]}
    detector.recent_oldest = min((s.at for s in detector.recent.values()), default=None)
    return detector
