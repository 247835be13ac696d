"""Where in a building a complaint is (analytics/spots.py), on phrases WE wrote: which number goes to which word when
a resident writes the word first («подъезд 3 этаж 5») or the number first («3 подъезд 5 этаж»), and numbers that are
the building's, a count or the next sentence's, not a spot. Each row is read as the repeat detector reads it."""
from __future__ import annotations

import pytest

from analytics.problems import problem_of

ORDER = [   # text -> the spots it names (kinds it names none of left out)
    ("подъезд 3 этаж 5", {"entrance": {3}, "floor": {5}}),                   # word first: each takes the next
    ("подъезд №3 этаж 5, не горит лампа", {"entrance": {3}, "floor": {5}}),
    ("этаж 5 подъезд 3", {"entrance": {3}, "floor": {5}}),
    ("Парадная 2 этаж 4 грязно", {"entrance": {2}, "floor": {4}}),
    ("кв. 45 подъезд 2", {"entrance": {2}, "flat": {45}}),
    ("квартира 12 этаж 3", {"floor": {3}, "flat": {12}}),
    ("подъезд 2 этаж 5 кв 45", {"entrance": {2}, "floor": {5}, "flat": {45}}),
    ("3 подъезд 5 этаж", {"entrance": {3}, "floor": {5}}),                   # number first: each takes the one before
    ("5 этаж 3 подъезда", {"entrance": {3}, "floor": {5}}),
    ("на лестнице 6 этажа 2 парадной", {"entrance": {2}, "floor": {6}}),
    ("на лестнице 3-4 эт 2 марш", {"floor": {3, 4}}),                        # the stairs of floors 3-4, not entrance
    ("под. 3, эт. 5", {"entrance": {3}, "floor": {5}}),                      # apart: no number to share
    ("парадная 2, 4-й этаж", {"entrance": {2}, "floor": {4}}),
    ("на 5-м этаже в третьем подъезде", {"entrance": {3}, "floor": {5}}),
    ("кв. 45, 2 под.", {"entrance": {2}, "flat": {45}}),
    ("кв. 45, подъезд 2", {"entrance": {2}, "flat": {45}}),
    ("квартиры 12 и 13, подъезд 1", {"entrance": {1}, "flat": {12, 13}}),
    ("этаж 9 (подъезд 1)", {"entrance": {1}, "floor": {9}}),
    ("5-тый подъезд, грязно", {"entrance": {5}}),                            # a misspelt ending
    ("53 дом 2 подъезд", {"entrance": {2}}),                                 # the house's number before «дом»
    ("53 дом, 2 подъезд 5 этаж", {"entrance": {2}, "floor": {5}}),
    ("кв 53 дом 2 подъезд 4", {"entrance": {4}, "flat": {53}}),              # … but not the flat's
    ("под 2 подъездом яма", {"entrance": {2}}),
    # round 4: a chain that starts with a word whose number follows it: every word takes the next number
    ("кв 45 этаж 3 подъезд 2", {"entrance": {2}, "floor": {3}, "flat": {45}}),
    ("квартира 12 этаж 3 парадная 4", {"entrance": {4}, "floor": {3}, "flat": {12}}),
    ("лестница 3 этаж 5", {"entrance": {3}, "floor": {5}}),                  # a stairway keeps one number …
    ("в доме 5 подъезд 2", {"entrance": {2}}),                               # «в доме 5»: the house's number
    ("у дома 7, подъезд 1, этаж 2", {"entrance": {1}, "floor": {2}}),
    # a span of two floors with no «этаж»: the stairs between them
    ("Лестница между 7-8, нет света", {"floor": {7, 8}}),
    ("Между 11 и 12 не горит лампа", {"floor": {11, 12}}),
    ("Между 2 и 3 подъездами яма", {"entrance": {2, 3}}),                    # a spot word names them
    ("фонарь между 1м и 2м. подъездом не горит", {"entrance": {1, 2}}),
    ("Свет не горит между 15 и 16", {"floor": {15, 16}}),                     # at the end of the text
    ("Грязно между 4 и 5 марш лестницы", {"floor": {4, 5}}),                 # before «марш»
]


@pytest.mark.parametrize("text,expected", ORDER)
def test_each_number_goes_to_its_word(text, expected):
    assert {k: set(v) for k, v in problem_of(text).spots.items() if v} == expected


NOT_A_SPOT = [   # the building's numbers, a count, the next sentence's number
    ("дом 3 этаж", {}),                                   # the house number; the floor is not given
    ("дом 3 этаж 5", {"floor": {5}}),
    ("д. 7, корп. 2 парадная 4", {"entrance": {4}}),
    ("ул. Садовая, дом 20-22 лестница", {}),
    ("этажность 5", {}),
    ("этажность 5 подъезд 2", {"entrance": {2}}),
    ("9-этажный дом, подъезд 2", {"entrance": {2}}),
    ("на площадке 8 квартир, лампа не горит на 7 этаже", {"floor": {7}}),
    ("Нет отопления в квартире. 4 дня жду", {}),
    ("Грязно в парадной. 12.09 звонил в УК", {}),
    ("Течёт в подъезде. 2 недели никто не приходит", {}),
    ("в доме 9 этажей, лифт не работает", {}),            # a count of floors
    ("5 этажей без света", {}),
    ("под 3 окнами мусор", {}),                           # the preposition, not «под.» (подъезд)
    ("в доме этажей 5, подъезд 2", {"entrance": {2}}),    # «этажей 5»: a count too
    ("этажей 5", {}),
    ("этажей 5 подъезд 2", {"entrance": {2}}),            # review fixes: the count takes its number along
    ("9 этажей 2 подъезд", {"entrance": {2}}),
    ("между 5 и 6 домами яма", {}),                       # two houses, not floors
    ("между 10 и 11 часами не горит свет", {}),           # hours
    ("между 3 и 7 не горит свет", {}),                    # not two neighbouring floors
    ("Не горит лампа, проверяли между 1 и 2 ноября", {}),  # review fixes: dates and times of day, not floors
    ("Не работает лифт между 9 и 10 утра", {}),
    ("между 3 и 4 вечера шумят", {}),
    ("Мусор лежит между 1 и 2 мая", {}),
    ("Грязно между 5 и 6 после ремонта", {}),             # a word after the numbers that is no floor's word
]


@pytest.mark.parametrize("text,expected", NOT_A_SPOT)
def test_numbers_that_are_no_spot(text, expected):
    assert {k: set(v) for k, v in problem_of(text).spots.items() if v} == expected
