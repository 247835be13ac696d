"""Future-dated posts never blind live detection (issue 16, 2): not from the store at warm-up, not arriving live,
not through the risk tracker's clock."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from alerting.detect import Detector
from alerting.workflow import RiskTracker
from core.settings import Risks, Settings
from core.sources import SourceConfig
from core.taxonomy import load_topics
from pipeline.live import EmbeddedHandler
from pipeline.stages import detect_in_order
from tests.conftest import T0, make_enriched

WALL = T0 + timedelta(hours=2)
SRC = SourceConfig("vk", "-1", "Чат")


def minutes(at) -> float:
    return (at - T0).total_seconds() / 60


def emergency(prefix: str, at, n: int = 5):
    return [make_enriched(f"{prefix}{i}", minutes(at) + i, settlement="Лычково", author=f"{prefix}-a{i}")
            for i in range(n)]


def test_a_stored_post_dated_far_ahead_is_left_out_of_the_warm_up(store, kit):
    store.write_posts([make_enriched("bad-row", minutes(T0 + timedelta(days=400)))] + emergency("old", T0, 1), "t")
    handler = EmbeddedHandler(kit, Detector(Settings().detection, load_topics()), store, clock=lambda: WALL)
    assert handler.warm(T0 - timedelta(days=1)) == 1
    alerts = []
    detect_in_order(emergency("w", WALL), handler.detector, None, lambda a, new: alerts.append(a), {})
    assert alerts, "detection after the restart raised nothing"


def test_detection_and_the_tracker_keep_to_the_wall_clock_in_live_mode():
    detector = Detector(Settings().detection, load_topics(), horizon=lambda: WALL)
    tracker = RiskTracker(Risks(), horizon=lambda: WALL)
    ahead = make_enriched("ahead", minutes(WALL + timedelta(hours=20)))
    detector.process(ahead)
    tracker.observe(ahead, [])
    assert detector.now == WALL and tracker.now == WALL
    alerts = []
    detect_in_order(emergency("w", WALL), detector, tracker, lambda a, new: alerts.append(a), {})
    assert alerts and tracker.risks


def test_posts_arriving_with_impossible_dates_become_dead_letters(store, kit):
    handler = EmbeddedHandler(kit, Detector(Settings().detection, load_topics()), store, clock=lambda: WALL)
    good = make_enriched("good", minutes(WALL)).post
    posts = (replace(good, uid="far", published_at=WALL + timedelta(days=3)),
             replace(good, uid="old", published_at=T0.replace(year=1985)), good)
    assert handler(posts, SRC) == (1, 0)
    assert store.scalar("SELECT groupArray(uid) FROM posts") == ["good"]
    reasons = store.scalar("SELECT arraySort(groupArray(reason)) FROM dead_letters")
    assert len(reasons) == 2 and "будущем" in reasons[0] + reasons[1] and "раньше 1990" in reasons[0] + reasons[1]
    assert handler.detector.now == WALL
