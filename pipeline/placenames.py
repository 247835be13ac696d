"""Case forms, adjectives and residents' names of a locality, generated (pymorphy3 + declension rules). Pure.

    name_forms("Малые Луки")       -> {"малые луки", "малых луках", "малым лукам", ...}
    name_forms("Филиппова Гора")   -> {"филиппова гора", "филипповой горе", "филиппову гору", ...}
    derived_forms("Лычково")       -> {"лычковский", "лычковской", ..., "лычковцы", "лычковец", ...}
    risky_forms(name, forms)       -> the forms that are also ordinary words or people's names («заря», «пески»,
                                      «кузнецова»): geo counts them only after a place marker

Village names are mostly not in pymorphy's dictionary and its guesses for them are often wrong (it reads
«Полново» as an adverb, «Ямник» as a verb), so the declension comes from the ending (a rural name's ending
says how it declines); pymorphy adds the forms of the words it does know («Бор» -> «в Бору», «Ручей» ->
«Ручья»), inflects the generated adjectives, and tells which forms are ordinary words. Every form is lowercased
with ё as е. An adjective of a multi-word name agrees with its noun: the noun's gender comes from the adjective.
"""
from __future__ import annotations

from functools import lru_cache

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
HUSHING = "жшщчц"
VELAR = "гкх"


@lru_cache(maxsize=1)
def morph():
    import pymorphy3
    return pymorphy3.MorphAnalyzer()


def fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _noun_rules(w: str, gender: str | None) -> dict[str, set[str]]:
    """Case -> forms of one noun by its ending. gender: from an agreeing adjective, when there is one."""
    s = w[:-1]
    if w.endswith(("ое", "ее")) and gender in (None, "neut"):
        return _adj_rules(w, "neut")
    if w.endswith(("ая", "яя")) and gender in (None, "femn"):
        return _adj_rules(w, "femn")
    if w.endswith(("ы", "и")) and gender in (None, "plur"):
        soft = w.endswith("и") and s[-1:] not in VELAR + HUSHING
        a = "я" if soft else "а"
        gent = {s + "ей", s + "ов", s}
        if s.endswith("иц"):
            gent = {s}
        elif s.endswith("ич"):
            gent = {s, s + "ей"}
        elif s.endswith("к") and len(s) > 2:
            gent = {s[:-1] + "ок", s[:-1] + "ек", s + "ов"}
        return {"nomn": {w}, "gent": gent, "datv": {s + a + "м"}, "accs": {w}, "ablt": {s + a + "ми"},
                "loct": {s + a + "х"}}
    if w.endswith("о"):
        return {"nomn": {w}, "gent": {s + "а", w}, "datv": {s + "у", w}, "accs": {w}, "ablt": {s + "ом", w},
                "loct": {s + "е", w}}
    if w.endswith("е"):                                           # Залесье, Подсосонье
        return {"nomn": {w}, "gent": {s + "я"}, "datv": {s + "ю"}, "accs": {w}, "ablt": {s + "ем"}, "loct": {w}}
    if w.endswith("а"):
        gent = s + ("и" if s[-1:] in VELAR + HUSHING else "ы")
        ablt = {s + "ой"} | ({s + "ей"} if s[-1:] in HUSHING else set())
        return {"nomn": {w}, "gent": {gent}, "datv": {s + "е"}, "accs": {s + "у"}, "ablt": ablt, "loct": {s + "е"}}
    if w.endswith("я"):
        ending = "и" if s.endswith("и") else "е"
        return {"nomn": {w}, "gent": {s + "и"}, "datv": {s + ending}, "accs": {s + "ю"}, "ablt": {s + "ей"},
                "loct": {s + ending}}
    if w.endswith("ь") and gender == "femn":                       # Ветошь
        return {"nomn": {w}, "gent": {s + "и"}, "datv": {s + "и"}, "accs": {w}, "ablt": {s + "ью"}, "loct": {s + "и"}}
    if w.endswith(("ь", "й")):                                     # Гославль, Скребель, Ручей
        stems = {s} | ({s[:-1]} if s.endswith("е") and w.endswith("й") else set())
        e = "е" if w.endswith("ь") else "е"
        return {"nomn": {w}, "gent": {t + ("ь" if t != s else "") + "я" for t in stems},
                "datv": {t + ("ь" if t != s else "") + "ю" for t in stems}, "accs": {w},
                "ablt": {t + ("ь" if t != s else "") + "ем" for t in stems},
                "loct": {t + ("ь" if t != s else "") + e for t in stems}}
    stems = {w}                                                    # a consonant: Ямник, Борок, Накладец
    if w.endswith(("ок", "ек", "ец")) and len(w) > 4:
        stems.add(w[:-2] + w[-1])                                  # the fleeting vowel: Борок -> Борка
    ablt = "ем" if w[-1:] in HUSHING else "ом"
    return {"nomn": {w}, "gent": {t + "а" for t in stems}, "datv": {t + "у" for t in stems}, "accs": {w},
            "ablt": {t + ablt for t in stems}, "loct": {t + "е" for t in stems}}


def _adj_rules(w: str, gender: str) -> dict[str, set[str]]:
    """An adjective (or a possessive: Ильина, Шумилов) in the given gender or plural, by its ending."""
    if gender == "femn" and w.endswith(("ина", "ова", "ева")):       # Ильина Гора -> Ильиной Горе
        s = w[:-1]
        return {"nomn": {w}, "gent": {s + "ой"}, "datv": {s + "ой"}, "accs": {s + "у"}, "ablt": {s + "ой"},
                "loct": {s + "ой"}}
    if gender == "masc" and w.endswith(("ов", "ев", "ин")):         # Шумилов Бор -> Шумиловом Бору
        return {"nomn": {w}, "gent": {w + "а"}, "datv": {w + "у"}, "accs": {w}, "ablt": {w + "ым"},
                "loct": {w + "ом"}}
    s, last = w[:-2], w[-3:-2]
    soft = w.endswith(("ий", "ее", "яя", "ие")) and last not in VELAR
    o = "е" if soft or last in HUSHING and not w.endswith(("ой", "ое")) else "о"   # висючего, великого, большого
    y = "и" if soft or last in VELAR + HUSHING else "ы"            # великим, новым
    if gender == "femn":
        a = "ей" if w.endswith("яя") or last in HUSHING and w.endswith("ея") else "ой"
        return {"nomn": {w}, "gent": {s + a}, "datv": {s + a}, "accs": {s + ("юю" if w.endswith("яя") else "ую")},
                "ablt": {s + a}, "loct": {s + a}}
    if gender == "plur":
        return {"nomn": {w}, "gent": {s + y + "х"}, "datv": {s + y + "м"}, "accs": {w}, "ablt": {s + y + "ми"},
                "loct": {s + y + "х"}}
    return {"nomn": {w}, "gent": {s + o + "го"}, "datv": {s + o + "му"}, "accs": {w}, "ablt": {s + y + "м"},
            "loct": {s + o + "м"}}


def _gender_of_adjective(w: str) -> str:
    if w.endswith(("ые", "ие")):
        return "plur"
    if w.endswith(("ая", "яя", "ина", "ова", "ева")):
        return "femn"
    if w.endswith(("ое", "ее")):
        return "neut"
    return "masc"


def _dictionary_forms(w: str, gender: str | None) -> dict[str, set[str]]:
    """The forms pymorphy knows for a dictionary noun in the nominative (gender/number as the name needs)."""
    out: dict[str, set[str]] = {c: set() for c in CASES}
    for p in morph().parse(w):
        tag = p.tag
        if p.tag.POS != "NOUN" or "nomn" not in tag or not p.is_known or {"Name", "Surn", "Patr"} & tag.grammemes:
            continue
        number = "plur" if "plur" in tag else "sing"
        if gender is not None and (gender == "plur") != (number == "plur"):
            continue
        if gender not in (None, "plur") and tag.gender != gender:
            continue
        for f in p.lexeme:
            if f.tag.number == number and f.tag.case in out:
                out[f.tag.case].add(fold(f.word))
            elif f.tag.number == number and f.tag.case == "loc2":
                out["loct"].add(fold(f.word))
        break
    return out


def _word_forms(w: str, gender: str | None) -> dict[str, set[str]]:
    rules = _noun_rules(w, gender)
    known = _dictionary_forms(w, gender)
    return {c: rules.get(c, set()) | known[c] for c in CASES}


def _part_forms(part: str, gender: str | None) -> dict[str, set[str]]:
    """A hyphenated part: «Шанёво-1» declines its first piece and keeps the number; «Вельё-Станы» both pieces."""
    if "-" not in part:
        return _word_forms(part, gender)
    head, tail = part.split("-", 1)
    if tail.isdigit():
        return {c: {f + "-" + tail for f in fs} for c, fs in _word_forms(head, gender).items()}
    a, b = _word_forms(head, None), _word_forms(tail, None)
    return {c: {x + "-" + y for x in a[c] for y in b[c]} | {head + "-" + y for y in b[c]} for c in CASES}


def name_forms(name: str) -> set[str]:
    """Every case form of a locality's name (multi-word names agree), lowercased, ё as е."""
    words = fold(name).split()
    if len(words) == 1:
        return set().union(*_part_forms(words[0], None).values())
    adjective, noun = words[0], words[-1]
    gender = _gender_of_adjective(adjective)
    a, n = _adj_rules(adjective, gender), _part_forms(noun, gender)
    return {f"{x} {y}" for c in CASES for x in a[c] for y in n[c]}


def _adjective_lemma(name: str) -> str | None:
    words = fold(name).split()
    if len(words) == 2 and words[1] == "гора" and words[0].endswith("а"):     # Ильина Гора -> ильиногорский
        return words[0][:-1] + "огорский"
    if len(words) != 1 or "-" in words[0]:
        return None
    w = words[0]
    if w.endswith(("ово", "ево", "ино", "ыно")):
        return w[:-1] + "ский"
    if w.endswith("ск"):
        return w + "ий"
    if w.endswith("ицы"):
        return w[:-1] + "кий"
    return None


def _residents(name: str) -> set[str]:
    w = fold(name)
    if " " in w or "-" in w or not w.endswith(("ово", "ево", "ино", "ск")):
        return set()
    stem = w[:-1] if w.endswith("о") else w[:-2] if w.endswith("ск") else w
    return {stem + e for e in ("цы", "ец", "цев", "цам", "цами", "цах", "чане", "чан")}


def derived_forms(name: str) -> set[str]:
    """The adjective («лычковский» in every form) and residents («лычковцы»); none that are ordinary words."""
    out = set()
    lemma = _adjective_lemma(name)
    if lemma and not is_ordinary(lemma, own=lemma):
        parse = next((p for p in morph().parse(lemma) if p.tag.POS == "ADJF"), None)
        if parse is not None:
            out |= {fold(f.word) for f in parse.lexeme if f.tag.POS == "ADJF"}
    out |= {r for r in _residents(name) if not morph().word_is_known(r)}
    return out


def is_ordinary(word: str, own: str | None = None) -> bool:
    """A word pymorphy knows other than as a place name: an ordinary word, or a person's name. own: the place's
    own adjective («демянском» is a form of «демянский», not a collision)."""
    return any(p.is_known and "Geox" not in p.tag and p.normal_form != own
               for p in morph().parse(word) if p.tag.POS is not None)


def risky_forms(name: str, forms: set[str]) -> set[str]:
    """Forms made only of ordinary words (any form of «Заря», «Пески»; «кузнецова», a surname; «красная горка»)."""
    own = _adjective_lemma(name)
    return {f for f in forms if all(is_ordinary(w, own) for w in f.replace("-", " ").split())}
