"""How close two posts' places are, for story grouping (issue 18). Pure.

    place_affinity(("Демянск", "ул. Ленина"), ("Демянск", "ул. Ленина"))      -> 1.0    same street
    place_affinity(("Демянск", ""), ("Демянск", "ул. Ленина"))                -> 0.5    same settlement
    place_affinity((None, ""), ("Демянск", ""))                               -> 0.25   a place unknown
    place_affinity(("Демянск", "ул. Ленина"), ("Демянск", "ул. Садовая"))     -> 0.1    different streets
    place_affinity(("Демянск", ""), ("Лычково", ""))                          -> 0.0    different settlements

A place is (settlement, street), either part None or "" when unknown. Streets are compared only within one
settlement (or when a settlement is unknown): «ул. Ленина» is in almost every town.
"""
from __future__ import annotations

Place = tuple  # (settlement: str | None, street: str | None)

SAME_STREET, SAME_SETTLEMENT, UNKNOWN, OTHER_STREET, OTHER_SETTLEMENT = 1.0, 0.5, 0.25, 0.1, 0.0


def place_affinity(a: Place, b: Place) -> float:
    (sa, ta), (sb, tb) = (a[0] or None, a[1] or None), (b[0] or None, b[1] or None)
    if sa and sb and sa != sb:
        return OTHER_SETTLEMENT
    if ta and tb:
        return SAME_STREET if ta == tb else OTHER_STREET
    return SAME_SETTLEMENT if sa and sb else UNKNOWN
