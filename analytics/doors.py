"""Which door a complaint is about: a building has many (the entrance's, a technical room's, the chute hall's, the
lift hall's, a balcony's), and two reports naming two of them are two problems (docs/repeats.md, definition B: where
both name the thing at fault, it is the same thing). Pure; word stems, read per sentence.

    doors_of("покрасьте входную дверь подъезда №13")                    -> frozenset({"entry"})
    doors_of("27 этаж. Нет замка на двери, ведущей в холл мусоропровода") -> frozenset({"chute"})
    doors_of("во 2 парадной на 3 этаже сломана ручка двери")            -> frozenset()   (a place, no door named)
"""
from __future__ import annotations

import re

SENTENCE = re.compile(r"[^.!?\n]+")
DOOR = re.compile(r"\bдвер")
# What a sentence naming a door says the door is: the entrance's own (входная, with the intercom or magnet), a
# technical room's, the chute's, the lift hall's, a balcony's, the basement's or attic's, a flat's. A tambour's door
# is none of them: the entrance's vestibule or a floor's flat lobby («тамбурная дверь на 5 этаже») — it tells nothing
KINDS = {
    "entry": ("входн", "домофон", "магнит", "уличн"),
    "tech": ("техническ", "щитов", "электрощит", "колясочн"),
    "chute": ("мусоропр", "мусорокам"),
    "lift": ("лифт",),
    "balcony": ("балкон",),
    "basement": ("подвал",),
    "attic": ("чердак", "чердач", "кровл", "крыш"),
    "flat": ("квартирн",),
}
ENTRY_DOOR = re.compile(r"\bдвер\w*\s+(в\s+)?(подъезд|подьезд|парадн)")     # «дверь подъезда», «двери в парадную»
WORD = re.compile(r"[а-я]+|,")
# A kind names the door only near it: within NEAR words, not counting prepositions and the hall or room the door
# leads to («двери, ведущей из холла в мусоропровод»); not past a comma after the door unless a clause about the
# door follows («доводчик двери, домофон работает» names no entrance door); not a place «у лифта» («дверь у лифта»).
# The entrance door's own devices name it from anywhere in the sentence («на магните пластина, мешающая … двери»)
NEAR = 3
DEVICES = ("магнит", "домофон")
THROUGH = {"в", "во", "на", "из", "с", "со", "к", "ко", "между", "и"}
THROUGH_STEMS = ("ведущ", "холл", "помещени")
ABOUT_DOOR = ("ведущ", "котор")
BY = {"у", "возле", "около", "напротив", "рядом"}


def _names_door(words: list[str], door: int, k: int) -> bool:
    """Whether words[k], a kind's stem, says what the door at words[door] is."""
    if k and words[k - 1] in BY:
        return False
    lo, hi = sorted((door, k))
    between = words[lo + 1:hi]
    if k > door and "," in between:
        rest = between[between.index(",") + 1:]
        if not (rest and rest[0].startswith(ABOUT_DOOR)):
            return False
    apart = [w for w in between if w != "," and w not in THROUGH and not w.startswith(THROUGH_STEMS)]
    return len(apart) < NEAR or words[k].startswith(DEVICES)


def doors_of(low: str) -> frozenset[str]:
    """The kinds of door the text's sentences name with the word «дверь» (lower case, «ё» as «е»)."""
    found: set[str] = set()
    for sentence in SENTENCE.findall(low):
        if not DOOR.search(sentence):
            continue
        words = WORD.findall(sentence)
        doors = [i for i, w in enumerate(words) if w.startswith("двер")]
        found |= {kind for kind, stems in KINDS.items()
                  if any(w.startswith(stems) and any(_names_door(words, d, k) for d in doors)
                         for k, w in enumerate(words))}
        if ENTRY_DOOR.search(sentence):
            found.add("entry")
    return frozenset(found)
