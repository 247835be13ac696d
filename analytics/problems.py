"""What a complaint is about, for telling a repeat from a look-alike: the defect it names, the thing it names, and
where inside a building (entrance, floor). Pure; word stems, no model.

    problem_of("Не горит лампа на 5 этаже, 2 парадная")
        -> Problem(defects={"light"}, objects=set(), spots={"entrance": {2}, "floor": {5}}, ...)
    spots_differ(problem_of("седьмой этаж второго подъезда"), problem_of("5 этаж, подъезд 1"))   -> True

Defects and objects are stem lists (below); two complaints about the same building are one problem when they
name a common defect (or one names none), their objects do not differ, and their entrances and floors, where
both name them, overlap (docs/repeats.md §3 says the same for the labellers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DEFECTS = {
    "light": "свет освещ ламп светил плафон фонар выключат",
    "graffiti": "надпис граффит рисун живопис маркер вандал",
    "ads": "реклам объявл наклей наклее листовк",
    "cleaning": "убор убира убрат грязн грязь грязно мусор помыт мыть моют влажн пыль пыли подмет санитар помет "
                "загаж экскрем фекал",
    "leak": "протеч протек теч течет текут затек подтек залив намок сырост",
    "glass": "стекл остекл разбит выбит",
    "surface": "краск краше покрас покраш окрас окраш штукатур шпакл зашпакл трещин плитк скол облуп отслоен "
               "ремонт дыр стяжк",
    "wiring": "провод щит щиток кабел розетк распаеч электрощ",
    "heating": "батаре радиатор отоплен температур холодн греет",
    "storage": "вещи вещей хлам коробк велосипед мебел хранен склад",
    "smell": "канализ запах вонь вонюч",
    "pests": "крыс насеком дезинс дератиз тарака комар клоп",
    "lock": "замок замк магнит домофон довод закрыва ручк",
    "broken": "слом неисправ работает поврежд оторв вырва деформ",
    "sign": "табличк знак вывеск нумерац",
    "water": "вода воды воде воду водой водопровод водоснаб колонк скважин напор",
    "power": "электричеств электроэнерг электроснаб обесточ",
    "roads": "дорог асфальт яма ямы ямой ямам ямах ямк грейдер выбоин колдобин",
    "snow": "снег снега сугроб гололед налед расчист наледь",
    "waste": "контейнер вывоз свалк",
    "transport": "автобус маршрут рейс",
    "seizure": "самозахват захват переустр перепланир имуществ",
}
OBJECTS = {
    "lift": "лифт",
    "roof": "кровл крыш козыр отлив водосточ",
    "facade": "фасад цокол арк здани",
    "balcony": "балкон",
    "mailbox": "почтов ящик",
    "chute": "мусоропров мусорокам мусоросбор",
    "basement": "подвал",
    "railing": "перил поручн",
    "porch": "крыльц",
    "door": "двер",
    "skirting": "плинтус",
    "tambour": "тамбур",
    "backstairs": "черн пожарн эвакуац",
}
BROAD = frozenset({"broken", "surface"})          # defects too general to tie two complaints on their own
WORD = re.compile(r"[а-яa-z]+|\d+|[-.,;:!?()]")
ORDINALS = ("перв втор трет четверт пят шест седьм восьм девят десят одиннадцат двенадцат тринадцат четырнадцат "
            "пятнадцат шестнадцат семнадцат восемнадцат девятнадцат двадцат").split()
CARDINALS = {"один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4}
ENDINGS = "ий|ый|ой|ая|яя|ое|ее|его|ого|ему|ому|ем|ом|ую|юю|ей|их|ых|ья|ье|ьего|ьем|ью|ьей"
ORDINAL = re.compile(rf"^({'|'.join(ORDINALS)})ь?({ENDINGS})$")
ENTRANCE = ("парадн", "подъезд", "подьезд", "секци", "лестниц")
FLOOR = ("этаж",)
SUFFIXES = {"й", "я", "ая", "ой", "ый", "ий", "го", "м", "ом", "ем", "ей", "ю", "ую", "е", "х"}   # «3-го», «11-й»
JOINS = {"и", "по", "до", "-"}                                   # «4 и 5 этажами», «с 1 по 3 парадную», «1-9»
MARKS = {"n", "no", "номер"}


@dataclass(frozen=True)
class Problem:
    defects: frozenset[str]
    objects: frozenset[str]
    spots: dict                     # {"entrance": frozenset[int], "floor": frozenset[int]}: numbers the text names


def _tags(words: list[str], table: dict[str, str]) -> frozenset[str]:
    found = set()
    for tag, stems in table.items():
        for stem in stems.split():
            if any(w.startswith(stem) for w in words):
                found.add(tag)
                break
    return frozenset(found)


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word) if len(word) <= 2 else None
    if word in CARDINALS:
        return CARDINALS[word]
    m = ORDINAL.match(word)
    return ORDINALS.index(m.group(1)) + 1 if m else None


def _kind(word: str) -> str | None:
    if word.startswith(FLOOR) or word == "эт":
        return "floor"
    if word.startswith(ENTRANCE) or word in ("пар", "под"):
        return "entrance"
    return None


def _run(words: list[str], i: int, step: int) -> tuple[list[int], int]:
    """Numbers from words[i] on in direction step: a number, then more joined by и / по / до; suffix tokens and
    «№» marks skipped. Returns the numbers and the index of the first word after them."""
    run, j, joined = [], i, True
    while 0 <= j < len(words) and len(run) < 4:
        w = words[j]
        if w in SUFFIXES or w in MARKS or (w in ".-" and not run):
            j += step
            continue
        n = _number(w)
        if n is not None and joined:
            run.append(n)
            joined = False
        elif w in JOINS and run:
            joined = True
        else:
            break
        j += step
    return run, j


def spots_of(words: list[str]) -> dict:
    """Numbers next to «парадная/подъезд/секция/лестница» and «этаж»: «2 парадная», «подъезд №3», «на пятом
    этаже», «между 4 и 5 этажами», «с 1 по 3 парадную» (two numbers joined by по / и / до: the range)."""
    found: dict[str, set[int]] = {"entrance": set(), "floor": set()}
    for i, w in enumerate(words):
        kind = _kind(w)
        if not kind:
            continue
        run, _ = _run(words, i - 1, -1)
        if not run:                                     # «парадная 2», unless it is «... 3-го подъезда»'s number
            after, end = _run(words, i + 1, 1)
            run = after if not (end < len(words) and _kind(words[end])) else []
        if run and not found[kind]:                     # the first mention: later ones tend to be comparisons
            nums = sorted(run)
            found[kind].update(range(nums[0], nums[-1] + 1) if len(nums) == 2 and nums[1] - nums[0] <= 30 else nums)
    return {k: frozenset(v) for k, v in found.items()}


def problem_of(text: str) -> Problem:
    words = WORD.findall((text or "").lower().replace("ё", "е").replace("№", " "))
    return Problem(defects=_tags(words, DEFECTS), objects=_tags(words, OBJECTS), spots=spots_of(words))


def spots_differ(a: Problem, b: Problem) -> bool:
    """Both name an entrance (or a floor) and the numbers do not meet."""
    return any(a.spots[k] and b.spots[k] and not (a.spots[k] & b.spots[k]) for k in ("entrance", "floor"))


def same_problem(a: Problem, b: Problem) -> bool:
    if spots_differ(a, b):
        return False
    if (a.objects - b.objects) and (b.objects - a.objects):     # each names a thing the other does not
        return False
    specific_a, specific_b = a.defects - BROAD, b.defects - BROAD
    if specific_a or specific_b:
        return bool(specific_a & specific_b) or not (a.defects and b.defects)
    if a.defects and b.defects:
        return bool(a.defects & b.defects)
    return True
