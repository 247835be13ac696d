"""Where inside a building a complaint is: the entrance, floor and flat numbers its text names. Pure; word lists.

    spots_of(WORD.findall("не горит лампа на 5 этаже, 2 парадная"))
        -> {"entrance": frozenset({2}), "floor": frozenset({5}), "flat": frozenset()}

Tolerant of the portal's spelling: «2-м», «2 эт.», «втором», a misspelt ordinal («вторм», «третем»), «подезд».
"""
from __future__ import annotations

import re

ORDINALS = ("перв втор трет четверт пят шест седьм восьм девят десят одиннадцат двенадцат тринадцат четырнадцат "
            "пятнадцат шестнадцат семнадцат восемнадцат девятнадцат двадцат").split()
CARDINALS = {"один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4}
# Endings of ordinals, and the portal's clipped ones («на вторм этаже», «в 3й», «седьмм»)
ENDINGS = "ий|ый|ой|ая|яя|ое|ее|его|ого|ему|ому|ем|ом|ую|юю|ей|их|ых|ья|ье|ьего|ьем|ью|ьей|м|й|х|го|мм"
ORDINAL = re.compile(rf"^({'|'.join(ORDINALS)})ь?({ENDINGS})$")
ENTRANCE = ("парад", "подъезд", "подьезд", "подезд", "подъед", "секци", "лестниц", "клетк")   # «лестничной клетке №1»
FLOOR = ("этаж", "етаж", "этж")
FLAT = ("квартир",)
SUFFIXES = {"й", "я", "ая", "ой", "ый", "ий", "го", "м", "ом", "ем", "ей", "ю", "ую", "е", "х"}   # «3-го», «11-й»
JOINS = {"и", "по", "до", "-"}                                   # «4 и 5 этажами», «с 1 по 3 парадную», «1-9»
MARKS = {"n", "no", "номер"}


def _number(word: str, digits: int = 2) -> int | None:
    if word.isdigit():
        return int(word) if len(word) <= digits else None
    if word in CARDINALS:
        return CARDINALS[word]
    m = ORDINAL.match(word)
    return ORDINALS.index(m.group(1)) + 1 if m else None


def spot_kind(word: str) -> str | None:
    if word.startswith(FLOOR) or word in ("эт", "эт."):
        return "floor"
    if word.startswith(FLAT) or word == "кв":
        return "flat"
    if word.startswith(ENTRANCE) or word in ("пар", "под"):
        return "entrance"
    return None


def _run(words: list[str], i: int, step: int, digits: int = 2) -> tuple[list[int], int]:
    """Numbers from words[i] on in direction step: a number, then more joined by и / по / до; suffix tokens and
    «№» marks skipped. Returns the numbers and the index of the first word after them."""
    run, j, joined = [], i, True
    while 0 <= j < len(words) and len(run) < 4:
        w = words[j]
        if w in SUFFIXES or w in MARKS or (w in ".-" and not run):
            j += step
            continue
        n = _number(w, digits)
        if n is not None and joined:
            run.append(n)
            joined = False
        elif (w in JOINS or (digits > 2 and w in ".,")) and run:       # «кв. 203, 204»
            joined = True
        else:
            break
        j += step
    return run, j


def spots_of(words: list[str]) -> dict:
    """Numbers next to «парадная/подъезд/секция/лестница» and «этаж»: «2 парадная», «подъезд №3», «на пятом
    этаже», «между 4 и 5 этажами», «с 1 по 3 парадную» (two numbers joined by по / и / до: the range)."""
    found: dict[str, set[int]] = {"entrance": set(), "floor": set(), "flat": set()}
    for i, w in enumerate(words):
        kind = spot_kind(w)
        if not kind:
            continue
        digits = 4 if kind == "flat" else 2
        run, _ = _run(words, i - 1, -1) if kind != "flat" else ([], i)
        if not run:                                     # «парадная 2», unless it is «... 3-го подъезда»'s number
            after, end = _run(words, i + 1, 1, digits)
            taken = end < len(words) and spot_kind(words[end])       # the last number is the next spot's
            run = after[:-1] if taken and kind == "flat" else [] if taken else after
        if run and not found[kind]:                     # the first mention: later ones tend to be comparisons
            nums = sorted(run)
            found[kind].update(range(nums[0], nums[-1] + 1) if len(nums) == 2 and nums[1] - nums[0] <= 30 else nums)
    return {k: frozenset(v) for k, v in found.items()}
