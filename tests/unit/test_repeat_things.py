"""Round 4 of issue 19 (test5's errors, fixed on the tuning parts): which thing a complaint is about (docs/repeats.md,
definitions A and B). Where both reports name the thing at fault it must be the same thing, and a building has many
doors (the entrance's, a technical room's, the chute hall's, the lift hall's, a balcony's); the finish of one thing at
one spot is one fault. Pairs WE wrote."""
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


@pytest.mark.parametrize("text,doors", [
    ("Покрасьте входную дверь 2 подъезда", {"entry"}),
    ("Дверь подъезда №4 не закрывается", {"entry"}),
    ("На магните пластина, дверь не закрывается", {"entry"}),
    ("Дверь в электрощитовую на 1 этаже облезла", {"tech"}),
    ("Замок двери, ведущей из холла в мусоропровод, сломан", {"chute"}),
    ("Сломана ручка двери между лифтовым и общим холлом", {"lift"}),
    ("Дверь с общего балкона на лестницу не закрывается", {"balcony"}),
    ("Во 2 парадной на 3 этаже сломана ручка двери", set()),          # «во 2 парадной» places it, names no door
    ("Грязно у лифта. Дверь скрипит", set()),                         # another sentence's lift
    ("Не горит лампа у лифта", set()),                                # no door at all
    ("Тамбурная дверь не закрывается", set()),                        # the entrance's vestibule or a floor's
    # review fixes: a kind names the door only near it, not past a comma after it, not as a place («у лифта»)
    ("Сломан доводчик двери, домофон работает", set()),
    ("На магните в 3 парадной кто-то закрепил кусок жести, мешающий двери закрыться", {"entry"}),   # the device
    ("Не закрывается дверь у лифта", set()),
    ("Дверь в квартирный холл возле лифта не закрывается", {"flat"}),
    ("Дверь не закрывается, хотя мы много раз писали в управляющую компанию про подвал", set()),
])
def test_which_door(text, doors):
    assert problem_of(text).doors == doors


NOT_LINKED = [   # two doors of one building: two problems
    ("Покрасьте входную дверь 2 подъезда", "Покрасьте дверь в техническое помещение у почтовых ящиков"),
    ("Магнит на двери 3 парадной не держит, дверь не закрывается", "Сломан замок двери в холл мусоропровода"),
    ("Сломана ручка двери между лифтовым и общим холлом", "Ручка входной двери ржавая, ремонт не производят"),
    ("Нет замка на двери с балкона на лестницу", "Замок входной двери подъезда не работает"),
    ("Не закрывается дверь у лифта", "Не закрывается входная дверь подъезда"),   # a landing's door, not downstairs
]
LINKED = [   # the same door, or a door the other text does not place
    ("Не закрывается входная дверь, сломан доводчик", "Входная дверь опять не закрывается, магнит не держит"),
    ("Дверь в подвал не запирается, замок сломан", "Замок двери подвала так и не починили"),
    ("Сломан замок на двери мусорокамеры", "Опять нет замка, заходит кто хочет"),
    ("Не закрывается дверь тамбура", "На 5 этаже дверь тамбура так и не закрывается"),   # a floor's lobby, maybe
    ("Не закрывается дверь у лифта", "Не закрывается дверь в квартирный холл"),         # review fixes: «у лифта»
    ("Не закрывается дверь на 5 этаже у лифта, сломан доводчик",                         # is a place; a door of
     "На 5 этаже сломан доводчик двери в квартирный холл"),                              # no kind may be the other's
]


@pytest.mark.parametrize("a,b", NOT_LINKED)
def test_two_doors_are_two_problems(a, b):
    assert repeat_why(_flat(1, 0, a), _flat(2, 9, b)) is None


@pytest.mark.parametrize("a,b", LINKED)
def test_the_same_door_is_one_problem(a, b):
    assert repeat_why(_flat(1, 0, a), _flat(2, 9, b)) is not None


# The finish (definition A: paint, plaster, a hole, tiles) of one thing at one spot is one fault, even where each text
# also names another kind; «ремонт» alone names no finish fault
FINISH_LINKED = [
    ("На 1 этаже в лифтовом холле облезла краска, стены грязные", "Стены лифтового холла 1 этажа повреждены, сколы"),
]
FINISH_NOT_LINKED = [
    ("Прошу сделать ремонт стен лифтового холла 1 этажа",
     "Неисправен светильник в лифтовом холле 1 этажа, нужен ремонт"),
    ("Заделать дыру в стене на 1 этаже", "На 1 этаже после ремонта не прокрашены углы"),      # no thing both name
]


@pytest.mark.parametrize("a,b", FINISH_LINKED)
def test_the_finish_of_one_thing_at_one_spot_is_one_fault(a, b):
    assert repeat_why(_flat(1, 0, a), _flat(2, 9, b)) is not None


@pytest.mark.parametrize("a,b", FINISH_NOT_LINKED)
def test_a_repair_is_no_finish_fault(a, b):
    assert repeat_why(_flat(1, 0, a), _flat(2, 9, b)) is None


OUTDOORS_LINKED = [   # «на стене / торце дома» is the facade: outdoors, as the facade is
    ("Надписи на фасаде дома", "На торце дома надписи на двери в подвал"),
]
OUTDOORS_NOT_LINKED = [
    ("Не горит свет на лестнице с 2 по 9 этаж", "Не работает фонарь на стене дома"),   # indoors vs the facade
    ("Магнит входной двери не держит, дверь открыта", "Нет ручки с замком, 26 этаж"),   # the entrance's door vs a
    ("Грязно у входной двери подъезда", "Грязно на 7 этаже, не моют"),                  # floor above the ground
]
ENTRANCE_DOOR_LINKED = [
    ("Не закрывается входная дверь", "На 1 этаже дверь не закрывается, замок сломан"),   # the ground floor: its door
]


@pytest.mark.parametrize("a,b", OUTDOORS_LINKED + ENTRANCE_DOOR_LINKED)
def test_outdoors_and_the_entrance_door_link_where_nothing_differs(a, b):
    assert repeat_why(_flat(1, 0, a), _flat(2, 9, b)) is not None


@pytest.mark.parametrize("a,b", OUTDOORS_NOT_LINKED)
def test_the_facade_and_the_entrance_door_are_not_a_floor_above(a, b):
    assert repeat_why(_flat(1, 0, a), _flat(2, 9, b)) is None
