"""Where inside a building a complaint is: the entrance, floor and flat numbers its text names. Pure; word lists.

    spots_of(WORD.findall("не горит лампа на 5 этаже, 2 парадная"))
        -> {"entrance": frozenset({2}), "floor": frozenset({5}), "flat": frozenset()}

Tolerant of the portal's spelling: «2-м», «2 эт.», «втором», a misspelt ordinal («вторм», «третем»), «подезд».
A number between two words is the first one's when the text writes the word first («подъезд 3 этаж 5»,
«кв. 45 подъезд 2», a whole chain «кв 45 этаж 3 подъезд 2»), the second one's when it writes the number first
(«3 подъезд 5 этаж»); the building's own numbers («дом 3 этаж», «в доме 5 подъезд 2», «этажность 5», «9-этажный
дом») and counts («9 этажей», «этажей 5») are no spot; «между 15 и 16» at a sentence's or clause's end (or before
«марш») is two floors, «между 9 и 10 утра», «между 1 и 2 ноября» none.
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
STAIRS = ("лестниц", "клетк")        # also the stairs of a floor: «на лестнице 3-4 эт 2 марш» gives it the floor
FLOOR = ("этаж", "етаж", "этж")
FLAT = ("квартир",)
SUFFIXES = {"й", "я", "ая", "ой", "ый", "ий", "го", "м", "ом", "ем", "ей", "ю", "ую", "е", "х",   # «3-го», «11-й»
            "тый", "тая", "того", "том"}                                                  # «5-тый»
JOINS = {"и", "по", "до", "-"}                                   # «4 и 5 этажами», «с 1 по 3 парадную», «1-9»
MARKS = {"n", "no", "номер"}
HOUSE = {"д", "дом", "доме", "дома", "корп", "корпус", "стр", "строение"}   # «дом 3», «в доме 5» (not «в доме одна …»)
AHEAD = {"flat", "house"}                      # their number follows the word («кв. 45»), never precedes it
# What «между 5 и 6 …» may count besides floors: houses, hours, dates, windows, flats, lifts, doors, the time of
# day («между 9 и 10 утра»), months («между 1 и 2 ноября»)
NOT_FLOORS = ("дом", "корп", "час", "числ", "окн", "кварт", "лифт", "двер", "утр", "вечер", "ноч", "дн",
              "январ", "феврал", "март", "апрел", "мая", "май", "июн", "июл", "август", "сентябр", "октябр",
              "ноябр", "декабр")
# …and what may follow a bare «между 15 и 16» that is the stairs: «марш», «пролёт», or nothing (the end of a
# sentence or clause, or the fault's predicate: «между 11 и 12 не горит лампа»); «этажами» is a spot word itself
FLIGHT_WORDS = ("марш", "пролет", "пролёт")
CLAUSE_ENDS = {".", ",", ";", ":", "!", "?", ")", "не", "нет"}
SHORT = {"кв", "эт", "под", "пар", "д", "корп", "стр"}     # «кв. 45»; after a whole word a dot ends the sentence


def _number(word: str, digits: int = 2) -> int | None:
    if word.isdigit():
        return int(word) if len(word) <= digits else None
    if word in CARDINALS:
        return CARDINALS[word]
    m = ORDINAL.match(word)
    return ORDINALS.index(m.group(1)) + 1 if m else None


def spot_kind(word: str) -> str | None:
    if (word.startswith(FLOOR) and not word.startswith("этажност")) or word in ("эт", "эт."):
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


def _kind(words: list[str], i: int) -> str | None:
    """A spot word's kind, or «house» for a word whose number is the building's («дом 3», «этажность 5»)."""
    w = words[i]
    if w in HOUSE or w.startswith("этажност"):
        return "house"
    if w.startswith("этажн") and i and words[i - 1] == "-":      # «9-этажный дом»: its height, no floor
        return None
    if w == "этажей" and len(_run(words, i - 1, -1)[0]) < 2:   # «9 этажей», «этажей 5»: a count, no floor; the
        return "house"                       # building's number, so it shifts no chain («этажей 5 подъезд 2»)
    if w == "под" and words[i + 1:i + 2] != ["."]:                # the preposition («под 3 окнами»), not «под. 3»
        return None
    return spot_kind(w)


def _ahead(words: list[str], i: int, kind: str) -> tuple[list[int], int]:
    """The numbers after the word: past the dot of an abbreviation («кв. 45»), not past a sentence's end («… в
    квартиру. 4 парадная»); a house number is digits («дом 3», not «в доме одна парадная»)."""
    j = i + 1
    if j < len(words) and words[j] == ".":
        if words[i] not in SHORT:
            return [], j
        j += 1
    if kind == "house":                                 # one number, or a span «дом 20-22»
        if not (j < len(words) and words[j].isdigit()):
            return [], j
        span = words[j + 1:j + 3]
        end = j + 3 if len(span) == 2 and span[0] == "-" and span[1].isdigit() else j + 1
        return [int(w) for w in words[j:end:2]], end
    return _run(words, j, 1, 4 if kind in AHEAD else 2)


def spots_of(words: list[str]) -> dict:
    """Numbers next to «парадная/подъезд/секция/лестница» and «этаж»: «2 парадная», «подъезд №3», «на пятом
    этаже», «между 4 и 5 этажами», «с 1 по 3 парадную» (two numbers joined by по / и / до: the range).

    A word takes the number before it, else the one after it. A number between two words is the house's («дом 3
    этаж»); else the first word's when it has none before it and the next word one after it («подъезд 3 этаж 5»,
    «кв. 45 подъезд 2»; a stairs word gives it up: «на лестнице 3-4 эт 2 марш»); else the next word's («3 подъезд
    5 этаж», «площадке 7 этажа 4 парадной»)."""
    keys = [(i, kind) for i in range(len(words)) if (kind := _kind(words, i))]
    back = [[] if kind in AHEAD else _run(words, i - 1, -1)[0] for i, kind in keys]
    ahead = [_ahead(words, i, kind) for i, kind in keys]
    own_back, own_ahead = list(back), [run for run, _ in ahead]
    shared = [n for n in range(len(keys) - 1) if ahead[n][1] == keys[n + 1][0] and back[n + 1]]
    for n in range(len(keys) - 1):                      # «на площадке 8 квартир»: a count of flats, no one's number
        if words[keys[n + 1][0]] in ("квартир", "квартиры") and ahead[n][1] == keys[n + 1][0] and not ahead[n + 1][0]:
            own_ahead[n] = []
    for n in shared:
        if len(back[n + 1]) < len(ahead[n][0]):         # «кв. 118, 2 подъезд»: only the last one is the next's
            own_ahead[n] = own_ahead[n][:-len(back[n + 1])]
        elif keys[n][1] == "house" and _run(words, keys[n][0] - 1, -1)[0] and not (   # «53 дом 2 подъезд»: the
                n and ahead[n - 1][1] == keys[n][0]):        # house's number before it (not «кв 53 дом 2»)
            own_ahead[n] = []
        elif keys[n][1] == "house":
            own_back[n + 1] = []
    plain = [n for n in shared if not (len(back[n + 1]) < len(ahead[n][0]) or keys[n][1] == "house")]
    for chain in _chains(plain):                        # «кв 45 этаж 3 подъезд 2»: the first word has no number
        first, last = chain[0], chain[-1] + 1           # before it, the last one a number after it: each word
        span = words[keys[first][0]].startswith(STAIRS) and len(ahead[first][0]) > 1    # takes the next number
        if not own_back[first] and own_ahead[last] and not span:            # (not «на лестнице 3-4 эт 2 марш»)
            for n in chain:
                own_back[n + 1] = []
    for n in reversed(plain):                           # from the right: whether the next word keeps its own
        if not own_back[n + 1]:
            continue
        if not own_back[n] and own_ahead[n + 1] and not words[keys[n][0]].startswith(STAIRS):
            own_back[n + 1] = []
        else:
            own_ahead[n] = []
    found: dict[str, set[int]] = {"entrance": set(), "floor": set(), "flat": set()}
    for (_, kind), before, after in zip(keys, own_back, own_ahead, strict=True):
        run = before or after
        if kind in found and run and not found[kind]:   # the first mention: later ones tend to be comparisons
            nums = sorted(run)
            found[kind].update(range(nums[0], nums[-1] + 1) if len(nums) == 2 and nums[1] - nums[0] <= 30 else nums)
    if not found["floor"]:
        found["floor"] = _floor_span(words)
    return {k: frozenset(v) for k, v in found.items()}


def _chains(links: list[int]) -> list[list[int]]:
    """Runs of consecutive links (word n shares its number with word n + 1): [0, 1, 3] -> [[0, 1], [3]]."""
    out: list[list[int]] = []
    for n in links:
        if out and out[-1][-1] == n - 1:
            out[-1].append(n)
        else:
            out.append([n])
    return out


def _floor_span(words: list[str]) -> set[int]:
    """«между 15 и 16», «лестница между 16-17» at the end of a sentence or clause, or before «марш» / «пролёт»:
    the stairs between two floors; not «между 9 и 10 утра», «между 1 и 2 ноября» (a word after the numbers that
    is no floor's word counts something else)."""
    for i, w in enumerate(words):
        if w != "между":
            continue
        run, j = _run(words, i + 1, 1)
        first = words[j] if j < len(words) else ""
        while j < len(words) and not words[j].isalnum():       # «между 1м и 2м. подъездом»: past the dot
            j += 1
        after = words[j] if j < len(words) else ""
        ends = not first or first in CLAUSE_ENDS or first.startswith(FLIGHT_WORDS)
        if len(run) == 2 and run[1] == run[0] + 1 and ends and not (_kind(words, j) if after else None) \
                and not after.startswith(NOT_FLOORS):
            return set(run)
    return set()
