"""Event-time detection: windows, stories, stable ids, instant alerts — on hand-made enriched posts."""
from __future__ import annotations

from datetime import timedelta

import pytest

from alerting.detect import Detector, alert_id_for
from core.records import NEGATIVE_AT
from core.settings import Detection
from core.taxonomy import load_topics
from tests.conftest import T0
from tests.conftest import make_enriched as post

CONFIG = Detection(window_s=3 * 3600, min_posts=3, min_authors=2, story_idle_s=12 * 3600)


def run(posts, config=CONFIG):
    detector = Detector(config, load_topics())
    events = []
    for p in posts:
        events.extend(detector.process(p))
    return events


def test_three_reports_inside_the_window_make_one_story_raised_at_the_third():
    events = run([post("a", 0), post("b", 40), post("c", 100)])
    assert len(events) == 1
    alert = events[0]
    assert alert.kind == "story" and alert.topic == "water"
    assert alert.post_uids == ("a", "b", "c")
    assert alert.created_at == T0 + timedelta(minutes=100)      # event time, not the wall clock
    assert alert.alert_id == alert_id_for("a")


def test_reports_spread_wider_than_the_window_make_no_story():
    assert run([post("a", 0), post("b", 100), post("c", 181)]) == []


def test_window_slides_in_event_time():
    events = run([post("a", 0), post("b", 100), post("c", 181), post("d", 200)])
    assert [e.post_uids for e in events] == [("b", "c", "d")]


def test_one_author_repeating_is_not_a_story():
    assert run([post(u, i * 10, author="same") for i, u in enumerate("abcd")]) == []


def test_later_posts_join_the_story_and_keep_its_id():
    times = (("a", 0), ("b", 10), ("c", 20), ("d", 300), ("e", 600))
    events = run([post(u, m, settlement="Лычково") for u, m in times])
    assert len({e.alert_id for e in events}) == 1
    assert events[-1].post_uids == ("a", "b", "c", "d", "e")
    assert events[-1].created_at == T0 + timedelta(minutes=20)
    assert events[-1].updated_at == T0 + timedelta(minutes=600)


def test_without_a_known_place_a_story_grows_only_within_the_burst_window():
    """Hours later, the same topic with no place named is not known to be the same problem (issue 14: stories
    chained for days through posts that only shared a top topic)."""
    events = run([post("a", 0), post("b", 10), post("c", 20), post("d", 200), post("e", 600)])
    assert {e.post_uids for e in events} == {("a", "b", "c"), ("a", "b", "c", "d")}


def test_an_idle_story_closes_and_new_reports_start_a_new_one():
    first = run([post("a", 0), post("b", 10), post("c", 20), post("d", 20 + 13 * 60), post("e", 20 + 13 * 60 + 5),
                 post("f", 20 + 13 * 60 + 9)])
    assert [e.alert_id for e in first][0] != first[-1].alert_id
    assert first[-1].post_uids == ("d", "e", "f")


def test_settlements_keep_stories_apart_and_unplaced_posts_join_either():
    events = run([post("a", 0, settlement="Лычково"), post("b", 5, settlement="Демянск"),
                  post("c", 10, settlement="Лычково"), post("d", 15), post("e", 20, settlement="Демянск")])
    stories = {e.alert_id: e for e in events}
    assert len(stories) == 1
    (story,) = stories.values()
    assert story.settlement == "Лычково" and story.post_uids == ("a", "c", "d")


def test_different_topics_do_not_mix():
    assert run([post("a", 0, topic="water"), post("b", 5, topic="roads"), post("c", 10, topic="heating")]) == []


@pytest.mark.parametrize("kwargs", [dict(topic="other"), dict(score=0.3), dict(sentiment="positive", negative=0.1)])
def test_posts_that_say_nothing_about_a_risk_are_ignored(kwargs):
    assert run([post(u, i, **kwargs) for i, u in enumerate("abcde")]) == []


def test_a_single_emergency_post_raises_an_instant_alert_and_grows_into_a_story():
    events = run([post("fire", 0, topic="emergency", score=0.95, negative=0.95),
                  post("fire2", 5, topic="emergency", score=0.9)])
    assert events[0].kind == "instant" and events[0].post_uids == ("fire",)
    assert events[0].level in ("высокий", "критический")
    assert events[1].alert_id == events[0].alert_id and events[1].post_uids == ("fire", "fire2")


def test_a_weak_emergency_post_waits_for_a_burst():
    assert run([post("x", 0, topic="emergency", score=0.6, negative=0.2)]) == []


def test_a_negative_reply_under_a_story_post_joins_it_even_without_a_topic():
    events = run([post("a", 0), post("b", 10), post("c", 20),
                  post("r", 30, topic="other", parent="b", negative=0.8),
                  post("r2", 31, topic="other", parent="b", negative=0.1, sentiment="neutral")])
    assert events[-1].post_uids == ("a", "b", "c", "r")


def test_levels_grow_with_size_and_spread():
    small = run([post("a", 0), post("b", 10), post("c", 20)])[-1]
    big = run([post(f"p{i}", i * 5, source=f"vk:-{i % 4}") for i in range(12)])[-1]
    order = ("низкий", "средний", "высокий", "критический")
    assert order.index(big.level) > order.index(small.level)
    assert big.score > small.score


def test_snippets_are_the_strongest_posts_in_time_order():
    events = run([post("a", 0, score=0.6), post("b", 10, score=0.99), post("c", 20, score=0.98),
                  post("d", 30, score=0.97)], Detection(min_posts=3, snippets=2))
    assert [url for _, url in events[-1].snippets] == ["https://vk.com/wallb", "https://vk.com/wallc"]


def test_a_negative_reply_continues_its_parent_topic_and_place_before_a_story_exists():
    events = run([post("a", 0, settlement="Лычково"),
                  post("r", 5, topic="other", parent="a", negative=0.9),         # «И у нас так же!»
                  post("b", 10, settlement="Лычково")])
    assert len(events) == 1
    assert events[0].post_uids == ("a", "r", "b") and events[0].settlement == "Лычково"


def test_a_calm_reply_does_not_continue_its_parent():
    assert run([post("a", 0), post("r", 5, topic="other", parent="a", negative=0.1, sentiment="neutral"),
                post("b", 10)]) == []


def test_a_reply_without_a_place_takes_its_parents():
    events = run([post("a", 0, settlement="Ямник"), post("b", 5, parent="a"), post("c", 10, settlement="Ямник")])
    assert events[0].settlement == "Ямник" and events[0].post_uids == ("a", "b", "c")


def test_a_post_also_counts_for_a_strong_second_topic():
    events = run([post("a", 0, topic="roads", settlement="Ямник"),
                  post("b", 5, topic="transport", also=(("roads", 0.4),), settlement="Ямник"),
                  post("c", 10, topic="roads")])
    assert [(e.topic, e.post_uids) for e in events] == [("roads", ("a", "b", "c"))]


def test_a_weak_second_topic_does_not_count():
    assert run([post("a", 0, topic="roads"), post("b", 5, topic="transport", also=(("roads", 0.1),)),
                post("c", 10, topic="roads")]) == []


def test_calm_mentions_of_a_minor_topic_are_not_reports_but_complaints_are():
    calm = [post(u, i * 5, topic="culture_sport", sentiment="neutral", negative=0.1) for i, u in enumerate("abcd")]
    assert run(calm) == []
    angry = [post(u, i * 5, topic="culture_sport", negative=0.8) for i, u in enumerate("abc")]
    assert run(angry)[0].topic == "culture_sport"
    calm_water = [post(u, i * 5, topic="water", sentiment="neutral", negative=0.1) for i, u in enumerate("abc")]
    assert run(calm_water)[0].topic == "water"


def test_an_unplaced_post_joins_only_a_recent_story_but_a_placed_one_joins_while_it_is_open():
    events = run([post("a", 0, settlement="Лычково"), post("b", 5, settlement="Лычково"), post("c", 10),
                  post("late-unplaced", 10 + 4 * 60), post("late-placed", 10 + 5 * 60, settlement="Лычково")])
    assert events[-1].post_uids == ("a", "b", "c", "late-placed")


def test_posts_of_official_pages_answer_risks_and_never_count_as_complaints():
    detector = Detector(Detection(), load_topics(), official=("vk:-900",))
    out = []
    for i, source in enumerate(["vk:-1", "vk:-900", "vk:-2", "vk:-900"]):
        out += detector.process(post(f"p{i}", i * 10, source=source, author=f"a{i}"))
    assert out == []                                      # two residents and the administration: no story yet
    reply = post("p9", 45, source="vk:-900", author="a9", parent="p1")   # a resident's reply on the official page
    assert [a.post_uids for a in detector.process(reply)] == [("p0", "p2", "p9")]


def test_a_post_reads_negative_from_the_shared_bar_and_positive_only_below_it():
    """Low-criticality reports and replies need a complaint's mood: negative >= NEGATIVE_AT (the seed sentiment's
    bar, docs/benchmarks.md), whatever the likeliest sentiment; a post is dropped as positive only below the bar."""
    above, below = NEGATIVE_AT + 0.02, NEGATIVE_AT - 0.02
    assert post("a", 0, sentiment="neutral", negative=above).reads_negative
    assert not post("a", 0, sentiment="neutral", negative=below).reads_negative
    assert post("a", 0, sentiment="positive", negative=above).reads_negative
    assert post("a", 0, sentiment="positive", negative=below).reads_positive
    assert not post("a", 0, sentiment="positive", negative=above).reads_positive
    calm = [post(u, i * 5, topic="culture_sport", sentiment="neutral", negative=above) for i, u in enumerate("abc")]
    assert run(calm)[0].topic == "culture_sport"
    thread = [post("a", 0), post("b", 2)]
    assert len(run(thread + [post("r", 5, topic="other", parent="a", sentiment="neutral", negative=above)])) == 1
    assert run(thread + [post("r", 5, topic="other", parent="a", sentiment="positive", negative=below)]) == []
    assert run(thread + [post("c", 5, sentiment="positive", negative=below)]) == []
    assert len(run(thread + [post("c", 5, sentiment="positive", negative=above)])) == 1


def test_detection_reads_the_complaint_heads_mood_not_the_public_sentiment():
    """Since issue 14 `sentiment` is the public model's and `negative` / `mood` detection's own head's: a post the
    public model reads positive but the complaint head does not is a report, and the other way round it is not."""
    below = NEGATIVE_AT - 0.02
    assert not post("a", 0, sentiment="positive", mood="neutral", negative=below).reads_positive
    assert post("a", 0, sentiment="neutral", mood="positive", negative=below).reads_positive
    thread = [post("a", 0), post("b", 2)]
    assert len(run(thread + [post("c", 5, sentiment="positive", mood="neutral", negative=below)])) == 1
    assert run(thread + [post("c", 5, sentiment="negative", mood="positive", negative=below)]) == []
