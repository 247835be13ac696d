"""Streets and houses in residents' Russian, by rules. Pure (pymorphy3 puts street adjectives in the nominative).

    street_and_house("нет воды на ул. Ленина, 12")          -> ("ул. Ленина", "12")
    street_and_house("по улице Советской опять яма")        -> ("ул. Советская", "")
    street_and_house("Школьный пер. д. 3а, течёт крыша")    -> ("пер. Школьный", "3а")
    street_and_house("на Ленина второй день темно")         -> ("ул. Ленина", "")
    street_and_house("на Садовой улице прорвало трубу")     -> ("ул. Садовая", "")

A street is a street-type word before or after a name (ул., улица, пер., переулок, пл., наб., проезд, шоссе,
мкр …), or a bare «на/по Ленина» (a capitalized genitive like «Ленина», «Кирова», «Горького») or «на Садовой»
(a capitalized feminine adjective), or «Ленина 12» (a name and a house number). The house is the number right
after the street or after «д.»/«дом». Names are returned as «ул. Ленина», «пер. Школьный», «ул. 8 Марта».
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline import placenames

TYPES = (  # (regex of the type word, canonical abbreviation, grammatical gender of the type word)
    (r"улиц[аеыуи]|улицей|улицам|улицах|ул(?:\.|(?=\s))", "ул.", "femn"),
    (r"переул(?:ок|ка|ке|ку|ком)|пер(?:\.|(?=\s))", "пер.", "masc"),
    (r"пл\.|площад(?:ь|и|ью)", "пл.", "femn"),
    (r"наб\.|набережн(?:ая|ой|ую)", "наб.", "femn"),
    (r"пр-к?т\.?|просп\.|проспект(?:а|е|у|ом)?", "просп.", "masc"),
    (r"проезд(?:а|е|у|ом)?", "проезд", "masc"),
    (r"ш\.|шоссе", "ш.", "neut"),
    (r"микрорайон(?:а|е|у|ом)?|мкр(?:\.|(?=\s))", "мкр", "masc"),
    (r"б-р|бульвар(?:а|е|у|ом)?", "б-р", "masc"),
)
TYPE_RE = "(?i:" + "|".join(f"(?:{t[0]})" for t in TYPES) + ")"
ORDINAL = r"(?:\d{1,2}(?:-?(?:го|й|я|ая|ой|ого|ей|ое))?\s+)"
CAP = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
ANY = r"[А-ЯЁа-яё][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?"
HOUSE = r"(\d{1,3}(?:\s?[абвгАБВГ](?![а-яё])|/\d{1,3}|\s?к\.?\s?\d)?)(?![\d.:,]\d)"
AFTER_NAME = rf"(?:\s*,?\s*(?:д\.|дом|дома|доме|№)?\s*{HOUSE})?"

BEFORE = re.compile(rf"(?<![А-ЯЁа-яё])(?P<type>{TYPE_RE})\s*(?P<name>{ORDINAL}?{CAP}(?:\s+{CAP})?|{ORDINAL}?{ANY})"
                    rf"{AFTER_NAME}")
AFTER = re.compile(rf"(?<![А-ЯЁа-яё])(?P<name>{ORDINAL}?{CAP})\s+(?P<type>{TYPE_RE})(?![А-ЯЁа-яё])"
                   rf"{AFTER_NAME}")
TWO_WORD = r"Карла\s+Маркса|Карла\s+Либкнехта|Розы\s+Люксембург|Льва\s+Толстого|Максима\s+Горького"
BARE = re.compile(rf"(?<![А-ЯЁа-яё])(?i:на|по|с|у|около|возле)\s+(?P<name>{TWO_WORD}|{CAP}(?!\s+[А-ЯЁ]))(?![А-ЯЁа-яё-])"
                  rf"{AFTER_NAME}")
NUMBERED = re.compile(rf"(?<![А-ЯЁа-яё])(?P<name>{CAP}),?\s+(?:д\.\s*|дом\s+)?{HOUSE}(?![\d%])"
                      r"(?!\s*(?:г|лет|год|час|мин|км|м|р|руб|тыс|раз|чел|градус|°))")
HOUSE_ONLY = re.compile(rf"(?<![А-ЯЁа-яё])(?:д\.|дом|доме|дома)\s*№?\s*{HOUSE}")
STOPWORDS = frozenset({"на", "по", "в", "во", "с", "у", "за", "из", "от", "до", "к", "не", "и", "а", "но", "же", "все",
                       "жители", "жителей", "жителям", "возле", "около", "это", "там", "тут", "где", "нет", "уже"})
ADJECTIVE_END = re.compile(r"(ая|яя|ой|ей|ую|юю|ый|ий|ого|его|ому|ему|ом|ем|ым|им)$")
GENITIVE_NAME = re.compile(r"[А-ЯЁ][а-яё]+(?:ина|ына|ова|ева|ого|его|ых|их|ена)$")
FAMOUS = frozenset({"Маркса", "Энгельса", "Горького", "Мира", "Победы", "Октября", "Марта", "Мая", "Революции",
                    "Свободы", "Труда", "Космонавтов", "Строителей", "Энтузиастов", "Комсомола", "Пионеров"})
NOT_STREETS = frozenset({"Руси", "России", "Москвы", "Новгорода", "Бога", "Господа", "Путина", "Нового", "Того",
                         "Этого", "Своего", "Нашего", "Вашего", "Его", "Ее", "Их", "Всего", "Него", "Старого",
                         "Первого", "Второго", "Сего"})


def _type(word: str) -> tuple[str, str]:
    w = word.lower()
    for pattern, abbr, gender in TYPES:
        if re.fullmatch(pattern, w):
            return abbr, gender
    return "ул.", "femn"


@lru_cache(maxsize=20_000)
def _nominative(name: str, gender: str) -> str:
    """«Советской» -> «Советская», «Школьному» -> «Школьный»; a genitive «Ленина» or «8 Марта» stays."""
    words = name.split()
    last = words[-1]
    if not re.search(r"(ой|ей|ую|юю|ая|яя|ого|его|ому|ему|ом|ем|ым|им|ый|ий)$", last.lower()):
        return name
    for p in placenames.morph().parse(last.lower()):
        if p.tag.POS == "ADJF" and not {"Surn", "Name", "Patr"} & p.tag.grammemes:
            form = p.inflect({"nomn", "sing", gender} if gender != "plur" else {"nomn", "plur"})
            if form is not None:
                word = form.word
                return " ".join(words[:-1] + [word[:1].upper() + word[1:]])
    return name


def _clean(name: str) -> str:
    name = " ".join(name.split())
    return name[:1].upper() + name[1:]


def _house(m: re.Match) -> str:
    group = next((g for g in reversed(m.groups()) if g), "") if m.lastindex else ""
    return group.replace(" ", "").lower() if group and group[:1].isdigit() else ""


def street_and_house(text: str, is_place=lambda name: False) -> tuple[str, str]:
    """The first street the text names (canonical) and its house number ("" when none). is_place(name): True for
    a word that is a settlement, not a street («на Лычково» is no street)."""
    found: list[tuple[int, str, str]] = []
    for m in BEFORE.finditer(text):
        abbr, gender = _type(m.group("type"))
        name = m.group("name")
        if name.lower() in ("д", "дом") or name.lower() in STOPWORDS or is_place(name):
            continue
        if name[:1].islower() and not (m.group("type").endswith(".") or len(m.group("type")) <= 3):
            continue                                  # «на площади не убран»: a lowercase name only after «ул.»
        found.append((m.start(), f"{abbr} {_nominative(_clean(name), gender)}", _house(m)))
    for m in AFTER.finditer(text):
        abbr, gender = _type(m.group("type"))
        name = m.group("name")
        if name.lower() in STOPWORDS or not (ADJECTIVE_END.search(name.lower()) or GENITIVE_NAME.match(name)
                                             or name in FAMOUS):
            continue                                  # «На улице Ленина»: «На» is no street name
        if not is_place(name):
            found.append((m.start(), f"{abbr} {_nominative(_clean(m.group('name')), gender)}", _house(m)))
    for m in BARE.finditer(text):
        name = m.group("name")
        if name in NOT_STREETS or is_place(name):
            continue
        if " " in name or GENITIVE_NAME.match(name) or name in FAMOUS or re.search(r"(ой|ей)$", name):
            if re.search(r"(ой|ей)$", name) and not _is_adjective(name):
                continue
            found.append((m.start() + 1000, f"ул. {_nominative(' '.join(name.split()), 'femn')}", _house(m)))
    for m in NUMBERED.finditer(text):
        name = m.group("name")
        if name in NOT_STREETS or is_place(name):
            continue
        if GENITIVE_NAME.match(name) or name in FAMOUS or re.search(r"(ая|яя)$", name) and _is_adjective(name):
            found.append((m.start() + 500, f"ул. {name}", _house(m)))
    if not found:
        m = HOUSE_ONLY.search(text)
        return "", (_house(m) if m else "")
    found.sort(key=lambda f: f[0])
    street = found[0][1]
    house = next((h for _, s, h in found if s == street and h), "")
    if not house:
        m = HOUSE_ONLY.search(text)
        house = _house(m) if m else ""
    return street, house


def _is_adjective(word: str) -> bool:
    return any(p.tag.POS == "ADJF" and "femn" in p.tag and not {"Surn", "Name"} & p.tag.grammemes
               for p in placenames.morph().parse(word.lower()))
