"""The risk workflow in a Kafka detection lane, pure: the same outputs as the embedded runner's tracker, numbered
the same way after a save/restore and after a crash that redelivers posts; the tracker's state survives JSON."""
from __future__ import annotations

import json

import pytest

from alerting.outbox import Outbox, output_doc, output_from_doc
from alerting.workflow_state import restore_tracker, tracker_state
from core.settings import Settings
from core.taxonomy import load_topics
from pipeline.geo import load_gazetteer
from pipeline.stages import detect_in_order, detector_factory, tracker_factory
from pipeline.stream import codec
from pipeline.stream.lane import Activity, admit, lane_state, release, restore_lane
from tests.conftest import make_enriched as post
from tests.unit.test_stream_state import interleaved_chunks

SETTINGS = Settings()
TOPICS = load_topics()
OFFICIAL = SETTINGS.risks.official_sources[0]


def workflow_stream():
    """A water story the administration answers (then quiet: «отработан»), a heating story nobody answers (SLA
    reminders, escalation), a reply under the answer, chatter for 30 hours."""
    posts = [post(f"vk:-1_{i}", 10 * i, settlement="Лычково") for i in range(3)]
    posts += [post(f"vk:-2_{i}", 30 + 10 * i, topic="heating", settlement="Ямник", source="vk:-2") for i in range(3)]
    posts.append(post(f"{OFFICIAL}_7", 60, topic="water", settlement="Лычково", sentiment="neutral", negative=0.1,
                      source=OFFICIAL, text="Подвоз воды организован"))
    posts.append(post("vk:-3_1", 90, topic="other", score=0.2, parent=f"{OFFICIAL}_7", source="vk:-3",
                      text="спасибо, привезли"))
    posts += [post(f"vk:-9_{i}", 120 + 30 * i, topic="other", negative=0.1, sentiment="neutral", source="vk:-9")
              for i in range(60)]
    return posts


def embedded_outputs(posts) -> list[dict]:
    """What the embedded runner's tracker hands its sinks, numbered as a lane numbers it."""
    outbox = Outbox()
    tracker = tracker_factory(SETTINGS)([outbox])
    outbox.alerts = tracker.alerts
    detect_in_order(posts, new_detector(), tracker, lambda a, new: None, {})
    return [output_doc(o) for o in outbox.take()]


new_detector = detector_factory(SETTINGS, TOPICS, load_gazetteer())   # as every runner builds it


def test_the_stream_exercises_the_whole_workflow():
    events = [d["event"]["event"] for d in embedded_outputs(workflow_stream()) if d["event"]]
    assert {"detected", "answered", "watching", "worked_out", "reminder", "escalated"} <= set(events)


def test_a_lane_saved_and_restored_after_every_chunk_gives_the_embedded_outputs():
    posts = workflow_stream()
    value, activity, got = None, Activity(started=0.0), []
    for wall, items in interleaved_chunks(posts):
        lane = restore_lane(value, new_detector, tracker_factory(SETTINGS))
        admit(lane, items, activity, wall, 3.0)
        release(lane, 2, activity, wall, 3.0, 0.0)
        got += [json.loads(codec.encode_output("Демянский", o)) for o in lane.outbox.take()]
        value = lane_state(lane)
    assert [d.pop("lane") for d in got] == ["Демянский"] * len(got)
    assert got == embedded_outputs(posts)
    assert [d["seq"] for d in got] == list(range(len(got)))


def test_a_crash_before_the_save_emits_the_same_outputs_with_the_same_numbers_again():
    posts = workflow_stream()
    chunks = interleaved_chunks(posts)
    value, activity, shipped = None, Activity(started=0.0), {}
    for i, (wall, items) in enumerate(chunks):
        lane = restore_lane(value, new_detector, tracker_factory(SETTINGS))
        admit(lane, items, activity, wall, 3.0)
        release(lane, 2, activity, wall, 3.0, 0.0)
        first = [output_doc(o) for o in lane.outbox.take()]
        if i % 4 == 1 and i + 1 < len(chunks):   # shipped, then killed before the lane was saved: Kafka redelivers
            lane = restore_lane(value, new_detector, tracker_factory(SETTINGS))
            older = [item for _, done in chunks[:i] for item in done]     # ... and, from an older commit, posts
            admit(lane, older + items, activity, wall, 3.0)                    # the saved lane has seen
            release(lane, 2, activity, wall, 3.0, 0.0)
            again = [output_doc(o) for o in lane.outbox.take()]
            assert again == first
        for d in first:
            assert shipped.setdefault(d["seq"], d) == d
        value = lane_state(lane)
    assert [shipped[n] for n in sorted(shipped)] == embedded_outputs(posts)


def test_a_restored_tracker_continues_exactly_like_the_uninterrupted_one():
    posts = workflow_stream()
    whole = embedded_outputs(posts)
    for cut in (2, 7, 9, 30, 50):
        outbox = Outbox()
        tracker = tracker_factory(SETTINGS)([outbox])
        outbox.alerts = tracker.alerts
        detector = new_detector()
        detect_in_order(posts[:cut], detector, tracker, lambda a, new: None, {})
        saved = json.loads(json.dumps(tracker_state(tracker)))          # through JSON, as in the changelog
        outbox2 = Outbox(outbox.next_seq)
        again = restore_tracker(saved, tracker_factory(SETTINGS)([outbox2]))
        outbox2.alerts = again.alerts
        detect_in_order(posts[cut:], detector, again, lambda a, new: None, {})
        assert [output_doc(o) for o in outbox.take() + outbox2.take()] == whole, cut


def test_a_workflow_output_survives_the_topic():
    for doc in embedded_outputs(workflow_stream()):
        lane, o = codec.decode_output(codec.encode_output("Демянский", output_from_doc(doc)))
        assert lane == "Демянский" and output_doc(o) == doc


def test_a_workflow_output_not_by_the_schema_gets_a_russian_reason():
    with pytest.raises(codec.BadMessage, match="сообщение процесса работы с рисками не по схеме"):
        codec.decode_output(b'{"lane": "x", "seq": 1}')


def test_every_field_of_an_alert_survives_the_topics():
    from dataclasses import fields, replace

    from alerting.workflow_state import alert_doc, alert_from_doc
    alert = next(d for d in embedded_outputs(workflow_stream()) if d["alert"])["alert"]
    full = replace(alert_from_doc(alert), why="похожих сообщений: 3", street="ул. Ленина", object="школа")
    assert all(getattr(full, f.name) not in (None, "", ()) for f in fields(full))     # every field set ...
    assert codec.decode_alert(codec.encode_alert(full)) == full                        # ... and carried
    assert alert_from_doc(json.loads(json.dumps(alert_doc(full)))) == full
