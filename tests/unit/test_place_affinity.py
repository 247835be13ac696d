"""alerting/affinity.place_affinity and how detection uses streets (issue 18); the card names the street."""
from __future__ import annotations

from dataclasses import replace

import pytest

from alerting.card import card_html
from alerting.detect import Detector
from alerting.lifecycle import Sla
from alerting.place_affinity import place_affinity
from core.settings import Detection
from core.taxonomy import load_topics
from tests.conftest import T0, make_enriched

CONFIG = Detection(window_s=3 * 3600, min_posts=3, min_authors=2, story_idle_s=12 * 3600)


@pytest.mark.parametrize("a, b, expected", [
    (("Демянск", "ул. Ленина"), ("Демянск", "ул. Ленина"), 1.0),
    ((None, "ул. Ленина"), ("Демянск", "ул. Ленина"), 1.0),
    (("Демянск", ""), ("Демянск", "ул. Ленина"), 0.5),
    ((None, ""), ("Демянск", ""), 0.25),
    (("Демянск", "ул. Ленина"), ("Демянск", "ул. Садовая"), 0.1),
    (("Демянск", "ул. Ленина"), ("Лычково", "ул. Ленина"), 0.0),      # a Lenin street in every town
    (("Демянск", ""), ("Лычково", ""), 0.0),
])
def test_place_affinity(a, b, expected):
    assert place_affinity(a, b) == expected == place_affinity(b, a)


def post(uid, minutes, street="", **kw):
    return replace(make_enriched(uid, minutes, **kw), street=street)


def run(posts):
    d = Detector(CONFIG, load_topics())
    return [a for p in posts for a in d.process(p)]


def test_a_story_carries_the_street_most_of_its_posts_name():
    events = run([post("a", 0, "ул. Ленина", settlement="Демянск"), post("b", 5, "ул. Ленина", settlement="Демянск"),
                  post("c", 9, settlement="Демянск")])
    assert (events[-1].settlement, events[-1].street) == ("Демянск", "ул. Ленина")


def test_a_different_problem_on_a_different_street_stays_apart():
    story = [post(u, i, "ул. Ленина", topic="roads", settlement="Демянск") for i, u in enumerate("abc")]
    other = post("d", 10, "ул. Садовая", topic="transport", also=(("roads", 0.4),), settlement="Демянск")
    same = post("e", 12, "ул. Ленина", topic="transport", also=(("roads", 0.4),), settlement="Демянск")
    events = run(story + [other, same])
    assert events[-1].post_uids == ("a", "b", "c", "e")


def test_the_card_names_settlement_street_and_institution():
    events = run([post(u, i, "ул. Ленина", settlement="Демянск") for i, u in enumerate("abc")])
    alert = replace(events[-1], object="школа")
    html = card_html(alert, None, load_topics(), T0.tzinfo, Sla(8 * 3600, 24 * 3600, 2 * 3600))
    assert "Демянск, ул. Ленина, школа" in html.splitlines()[0]
    assert "Лычково, школа" in card_html(replace(alert, settlement="Лычково", street=None), None, load_topics(),
                                          T0.tzinfo, Sla(8 * 3600, 24 * 3600, 2 * 3600))
