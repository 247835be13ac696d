"""Round 5 of issue 19 (test6's errors, and the rule family that over-links on fresh parts): where a fault of one
thing is (docs/repeats.md, definitions A and B). Two flights of the back stairs are two spots; a side of the building
is no yard; a door of a known kind is a thing of its own; a lamp, a lock or paint that each text places (a floor, a
thing) with nothing shared is two spots unless the later one says the fault is back. Pairs WE wrote."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from analytics.problems import problem_of
from analytics.repeats import repeat_why

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _flat(i: int, days: int, text: str, category: str = "Состояние подъезда") -> dict:
    return {"appeal_id": f"pos:{i}", "received_at": T0 + timedelta(days=days), "text": text, "topic": "housing",
            "category": category, "settlement": "Демянск", "address": "Демянск, ул. Ленина, дом 5", "author": "",
            "answered_at": T0 + timedelta(days=days, hours=12)}


def _linked(a: str, b: str, category: str = "Состояние подъезда") -> bool:
    return repeat_why(_flat(1, 0, a, category), _flat(2, 9, b, category)) is not None


@pytest.mark.parametrize("text", ["На 3 этаже неисправен осветительный прибор", "Осветительные приборы не горят"])
def test_a_lighting_fixture_is_lighting(text):
    assert "light" in problem_of(text).defects


def test_a_lighting_fixture_and_no_light_on_one_floor_are_one_problem():
    assert _linked("6 этаж, у 12 кв. не работает осветительный прибор", "6 этаж. В коридоре темно, нет освещения")


@pytest.mark.parametrize("text,flights", [
    ("Нет света на черной лестнице между 7 и 6 этажами", {(6, 7)}),
    ("Лестница между 11-12, лампа не горит", {(11, 12)}),
    ("Между 4м и 5м этажом грязно", {(4, 5)}),
    ("Не горит свет между 2 и 3 подъездами", set()),                 # entrances, no floors
    ("Не горит свет на 6 этаже", set()),                              # a floor, no flight
    ("Свет не горит между 3 и 6 этажами", set()),                     # a span of floors, no one flight
    ("Не горит лампа, проверяли между 1 и 2 ноября", set()),           # dates, no floors
])
def test_which_flight(text, flights):
    assert problem_of(text).flights == flights


FLIGHTS_APART = [
    ("Не горит свет на пожарной лестнице между 7 и 6 этажами, 2 подъезд",
     "Не горит свет на пожарной лестнице между 6 и 5 этажами, 2 подъезд"),
]
FLIGHTS_SHARED = [
    ("Не горит свет на пожарной лестнице между 7 и 6 этажами", "Опять нет света на лестнице между 6-7 этажами"),
    ("Не горит свет на пожарной лестнице между 7 и 6 этажами", "Не горит свет на 6 этаже у пожарной лестницы"),
]


# review fixes: a date or a time of day after «между 1 и 2» places nothing, so the other text's floor is no other spot
NO_FLIGHT = [
    ("Не горит лампа, проверяли между 1 и 2 ноября", "Не горит лампа на 5 этаже"),
    ("Не горит свет в подъезде, темно между 7 и 8 вечера", "Не горит свет на 5 этаже"),
]


@pytest.mark.parametrize("a,b", NO_FLIGHT)
def test_a_date_or_an_hour_is_no_flight(a, b):
    assert _linked(a, b)


@pytest.mark.parametrize("a,b", FLIGHTS_APART)
def test_two_flights_of_stairs_are_two_spots(a, b):
    assert not _linked(a, b)


@pytest.mark.parametrize("a,b", FLIGHTS_SHARED)
def test_one_flight_or_a_floor_of_it_is_no_difference(a, b):
    assert _linked(a, b)


def test_a_side_of_the_building_is_no_yard():
    p = problem_of("Покрасить дверь мусорокамеры (со стороны двора) в подъезде №4")
    assert "yard" not in p.objects and p.sides == {"двора"}
    assert _linked("Прошу покрасить входную дверь и дверь мусорокамеры (со стороны двора) в подъезде №3",
                   "Прошу покрасить входную дверь подъезда №3")


KNOWN_DOOR_APART = [   # a door of a known kind is a thing of its own, not a part of the other text's thing
    ("Прошу покрасить входную дверь подъезда №2", "Покрасьте технический шкаф возле мусоропровода на 1 этаже"),
    ("Покрасить входную дверь, облезла", "Покрасьте шкаф с электросчётчиками у лифта"),
]
KNOWN_DOOR_SHARED = [   # the chute's door is the chute's; a door of no kind may be the other's
    ("Покрасить дверь мусорокамеры", "Мусоропровод облез, покрасить"),
    ("Дверь не закрывается, сломан доводчик", "Доводчик входной двери опять сломан"),
]


@pytest.mark.parametrize("a,b", KNOWN_DOOR_APART)
def test_a_known_door_and_another_thing_are_two_things(a, b):
    assert not _linked(a, b)


@pytest.mark.parametrize("a,b", KNOWN_DOOR_SHARED)
def test_a_door_of_the_thing_or_of_no_kind_is_no_other_thing(a, b):
    assert _linked(a, b)


PLACED_APART = [   # a fault of one thing, each text placing it, nothing shared: two spots
    ("Не горит лампа на 3 этаже", "Не горит лампа у мусоропровода"),
    ("Сломан замок на 5 этаже", "Сломан замок двери в щитовую"),
]
PLACED_APART_BUT_BACK = [   # the later one says it is back: the cue decides the doubt for 1 (definition B)
    ("Не горит лампа на 3 этаже, 1 подъезд", "Снова не горит лампа у мусоропровода"),
]
PLACED_ONCE = [   # one text says where, the other not: no difference
    ("Не горит лампа на 3 этаже", "Не работает освещение, темно"),
    ("Грязно на 3 этаже", "Грязно у мусоропровода"),                   # a stairwell-wide fault: not one thing's
]


@pytest.mark.parametrize("a,b", PLACED_APART)
def test_one_things_fault_placed_apart_is_two_spots(a, b):
    assert not _linked(a, b)


@pytest.mark.parametrize("a,b", PLACED_APART_BUT_BACK + PLACED_ONCE)
def test_a_cue_or_one_place_named_links(a, b):
    assert _linked(a, b)


LIST_LINKED = [   # a list of faults: the other text's fault is placed by its own sentences (definition D)
    ("Надписи на стенах, 4 этаж",
     "В подъезде надписи на стенах. Перила на чёрной лестнице спилены, открыт доступ на чердак и крышу"),
    ("Не горит свет на 3 этаже", "На 3 этаже не горит лампа. Сломан замок двери в подвал"),
]
LIST_NOT_LINKED = [   # the other text's fault is in the attic: the sentence that names it places it
    ("Надписи на стенах, 4 этаж", "Надписи на двери чердака. На лестнице сломаны перила"),
]


@pytest.mark.parametrize("a,b", LIST_LINKED)
def test_a_listed_fault_is_placed_by_its_own_sentences(a, b):
    assert _linked(a, b)


@pytest.mark.parametrize("a,b", LIST_NOT_LINKED)
def test_the_sentence_naming_the_fault_still_places_it(a, b):
    assert not _linked(a, b)


def test_cut_railings_are_damage():
    assert "broken" in problem_of("На лестнице спилены перила").defects
