"""State of the 24/7 processes stays bounded (issue 16, 10): the tracker looks only at risks that are due and
forgets never-closed ones, the chat keeps the latest cards, the live handler forgets closed stories' alerts."""
from __future__ import annotations

from datetime import timedelta

import alerting.workflow as workflow
from alerting.detect import Detector
from alerting.workflow import STALE, RiskTracker
from core.lru import LRU
from core.records import Alert
from core.settings import Risks, Settings
from core.taxonomy import load_topics
from pipeline.live import EmbeddedHandler
from tests.conftest import T0, make_enriched


def alert(i: int, minutes: float) -> Alert:
    at = T0 + timedelta(minutes=minutes)
    return Alert(alert_id=f"A-{i}", kind="story", topic="water", settlement="Лычково", level="высокий", score=1.0,
                 created_at=at, updated_at=at, first_at=at, last_at=at, post_uids=(f"p{i}",), sources=("vk:-1",),
                 negative_share=1.0, snippets=())


def open_many(tracker: RiskTracker, n: int) -> None:
    for i in range(n):
        tracker.observe(make_enriched(f"p{i}", i * 0.1), [alert(i, i * 0.1)])


def test_the_tracker_looks_only_at_risks_that_are_due(monkeypatch):
    tracker = RiskTracker(Risks())
    open_many(tracker, 300)
    calls = []
    real = workflow.due_sla
    monkeypatch.setattr(workflow, "due_sla", lambda *a: calls.append(1) or real(*a))
    for k in range(200):                                  # an hour of unrelated chatter
        tracker.observe(make_enriched(f"q{k}", 60 + k * 0.3, topic="other"), [])
    assert len(calls) < 300                               # was 300 risks x 2 looks x 200 posts = 120,000
    assert len(tracker.wake) <= 4 * len(tracker.look_at) + 64          # stale wake-ups do not pile up


def test_the_tracker_still_raises_every_mark_in_time_order():
    tracker = RiskTracker(Risks())
    open_many(tracker, 50)
    for hour in range(48):
        tracker.advance(T0 + timedelta(hours=hour))
    marks = [r.sla_done for r in tracker.risks.values()]
    assert all(m == ("norm_soon", "norm_missed", "deadline_soon", "escalated") for m in marks)


def test_never_closed_risks_are_forgotten_after_a_month():
    tracker = RiskTracker(Risks())
    open_many(tracker, 200)
    tracker.advance(T0 + STALE + timedelta(days=2))
    assert tracker.risks == {} and tracker.alerts == {} and not tracker.mentions and not tracker.look_at
    assert len(tracker.wake) < 10


def test_lru_keeps_the_latest():
    cache = LRU(3)
    for k in "abcd":
        cache[k] = k
    cache["b"]                                            # touched: kept
    cache["e"] = "e"
    assert list(cache) == ["d", "b", "e"]


def test_the_live_handler_forgets_alerts_of_closed_stories():
    detector = Detector(Settings().detection, load_topics())
    handler = EmbeddedHandler(kit=None, detector=detector, store=None)
    handler.alerts = {f"A-{i}": alert(i, i * 60) for i in range(100)}
    detector.now = T0 + timedelta(minutes=99 * 60) + timedelta(seconds=detector.config.story_idle_s)
    handler._forget_closed()
    assert set(handler.alerts) == {"A-99"}


def test_a_story_that_never_goes_idle_keeps_its_latest_posts_and_counts_all():
    """Issue 16: a story fed a post a minute for 3.5 days kept all 5,000 signals; it keeps the latest
    meaning_members (and its best snippets) while the alert still counts, lists and quotes every post."""
    config = Settings().detection
    detector = Detector(config, load_topics())
    riskiest = {2501: 0.99, 4001: 0.98}
    alerts = []
    for i in range(5000):
        e = make_enriched(f"p{i}", i, score=riskiest.get(i, 0.9), settlement="Лычково", author=f"a{i % 7}",
                          negative=0.2 if i % 4 == 0 else 0.9, source=f"vk:-{i % 3}", text=f"нет воды {i}")
        alerts += detector.process(e)
    story, = detector.stories.values()
    assert len(story.signals) <= config.meaning_members and len(story.best) <= config.snippets
    last = alerts[-1]
    assert len(last.post_uids) == 5000 and last.post_uids[:2] == ("p0", "p1") and last.post_uids[-1] == "p4999"
    assert last.why.startswith("похожих сообщений: 5000")
    assert last.negative_share == 0.75 and last.sources == ("vk:-0", "vk:-1", "vk:-2")
    assert [t for t, _ in last.snippets] == ["нет воды 1", "нет воды 2501", "нет воды 4001"]
    assert last.first_at == T0 and last.last_at == T0 + timedelta(minutes=4999)


class _CountedPasses(dict):
    passes = 0

    def items(self):
        _CountedPasses.passes += 1
        return super().items()


def test_the_detector_passes_over_its_recent_signals_only_when_one_is_due():
    """Issue 16: every post swept all signals of the last story_idle_s (~2,000 in the soak, 15 % of its time);
    now the sweep runs when the oldest is due, and removes the same signals."""
    detector = Detector(Settings().detection, load_topics())
    idle = detector.config.story_idle_s / 60
    detector.recent = _CountedPasses()
    for i in range(500):                                   # 500 posts within the first hours: none due yet
        detector.process(make_enriched(f"p{i}", i * 0.5, settlement=f"с{i % 50}", text=f"нет воды {i}"))
    assert _CountedPasses.passes == 0 and len(detector.recent) == 500
    detector.process(make_enriched("late", idle + 100, settlement="с1"))      # p0..p199 are past story_idle_s now
    assert set(detector.recent) == {f"p{i}" for i in range(200, 500)} | {"late"}
    assert detector.recent_oldest == detector.recent["p200"].at
    detector.process(make_enriched("later", 3 * idle))
    assert set(detector.recent) == {"later"}
