"""What a complaint is about, for telling a repeat from a look-alike: the defect it names, the thing it names, and
where inside a building (entrance, floor). Pure; word stems, no model.

    problem_of("Не горит лампа на 5 этаже, 2 парадная")
        -> Problem(defects={"light"}, objects=set(), spots={"entrance": {2}, "floor": {5}}, ...)
    spots_differ(problem_of("седьмой этаж второго подъезда"), problem_of("5 этаж, подъезд 1"))   -> True

Defects and objects are stem lists (below); two complaints about the same building are one problem when they name
a common defect (a text naming none takes its reason's, if the reason names one kind) and nothing places them
apart: entrance / floor / flat numbers, indoors vs outdoors, a landing vs the basement or the lift cabin, two sides
of the building, two flights of stairs, two things each names alone or two kinds of door (analytics/doors.py), a
fault of one thing both place with nothing shared (unless the later one says it is back); a list of faults placed by
the sentences about the shared one; and the later one does not say the first was put right before naming another
(docs/repeats.md, the third definition, which the readers apply too; round 5 for the last changes).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from analytics.doors import doors_of
from analytics.spots import spot_kind, spots_of

DEFECTS = {
    "light": "свет= света= свету= светом= освещ освет ламп светил плафон фонар выключат",
    "graffiti": "надпис граффит рисун живопис маркер вандал изрисов разрисов",
    "ads": "реклам объявл наклей наклее листовк",
    "cleaning": "убор убира убрат грязн грязь грязно мусор помыт мыть моют влажн пыль пыли подмет санитар помет "
                "загаж экскрем фекал",
    "leak": "протеч протек теч течет текут затек подтек залив намок сырост",
    "glass": "стекл остекл",
    "surface": "краск краше покрас покраш окрас окраш штукатур шпакл зашпакл трещин плитк скол облуп отслоен "
               "ремонт дыр стяжк",
    "wiring": "провод щит щиток кабел розетк распаеч электрощ",
    "heating": "батаре радиатор отоплен температур холодно= греет",
    "storage": "вещи вещей вещам хлам коробк велосипед мебел хранен склад",
    "smell": "канализ запах вонь вонюч",
    "pests": "крыс насеком дезинс дератиз тарака комар клоп",
    "lock": "замок замк магнит домофон довод закрыва ручк скрип",
    "broken": "разбит выбит спил слом неисправ работает поврежд оторв вырва деформ",
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
    "attic": "чердак чердач",
    "cabinet": "шкаф",
}
# Verbs of removing or washing: cleaning only when the text names no other defect («убрать граффити» is graffiti)
WEAK = {"cleaning": frozenset({"убрат", "убира", "помыт", "мыть", "моют"})}
REMOVED = frozenset({"graffiti", "ads", "storage", "snow", "waste"})     # what «убрать» may be about
BROAD = frozenset({"broken", "surface"})          # defects too general to tie two complaints on their own
# Defects of a whole stairwell or wall: one complaint covers the lot, so the thing named inside does not split them
# («не убирают подъезд» and «мусор у мусоропровода»); every other defect is of one thing and needs that thing shown.
SPREAD = frozenset({"cleaning", "graffiti", "ads", "heating", "smell", "pests", "snow", "water", "power", "waste",
                    "roads", "transport"})
OUTSIDE = frozenset({"facade", "roof", "porch", "balcony", "yard", "entry"})   # outdoor things: never a floor
OFF_FLOOR = frozenset({"basement", "attic", "roof"})   # named with no floor: not a numbered floor's landing
MARKED = frozenset({"graffiti", "ads"})      # marks on a thing: the thing counts even where the spot is shared
FINISH = frozenset(DEFECTS["surface"].split()) - {"ремонт"}     # a finish fault named, not just «ремонт»
GENERIC = frozenset({"ремонт", "слом", "неисправ", "работает", "поврежд", "разбит", "выбит"})   # tie nothing
# Outdoors at the entrance: the lamp over the door, «у 2 парадной», «перед входом в подъезд»
ENTRY = re.compile(r"\b((над|перед|у|на) вход\w*\b(?! (в|на) (подвал|чердак|лестниц|мусор|лифт|тамбур))|"
                   r"над (входн\w+ )?двер\w*\b(?! ((в|на|из) )?(квартир|лифт|тамбур|подвал|чердак|мусор|балкон))|"
                   r"при входе в (подъезд|парадн)|у (\d+\W{0,2}|[а-я]+ой )?(парадн|подъезд)\w*)", re.I)
SIDE = re.compile(r"со стороны (\w+)", re.I)       # «фасад со стороны стадиона»
OUTER_WALL = re.compile(r"\b(стен\w*|торц\w*) (жило\w+ )?(дома|здания)\b")   # «фонарь на стене дома»: the facade
DEFECT_NAMES = {"light": "освещение", "graffiti": "надписи", "ads": "объявления", "cleaning": "уборка",
                "leak": "протечка", "glass": "стёкла", "surface": "отделка", "wiring": "проводка",
                "heating": "отопление", "storage": "вещи на площадке", "smell": "запах", "pests": "вредители",
                "lock": "замок, дверь", "broken": "поломка", "sign": "таблички", "water": "вода",
                "power": "электричество", "roads": "дорога", "snow": "снег и наледь", "waste": "вывоз мусора",
                "transport": "транспорт", "seizure": "захват имущества"}
OBJECT_NAMES = {"lift": "лифт", "roof": "кровля", "facade": "фасад", "balcony": "балкон", "mailbox": "почтовые ящики",
                "chute": "мусоропровод", "basement": "подвал", "railing": "перила", "porch": "крыльцо",
                "door": "дверь", "skirting": "плинтус", "tambour": "тамбур", "backstairs": "чёрная лестница",
                "yard": "двор", "attic": "чердак", "cabinet": "шкаф", "entry": "у входа"}
DOOR_THINGS = {"chute": "chute", "lift": "lift", "balcony": "balcony", "basement": "basement", "attic": "attic"}
SPOT_NAMES = {"entrance": "подъезд", "floor": "этаж", "flat": "кв."}
# The citizen says the fault is still there: a word («опять», «до сих пор», «всё ещё»), «как скрипела, так и
# скрипит» (one verb twice, so «как с одной стороны, так и с другой» is none), or «не сделано / не устранено»
FOLLOW_UP = re.compile(r"\b(опять|снова|вновь|повторн\w*|до сих пор|так и не|по[- ]?прежнему|вс[её] ещ[её]|"
                       r"ничего не (измен|сдела)\w*|в очередной раз|фактически не|как (был|было|были)\w*,? так и|"
                       r"как (не )?(?P<verb>[а-я]{3})[а-я]*,? так и (не )?(?P=verb)|"
                       r"не ?(устран|выполн|сделан|решен|решил|исправл|удовлетвор|демонтир)\w*)", re.I)
# The lift cabin as the fault's place: «в лифте грязно», «стены лифта», «кабина»; not the lift hall («лифтовой»),
# not a landing by the lift («у лифта», «рядом с лифтом»), and only in a clause that names a fault or a state
# («у нас в лифте другой пол» mentions the lift in passing)
CABIN = re.compile(r"(?:\b(у|около|возле|перед|напротив|с|между|к|из|от|до) (?:[а-я]+(?:ого|его|ым|им|ой) )?)?"
                   r"\b(кабин[а-я]*|лифт(?!ов[оаыу]|холл)[а-я]*)")
CLAUSE = re.compile(r"[^,;.!?\n]+")
STATE = ("состоян", "ненадлеж", "неудовл", "ужасн", "испорч", "изуродов")
# The later text says the first fault was put right and goes on to another («освещение есть, спасибо! Но …»,
# «стену восстановили, но не окрасили»): a new fault, not the old one back (docs/repeats.md, definition C)
PUT_RIGHT = re.compile(r"\b((освещение|свет) (есть|появил\w*)[^.!?]{0,20}(спасибо|[,.!]\s*но)|"
                       r"(заменили|починили|отремонтировали|восстановили|установили|"
                       r"исправили|устранили|покрасили|поменяли)\b[^.!?]{0,60}[,.!]\s*но|"
                       r"после (работ|ремонт)\w* по (обращению|заявке))\b", re.I)
EXCEPT = re.compile(r"\(кроме[^)]*\)", re.I)       # «окраска фасада (кроме надписей / объявлений)»
# «между 10 и 9 этажами», «между 15-16»: one flight of stairs, floors one apart (both parsed as floors, below)
FLIGHT = re.compile(r"\bмежду (\d{1,2})\D{0,4}?\s*(?:и|-|–)\s*(\d{1,2})(?!\d)")
EVERYWHERE = re.compile(r"\b(на )?(всех|каждом|каждого) (этаж|подъезд|парадн|секци)", re.I)
WORD = re.compile(r"[а-яa-z]+|\d+|[-.,;:!?()]")
SENTENCE = re.compile(r"[^.!?\n]+")


@dataclass(frozen=True)
class Problem:
    defects: frozenset[str]
    objects: frozenset[str]
    spots: dict                     # {"entrance", "floor", "flat"} -> frozenset[int]: numbers the text names
    stems: frozenset[str] = frozenset()     # the defect stems the text matched («фонар», «замок»)
    follow_up: bool = False                 # «опять», «до сих пор», «не устранено»: the citizen says it is back
    cabin: bool = False                     # the fault is in the lift cabin (CABIN), not on a landing
    put_right: bool = False                 # «лампу заменили, но …»: the text says a fault was put right
    sides: frozenset[str] = frozenset()     # «со стороны стадиона»: the side of the building, first 5 letters
    listed: tuple = ()                      # (defects, things) per sentence of a text naming several faults
    doors: frozenset[str] = frozenset()     # which door («entry», «chute», «tech», …): analytics/doors.py
    flights: frozenset[tuple[int, int]] = frozenset()   # «между 9 и 10 этажами»: the stairs between two floors


THINGS = tuple(stem for stems in OBJECTS.values() for stem in stems.split())


def _tags(words: list[str], table: dict[str, str]) -> tuple[frozenset[str], frozenset[str]]:
    """The tags whose stems the words start with (a stem ending in «=» is a whole word: «холодно», not «холодной»),
    and the stems matched; a word naming a thing by a longer stem is that thing only («мусоропровод» is no «мусор»);
    a weak stem («убрать») counts only when no other tag is found."""
    found, stems = set(), set()
    for tag, listed in table.items():
        for stem in listed.split():
            whole, stem = stem.endswith("="), stem.rstrip("=")
            if any((w == stem if whole else w.startswith(stem))
                   and not any(len(t) > len(stem) and w.startswith(t) for t in THINGS) for w in words):
                found.add(tag)
                stems.add(stem)
    for tag, weak in WEAK.items():
        if tag in found and not (stems - weak) & set(table[tag].split()) and found & REMOVED:
            found.discard(tag)
            stems -= weak
    return frozenset(found), frozenset(stems)


def in_cabin(low: str) -> bool:
    """A clause names the lift cabin (not the hall, not «у лифта») and a fault or a state («в лифте грязно»)."""
    for clause in CLAUSE.findall(low):
        words = WORD.findall(clause)
        if any(not m.group(1) for m in CABIN.finditer(clause)) and (
                _tags(words, DEFECTS)[0] or any(w.startswith(STATE) for w in words)):
            return True
    return False


def problem_of(text: str, category: str = "") -> Problem:
    """What the text is about; a text that names no defect takes its category's («Неисправное освещение …»)."""
    low = (text or "").lower().replace("ё", "е")
    words = WORD.findall(low.replace("№", " "))
    defects, stems = _tags(words, DEFECTS)
    follow_up = FOLLOW_UP.search(low) is not None
    if (not defects or follow_up) and category:         # only a reason that names one kind of fault; a follow-up
        named, _ = _tags(WORD.findall(EXCEPT.sub("", category.lower().replace("ё", "е"))), DEFECTS)   # keeps it too
        defects |= named if len(named - BROAD) == 1 or len(named) == 1 else frozenset()
    spots = spots_of(words)
    for m in EVERYWHERE.finditer(low):                  # «на всех этажах»: the whole building, no one floor
        spots = dict(spots, **{spot_kind(m.group(3)): frozenset()})
    objects = _objects(low)
    listed = tuple((_tags(WORD.findall(x), DEFECTS)[0], _objects(x)) for x in SENTENCE.findall(low))
    pairs = [(int(m.group(1)), int(m.group(2))) for m in FLIGHT.finditer(low)]
    flights = frozenset((min(x, y), max(x, y)) for x, y in pairs if abs(x - y) == 1 and {x, y} <= spots["floor"])
    return Problem(defects=defects, objects=frozenset(objects), spots=spots, stems=stems, flights=flights,
                   sides=frozenset(m.group(1)[:5] for m in SIDE.finditer(low)), doors=doors_of(low),
                   follow_up=follow_up, put_right=PUT_RIGHT.search(low) is not None, cabin=in_cabin(low),
                   listed=listed if len({d for d, _ in listed if d}) > 1 else ())


def _objects(low: str) -> frozenset[str]:
    """The things a text names; «со стороны двора» is a side, not the yard; «над входом» is at the entrance."""
    things = WORD.findall(SIDE.sub(" ", low.replace("№", " ")))
    return frozenset(_tags(things, OBJECTS)[0] | ({"entry"} if ENTRY.search(low) else set())
                     | ({"facade"} if OUTER_WALL.search(low) else set()))


def about(p: Problem, defects: frozenset[str]) -> Problem:
    """A list of faults narrowed to the sentences about the given ones (and those naming no fault, which may place
    them): «надписи на стенах. Перила чёрной лестницы спилены, открыт чердак» — the inscriptions are not in
    the attic (definition D: B holds for the fault the other text names). A pair sharing only broad faults
    («повреждены», «ремонт») is not narrowed."""
    if not p.listed or not any(d & defects for d, _ in p.listed):
        return p
    return replace(p, objects=frozenset().union(*(o for d, o in p.listed if d & defects or not d)))


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
        return bool(p.objects & OUTSIDE) and not (p.spots["floor"] or p.spots["flat"])
    return (inside(a) and outside(b)) or (outside(a) and inside(b))


def places_differ(a: Problem, b: Problem) -> bool:
    """Anything that places the two apart: entrance / floor / flat numbers, indoors vs outdoors, a floor's landing
    vs the basement, attic, roof or lift cabin, the cabin vs another thing, the entrance's door vs a floor above the
    ground, two sides of the building."""
    def off(p: Problem) -> bool:
        return bool(p.objects & OFF_FLOOR or p.cabin) and not p.spots["floor"]

    def on(p: Problem) -> bool:
        return bool(p.spots["floor"]) and not (p.objects & OFF_FLOOR or p.cabin)

    def elsewhere(p: Problem, q: Problem) -> bool:          # the cabin vs a thing the other names (the door)
        return p.cabin and bool(q.objects) and "lift" not in q.objects

    def downstairs(p: Problem, q: Problem) -> bool:         # the entrance's door only vs the 26th floor
        return p.doors == {"entry"} and not p.spots["floor"] and bool(q.spots["floor"]) and min(q.spots["floor"]) > 1
    return (spots_differ(a, b) or inside_vs_outside(a, b) or (off(a) and on(b)) or (on(a) and off(b))
            or elsewhere(a, b) or elsewhere(b, a) or downstairs(a, b) or downstairs(b, a)
            or bool(a.sides and b.sides and not a.sides & b.sides)
            or bool(a.flights and b.flights and not a.flights & b.flights))


def problem_link(a: Problem, b: Problem) -> str | None:
    """Why two complaints about one building are one problem (in Russian), or None (docs/repeats.md, the third
    definition): a defect both name (a text naming none takes its reason's, see problem_of), nothing that tells
    them apart (an entrance / floor / flat both name and that differs, indoors vs outdoors, two things each text
    names alone), and the later one not saying the first fault was put right before naming another."""
    common = a.defects & b.defects
    a, b = about(a, common - BROAD), about(b, common - BROAD)
    if places_differ(a, b) or (b.put_right and not b.follow_up):
        return None
    specific = common - BROAD
    things, spot = a.objects & b.objects, shared_spot(a, b)
    finish_here = bool(things and spot) and all(p.stems & FINISH for p in (a, b))    # paint, tiles, chips of one
    if not common or (not specific and not finish_here               # thing at one spot: the 1st floor's lift hall
                      and ((a.defects - BROAD) or (b.defects - BROAD))):
        return None                                     # no defect in common, or only «ремонт» beside others
    named = "; ".join(DEFECT_NAMES[d] for d in sorted(specific or common))
    other_things = _other_things(a, b)
    if other_things and not ((specific & SPREAD) - MARKED and spot):
        return None                                     # the lift and the letterboxes; a stairwell's spot unites
    if not specific and not finish_here and not (a.stems & b.stems) - GENERIC:
        return None                                     # «дыра» and «не прокрашено»: two repairs, not one
    if not specific & SPREAD and not b.follow_up and _placed_apart(a, b):
        return None                                     # a lamp on the 1st floor and one at the entrance's door
    where = ", ".join([OBJECT_NAMES[o] for o in sorted(things)] + ([spot] if spot else []))
    if b.follow_up and not where:
        return f"та же проблема: {named}; заявитель пишет, что проблема возникла снова"
    return f"та же проблема: {named}" + (f" ({where})" if where else "; ничто в текстах не различает")


def _things(p: Problem) -> frozenset[str]:
    """The things a text names, a door of a known kind as that kind's thing: the chute's door is the chute's, the
    entrance's or a technical room's door a thing of its own («покрасить входную дверь» vs «покрасить шкаф у
    мусоропровода»); a door of no known kind stays «door»."""
    if "door" not in p.objects or not p.doors:
        return p.objects
    return (p.objects - {"door"}) | {DOOR_THINGS.get(kind, f"door:{kind}") for kind in p.doors}


def _placed_apart(a: Problem, b: Problem) -> bool:
    """Both texts say where (a number, a thing, the lift cabin) and share nothing of it: a floor and the entrance's
    door, a flat's hall and the back stairs. For a fault of one thing (a lamp, a lock, paint) that is two spots to a
    reader unless the later one says the fault is back (definition B: a cue decides the doubt for 1)."""
    def placed(p: Problem) -> bool:
        return any(p.spots.values()) or bool(p.objects) or p.cabin

    ta, tb = _things(a), _things(b)
    doors = any(t.startswith("door") for t in ta) and any(t.startswith("door") for t in tb) and not (
        a.doors and b.doors)                            # a door of no known kind may be the other's door
    return placed(a) and placed(b) and not shared_spot(a, b) and not ta & tb and not doors


def _other_things(a: Problem, b: Problem) -> bool:
    """Each names a thing the other does not; a door of no known kind is a part of the other thing (the chute's,
    the tambour's); two doors of different kinds (the entrance's vs a technical room's) are two things."""
    ta, tb = _things(a), _things(b)
    x, y = ta - tb, tb - ta
    if "door" in x and not a.doors:                     # a door of no known kind may be the other's door on a floor
        y = y - {f"door:{kind}" for kind in b.doors - {"entry"}}   # («дверь у лифта» vs «дверь в квартирный
    if "door" in y and not b.doors:                     # холл»), not the entrance's own (a thing of its own, and
        x = x - {f"door:{kind}" for kind in a.doors - {"entry"}}   # downstairs: «ручка двери между лифтовым …»)
    return bool(x and y and (x - {"door"}) and (y - {"door"})) or bool(a.doors and b.doors and not a.doors & b.doors)


def no_conflict(a: Problem, b: Problem) -> bool:
    """Nothing the two texts name differs (entrance, floor, flat, thing, defect): enough when the later one cites
    the earlier one's number."""
    if places_differ(a, b) or _other_things(a, b) or (b.put_right and not b.follow_up):
        return False
    return not (a.defects and b.defects) or bool(a.defects & b.defects)


def same_problem(a: Problem, b: Problem) -> bool:
    return problem_link(a, b) is not None
