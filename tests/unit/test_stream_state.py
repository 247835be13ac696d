"""Kafka mode's pure parts: detector state that survives a restart, event-time lanes, message codecs."""
from __future__ import annotations

import json
import random
import zlib
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from alerting.detect import Detector
from alerting.state import detector_state, restore_detector
from core.records import DeadLetter
from core.settings import Detection
from core.taxonomy import load_topics
from pipeline.stream import codec
from pipeline.stream.lane import Activity, Lane, admit, lane_state, release, restore_lane, watermark
from pipeline.stream.publish import event_order
from tests.conftest import make_enriched as post

CONFIG = Detection(window_s=3 * 3600, min_posts=3, min_authors=2, story_idle_s=12 * 3600)
TOPICS = load_topics()


def stream():
    """Two stories, an instant alert, replies, noise; 40 posts over two days."""
    posts = [post("w1", 0, settlement="Лычково"), post("w2", 30, settlement="Лычково"),
             post("n1", 35, topic="other", score=0.9), post("w3", 50, settlement="Лычково"),
             post("r1", 55, topic="other", score=0.2, parent="w1", text="и у нас так же"),
             post("e1", 70, topic="emergency", score=0.97, settlement="Демянск"),
             post("h1", 300, topic="heating", settlement="Ямник"), post("h2", 330, topic="heating"),
             post("h3", 360, topic="heating", settlement="Ямник", author="author-h1"),
             post("h4", 400, topic="heating", settlement="Ямник")]
    posts += [post(f"w{i}", 600 + 40 * i, settlement="Лычково") for i in range(4, 20)]
    posts += [post(f"x{i}", 2000 + 30 * i, topic="roads", settlement=None, source=f"vk:-{i % 3}")
              for i in range(14)]
    return posts


def run_detector(posts, detector=None):
    detector = detector or Detector(CONFIG, TOPICS)
    return [(a.alert_id, a.post_uids, a.level) for p in posts for a in detector.process(p)], detector


def test_a_restored_detector_continues_exactly_like_the_uninterrupted_one():
    posts = stream()
    whole, _ = run_detector(posts)
    assert len({a for a, _, _ in whole}) >= 3
    for cut in (1, 5, 9, 17, 30):
        first, detector = run_detector(posts[:cut])
        saved = json.loads(json.dumps(detector_state(detector)))      # through JSON, as in the changelog
        rest, _ = run_detector(posts[cut:], restore_detector(saved, Detector(CONFIG, TOPICS)))
        assert first + rest == whole, cut


def test_a_restored_story_longer_than_it_keeps_continues_with_the_same_cards():
    """Issue 16: a story keeps only its latest meaning_members signals and running figures; the saved state
    carries those, so the cards after a restart (counts, snippets, sources, why) are the uninterrupted ones."""
    config = CONFIG.model_copy(update={"meaning_members": 3, "snippets": 2})
    posts = stream()
    detector = Detector(config, TOPICS)
    whole = [a for p in posts for a in detector.process(p)]
    assert max(len(a.post_uids) for a in whole) > 3 * config.meaning_members
    for cut in (12, 20, 30):
        first = Detector(config, TOPICS)
        head = [a for p in posts[:cut] for a in first.process(p)]
        saved = json.loads(json.dumps(detector_state(first)))
        restored = restore_detector(saved, Detector(config, TOPICS))
        assert head + [a for p in posts[cut:] for a in restored.process(p)] == whole, cut


def test_a_post_delivered_again_changes_nothing():
    posts = stream()
    once, _ = run_detector(posts)
    again = posts[:12] + posts[3:8] + posts[12:]          # a redelivered run of posts after a crash
    twice, _ = run_detector(again)
    assert twice == once


def test_a_state_of_another_version_is_refused_in_russian():
    with pytest.raises(ValueError, match="состояние детектора версии 99"):
        restore_detector({"version": 99}, Detector(CONFIG, TOPICS))


def test_a_lane_saved_by_an_older_detector_restores_with_fresh_windows_instead_of_crashing(caplog):
    posts = stream()
    lane = restore_lane(None, lambda: Detector(CONFIG, TOPICS))
    for p in posts[:12]:
        lane.detector.process(p)
    admit(lane, [(0, p) for p in posts[12:18]], Activity(started=0.0), 1.0, 3.0)
    doc = json.loads(zlib.decompress(lane_state(lane)).decode("utf-8"))
    assert doc["detector"]["now"] and lane.buffer
    doc["detector"]["version"] = 2                        # as saved before the upgrade
    old = zlib.compress(json.dumps(doc).encode("utf-8"), 1)
    with caplog.at_level("WARNING"):
        restored = restore_lane(old, lambda: Detector(CONFIG, TOPICS))
    assert restored.detector.now is None and not restored.detector.stories     # windows start afresh
    assert set(restored.buffer) == set(lane.buffer)                             # the buffered posts are kept
    assert "окна детектора начинаются заново" in caplog.text


def _lane_alerts(chunks, partitions=2, idle_s=3.0, lateness_s=0.0):
    """Feed (wall, [(raw partition, post)]) chunks through a lane saved and restored after every chunk."""
    value, activity, out = None, Activity(started=0.0), []
    for wall, items in chunks:
        lane = restore_lane(value, lambda: Detector(CONFIG, TOPICS))
        admit(lane, items, activity, wall, 3.0)
        out += [(a.alert_id, a.post_uids, a.level) for a in release(lane, partitions, activity, wall, idle_s,
                                                                     lateness_s)]
        value = lane_state(lane)
    return out, restore_lane(value, lambda: Detector(CONFIG, TOPICS))


def test_a_lane_fed_two_interleaved_partitions_detects_in_event_time_like_the_embedded_runner():
    posts = stream()
    whole, _ = run_detector(posts)
    got, lane = _lane_alerts(interleaved_chunks(posts))
    assert got == whole
    assert lane.buffer == {}


def interleaved_chunks(posts, seed=7):
    parts = {0: [p for i, p in enumerate(posts) if i % 3 == 0], 1: [p for i, p in enumerate(posts) if i % 3]}
    rng = random.Random(seed)
    chunks, wall = [], 0.0
    while parts[0] or parts[1]:                 # each partition in order, the two interleaved at random
        src = rng.choice([p for p in parts if parts[p]])
        n = rng.randint(1, 6)
        chunks.append((wall, [(src, e) for e in parts[src][:n]]))
        parts[src] = parts[src][n:]
        wall += 0.1
    chunks.append((wall + 10, []))              # input stopped: both partitions idle, the rest is released
    return chunks


def test_a_lane_kept_between_batches_saves_the_state_a_fresh_encoding_gives():
    lane, activity, waited = Lane(Detector(CONFIG, TOPICS)), Activity(started=0.0), 0
    for wall, items in interleaved_chunks(stream(), seed=3):
        admit(lane, items, activity, wall, 3.0)
        release(lane, 2, activity, wall, 3.0, 0.0)
        saved = lane_state(lane)                # the buffered posts' JSON made once and reused
        fresh = Lane(lane.detector, dict(lane.buffer), dict(lane.marks))
        assert zlib.decompress(saved) == zlib.decompress(lane_state(fresh))
        assert set(lane.encoded) == set(lane.buffer)      # released posts are forgotten
        waited = max(waited, len(lane.buffer))
    assert waited >= 3 and lane.buffer == {}


def test_a_lane_waits_for_a_partition_it_has_not_heard_from_until_it_is_idle():
    lane, activity = Lane(Detector(CONFIG, TOPICS)), Activity(started=0.0)
    admit(lane, [(0, post("a", 0)), (0, post("b", 10))], activity, 1.0, 3.0)
    assert watermark(lane, 2, activity, 1.0, 3.0, 0.0) is False       # partition 1 may still send older posts
    assert release(lane, 2, activity, 1.0, 3.0, 0.0) == [] and len(lane.buffer) == 2
    admit(lane, [(1, post("c", 5))], activity, 1.5, 3.0)
    release(lane, 2, activity, 1.5, 3.0, 0.0)
    assert set(lane.buffer) == {"b", "c"}                              # released below min(10, 5) minutes: a
    assert watermark(lane, 2, activity, 10.0, 3.0, 0.0) is None        # both silent: everything goes
    release(lane, 2, activity, 10.0, 3.0, 0.0)
    assert lane.buffer == {}


class Recording(Detector):
    """A detector that records the order posts reach it in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order: list[str] = []

    def process(self, e):
        self.order.append(e.post.uid)
        return super().process(e)


def test_a_burst_after_a_pause_waits_for_the_partitions_silent_until_then():
    """Input resumes after every partition was silent for idle_s (the kill test's second half; a poll after a quiet
    night). Partition 1's share of the burst arrives first; partition 0, silent since the first half, is being
    enriched, not idle, and its older post must still reach detection before partition 1's newer ones."""
    lane, activity = Lane(Recording(CONFIG, TOPICS)), Activity(started=0.0)
    admit(lane, [(0, post("a1", 0)), (1, post("b1", 5))], activity, 1.0, 3.0)
    release(lane, 3, activity, 10.0, 3.0, 0.0)                            # all silent: the first half goes
    assert lane.detector.order == ["a1", "b1"]
    admit(lane, [(1, post("b2", 100)), (1, post("b3", 200))], activity, 30.0, 3.0)
    release(lane, 3, activity, 30.0, 3.0, 0.0)
    admit(lane, [(0, post("a2", 50))], activity, 30.2, 3.0)                # partition 0's share, a moment later
    release(lane, 3, activity, 30.2, 3.0, 0.0)
    assert lane.detector.order == ["a1", "b1"]          # partition 2 (never heard) holds until idle_s passes
    release(lane, 3, activity, 34.0, 3.0, 0.0)
    assert lane.detector.order == ["a1", "b1", "a2", "b2", "b3"] and lane.buffer == {}


def test_partitions_speaking_in_turns_never_stall_the_lane():
    """Two partitions post in turns, each every 2.5 s (gaps over idle_s = 2 s, but the lane never silent that
    long), two never: every post is released within idle_s plus a tick. Restarting the hold whenever one
    partition resumed (as a pause of the whole lane does) held all of them for good."""
    lane, activity = Lane(Recording(CONFIG, TOPICS)), Activity(started=0.0)
    tick, n = 0.0, 0
    for wall, src in sorted([(2.5 * k, 0) for k in range(40)] + [(1.25 + 2.5 * k, 1) for k in range(40)]):
        while tick < wall:                              # the worker's heartbeat, every second
            release(lane, 4, activity, tick, 2.0, 0.0)
            tick += 1.0
        admit(lane, [(src, post(f"u{n:03d}", n))], activity, wall, 2.0)
        release(lane, 4, activity, wall, 2.0, 0.0)
        n += 1
    assert len(lane.detector.order) >= n - 2 and lane.detector.order == sorted(lane.detector.order)


def test_a_lane_skips_posts_it_already_has():
    lane, activity = Lane(Detector(CONFIG, TOPICS)), Activity(started=0.0)
    assert admit(lane, [(0, post("a", 0)), (0, post("a", 0))], activity, 0.0, 3.0) == 1
    release(lane, 1, activity, 10.0, 3.0, 0.0)
    assert admit(lane, [(0, post("a", 0))], activity, 11.0, 3.0) == 0      # detected already: a redelivery


def test_codecs_round_trip_records():
    e = post("vk:-1_2", 10, settlement="Лычково", parent="vk:-1_1", also=(("roads", 0.4),))
    assert codec.decode_post(codec.encode_post(e.post), 20_000) == e.post
    (value,) = codec.encode_enriched([e], 3)
    assert codec.decode_enriched(value) == [(3, e)]
    assert codec.decode_enriched(codec.TICK) == []
    calm = replace(e, sentiment="positive", mood="neutral", negative=0.1)     # the public model and detection differ
    assert codec.decode_enriched(codec.encode_enriched([calm], 3)[0]) == [(3, calm)]
    old = json.loads(value)                   # a bundle from before the complaint head: one model read both
    del old["posts"][0]["mood"]
    assert codec.decode_enriched(json.dumps(old).encode()) == [(3, replace(e, mood=e.sentiment))]
    (alert,), _ = Detector(CONFIG, TOPICS).process(post("e", 0, topic="emergency", score=0.99)), None
    assert codec.decode_alert(codec.encode_alert(alert)) == alert
    d = DeadLetter(origin="x.jsonl:3", raw="{", reason="некорректный JSON", received_at=datetime.now(timezone.utc))
    assert codec.decode_dead_letter(codec.encode_dead_letter(d)) == d


def test_enriched_posts_travel_in_bundles_under_the_size_limit_in_order_without_lemmas():
    posts = [replace(post(f"p{i}", i, text="нет воды " * (i + 1)), lemmas=("нет", "вода")) for i in range(7)]
    one = len(codec.encode_enriched(posts[-1:], 2)[0])
    values = codec.encode_enriched(posts, 2, limit=2 * one)
    assert len(values) > 2 and all(len(v) <= 2 * one for v in values)
    got = [item for v in values for item in codec.decode_enriched(v)]
    assert got == [(2, replace(p, lemmas=())) for p in posts]
    assert [len(v) for v in codec.encode_enriched(posts[-1:], 2, limit=10)] == [one]   # too large: alone
    assert codec.encode_enriched([], 2) == []


@pytest.mark.parametrize("value, reason", [
    (b'{"kind": "post", "src": 1, "post": {}}',
     "сообщение обогащённых постов не по схеме: ValueError(\"kind='post'\")"),
    (b'{"kind": "posts", "src": 1, "posts": [{"post": {}}]}',
     "сообщение обогащённых постов не по схеме: KeyError('id')"),
])
def test_bad_enriched_messages_get_a_russian_reason(value, reason):
    with pytest.raises(codec.BadMessage) as e:
        codec.decode_enriched(value)
    assert str(e.value) == reason


@pytest.mark.parametrize("value, reason", [
    (None, "пустое сообщение"),
    (b"\xff\xfe", "неверная кодировка (не UTF-8): байт 0"),
    (b"{oops", "некорректный JSON: Expecting property name enclosed in double quotes, позиция 1"),
    (b"[1, 2]", "запись не является JSON-объектом"),
    (b'{"platform": "vk", "source": "vk:-1", "text": "x"}', "нет обязательного поля: id, published_at"),
])
def test_bad_raw_messages_get_a_russian_reason(value, reason):
    with pytest.raises(codec.BadMessage) as e:
        codec.decode_post(value, 20_000)
    assert str(e.value) == reason


def test_publish_order_is_the_embedded_order_without_duplicates():
    a, b, c = post("b", 5).post, post("a", 5).post, post("c", 1).post
    letter = DeadLetter(origin="f:1", raw="", reason="x", received_at=datetime.now(timezone.utc))
    posts, letters, dups = event_order([a, b, letter, c, a])
    assert [p.uid for p in posts] == ["c", "a", "b"] and letters == [letter] and dups == 1


def test_a_post_older_than_detection_remembers_is_too_late_to_raise_anything():
    detector = Detector(CONFIG, TOPICS)
    run_detector([post("x1", 0, topic="emergency", score=0.99)], detector)
    run_detector([post("late-noise", 13 * 60, topic="other")], detector)      # now is 13 h later (idle: 12 h)
    assert detector.process(post("old", 30, topic="emergency", score=0.99)) == []
    assert detector.process(post("fresh", 13 * 60 + 1, topic="emergency", score=0.99)) != []
