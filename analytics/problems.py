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
    "heating": "батаре радиатор отоплен температур холодно греет",
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
    "yard": "двор",
}
BROAD = frozenset({"broken", "surface"})          # defects too general to tie two complaints on their own
# Defects of a whole stairwell or wall: one complaint covers the lot, so the thing named inside does not split them
# («не убирают подъезд» and «мусор у мусоропровода»); every other defect is of one thing and needs that thing shown.
SPREAD = frozenset({"cleaning", "graffiti", "ads", "heating", "smell", "pests", "snow", "water", "power", "waste",
                    "roads", "transport"})
OUTSIDE = frozenset({"facade", "roof", "porch", "balcony", "yard"})     # outdoor things: never an entrance's floor
DEFECT_NAMES = {"light": "освещение", "graffiti": "надписи", "ads": "объявления", "cleaning": "уборка",
                "leak": "протечка", "glass": "стёкла", "surface": "отделка", "wiring": "проводка",
                "heating": "отопление", "storage": "вещи на площадке", "smell": "запах", "pests": "вредители",
                "lock": "замок, дверь", "broken": "поломка", "sign": "таблички", "water": "вода",
                "power": "электричество", "roads": "дорога", "snow": "снег и наледь", "waste": "вывоз мусора",
                "transport": "транспорт", "seizure": "захват имущества"}
OBJECT_NAMES = {"lift": "лифт", "roof": "кровля", "facade": "фасад", "balcony": "балкон", "mailbox": "почтовые ящики",
                "chute": "мусоропровод", "basement": "подвал", "railing": "перила", "porch": "крыльцо",
                "door": "дверь", "skirting": "плинтус", "tambour": "тамбур", "backstairs": "чёрная лестница",
                "yard": "двор"}
SPOT_NAMES = {"entrance": "подъезд", "floor": "этаж", "flat": "кв."}
FOLLOW_UP = re.compile(r"\b(опять|снова|вновь|повторн\w*|до сих пор|так и не|по-прежнему|ничего не измен\w*|"
                       r"не (устранен|выполнен|сделан|решен|исправлен)\w*|не удовлетвор\w*)", re.I)
EVERYWHERE = re.compile(r"\b(на )?(всех|каждом|каждого) (этаж|подъезд|парадн|секци)", re.I)
WORD = re.compile(r"[а-яa-z]+|\d+|[-.,;:!?()]")
ORDINALS = ("перв втор трет четверт пят шест седьм восьм девят десят одиннадцат двенадцат тринадцат четырнадцат "
            "пятнадцат шестнадцат семнадцат восемнадцат девятнадцат двадцат").split()
CARDINALS = {"один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4}
ENDINGS = "ий|ый|ой|ая|яя|ое|ее|его|ого|ему|ому|ем|ом|ую|юю|ей|их|ых|ья|ье|ьего|ьем|ью|ьей"
ORDINAL = re.compile(rf"^({'|'.join(ORDINALS)})ь?({ENDINGS})$")
ENTRANCE = ("парадн", "подъезд", "подьезд", "секци", "лестниц")
FLOOR = ("этаж",)
FLAT = ("квартир",)
SUFFIXES = {"й", "я", "ая", "ой", "ый", "ий", "го", "м", "ом", "ем", "ей", "ю", "ую", "е", "х"}   # «3-го», «11-й»
JOINS = {"и", "по", "до", "-"}                                   # «4 и 5 этажами», «с 1 по 3 парадную», «1-9»
MARKS = {"n", "no", "номер"}


@dataclass(frozen=True)
class Problem:
    defects: frozenset[str]
    objects: frozenset[str]
    spots: dict                     # {"entrance", "floor", "flat"} -> frozenset[int]: numbers the text names
    stems: frozenset[str] = frozenset()     # the defect stems the text matched («фонар», «замок»)
    follow_up: bool = False                 # «опять», «до сих пор», «не устранено»: the citizen says it is back


THINGS = tuple(stem for stems in OBJECTS.values() for stem in stems.split())


def _tags(words: list[str], table: dict[str, str]) -> tuple[frozenset[str], frozenset[str]]:
    """The tags whose stems the words start with, and the stems matched; a word naming a thing by a longer stem is
    that thing only («мусоропровод» is no «мусор»)."""
    found, stems = set(), set()
    for tag, listed in table.items():
        for stem in listed.split():
            if any(w.startswith(stem) and not any(len(t) > len(stem) and w.startswith(t) for t in THINGS)
                   for w in words):
                found.add(tag)
                stems.add(stem)
    return frozenset(found), frozenset(stems)


def _number(word: str, digits: int = 2) -> int | None:
    if word.isdigit():
        return int(word) if len(word) <= digits else None
    if word in CARDINALS:
        return CARDINALS[word]
    m = ORDINAL.match(word)
    return ORDINALS.index(m.group(1)) + 1 if m else None


def _kind(word: str) -> str | None:
    if word.startswith(FLOOR) or word == "эт":
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
        kind = _kind(w)
        if not kind:
            continue
        digits = 4 if kind == "flat" else 2
        run, _ = _run(words, i - 1, -1) if kind != "flat" else ([], i)
        if not run:                                     # «парадная 2», unless it is «... 3-го подъезда»'s number
            after, end = _run(words, i + 1, 1, digits)
            taken = end < len(words) and _kind(words[end])       # the last number is the next spot's
            run = after[:-1] if taken and kind == "flat" else [] if taken else after
        if run and not found[kind]:                     # the first mention: later ones tend to be comparisons
            nums = sorted(run)
            found[kind].update(range(nums[0], nums[-1] + 1) if len(nums) == 2 and nums[1] - nums[0] <= 30 else nums)
    return {k: frozenset(v) for k, v in found.items()}


def problem_of(text: str, category: str = "") -> Problem:
    """What the text is about; a text that names no defect takes its category's («Неисправное освещение …»)."""
    low = (text or "").lower().replace("ё", "е")
    words = WORD.findall(low.replace("№", " "))
    defects, stems = _tags(words, DEFECTS)
    if not defects and category:
        defects, _ = _tags(WORD.findall(category.lower().replace("ё", "е")), DEFECTS)
    spots = spots_of(words)
    for m in EVERYWHERE.finditer(low):                  # «на всех этажах»: the whole building, no one floor
        spots = dict(spots, **{_kind(m.group(3)): frozenset()})
    return Problem(defects=defects, objects=_tags(words, OBJECTS)[0], spots=spots, stems=stems,
                   follow_up=FOLLOW_UP.search(low) is not None)


def spots_differ(a: Problem, b: Problem) -> bool:
    """Both name an entrance (or a floor) and the numbers do not meet."""
    return any(a.spots[k] and b.spots[k] and not (a.spots[k] & b.spots[k]) for k in SPOT_NAMES)


def shared_spot(a: Problem, b: Problem) -> str | None:
    """«подъезд 2, этаж 5»: what both texts name and share."""
    parts = [f"{SPOT_NAMES[k]} {', '.join(map(str, sorted(a.spots[k] & b.spots[k])))}" for k in SPOT_NAMES
             if a.spots[k] & b.spots[k]]
    return ", ".join(parts) or None


def inside_vs_outside(a: Problem, b: Problem) -> bool:
    """One names only a spot inside (an entrance's floor, a flat) and the other only something outdoors."""
    def inside(p: Problem) -> bool:
        return any(p.spots.values()) and not (p.objects & OUTSIDE)

    def outside(p: Problem) -> bool:
        return bool(p.objects & OUTSIDE) and not any(p.spots.values())
    return (inside(a) and outside(b)) or (outside(a) and inside(b))


def problem_link(a: Problem, b: Problem) -> str | None:
    """Why two complaints about one building are one problem (in Russian), or None. Needs a defect both name (a
    text naming none takes its category's, see problem_of), no entrance / floor / flat that differs, and for a
    defect of one thing (a lamp, a lock, a leak) that thing shown: an object both name, a spot both name, or the
    later one saying it is back («опять», «не устранено»)."""
    if spots_differ(a, b) or inside_vs_outside(a, b):
        return None
    common = a.defects & b.defects
    specific = common - BROAD
    if not common or (not specific and ((a.defects - BROAD) or (b.defects - BROAD))):
        return None                                     # no defect in common, or only «ремонт» beside others
    named = "; ".join(DEFECT_NAMES[d] for d in sorted(specific or common))
    things, spot = a.objects & b.objects, shared_spot(a, b)
    other_things = bool((a.objects - b.objects) and (b.objects - a.objects))   # each names a thing the other does not
    if specific & SPREAD and (spot or not other_things):
        return f"та же проблема: {named}" + (f" ({spot})" if spot else "")
    if not specific and not (a.stems & b.stems):
        return None                                     # «дыра» and «не прокрашено»: two repairs, not one
    if things and not other_things:
        return f"та же проблема: {named} ({', '.join(OBJECT_NAMES[o] for o in sorted(things))})"
    if spot and not other_things:
        return f"та же проблема: {named} ({spot})"
    if b.follow_up and specific:
        return f"заявитель пишет, что снова: {named}"
    return None


def no_conflict(a: Problem, b: Problem) -> bool:
    """Nothing the two texts name differs (entrance, floor, flat, thing, defect): enough when the later one cites
    the earlier one's number."""
    if spots_differ(a, b) or ((a.objects - b.objects) and (b.objects - a.objects)):
        return False
    return not (a.defects and b.defects) or bool(a.defects & b.defects)


def same_problem(a: Problem, b: Problem) -> bool:
    return problem_link(a, b) is not None
