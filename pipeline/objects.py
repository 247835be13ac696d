"""Institutions («школа», «ЦРБ», «ДК») and organisations («УК», «водоканал», «РЭС») a post names, by lexicon. Pure.

    institution("в лычковской школе нет отопления")        -> "школа"
    institution("Администрация, когда починят ФАП?")         -> "ФАП"         # the addressee is a last resort
    organisations("РЭС не отвечает, водоканал тоже")         -> ("РЭС", "водоканал")

Names are canonical (what a card and a query show); the first institution in the text wins, except
«администрация», which is usually whom a resident writes to rather than where the problem is.
"""
from __future__ import annotations

import re

W = r"(?<![а-яёa-z0-9])"     # a word boundary that knows Cyrillic
E = r"(?![а-яёa-z0-9])"

INSTITUTIONS = (
    ("детский сад", rf"{W}(?:детск\w+\s+сад\w*|детсад\w*|садик\w*|д/с{E}|доу{E})"),
    ("школа", rf"{W}(?:школ(?:а|ы|е|у|ой|ою){E}|сош{E}|оош{E})"),
    ("ЦРБ", rf"{W}(?:црб{E}|центральн\w+\s+районн\w+\s+больниц\w*)"),
    ("больница", rf"{W}(?:больниц\w*|стационар\w*)"),
    ("поликлиника", rf"{W}поликлиник\w*"),
    ("ФАП", rf"{W}(?:фап(?:а|е|у|ом)?{E}|фельдшерск\w+(?:-акушерск\w+)?\s+пункт\w*|амбулатори\w*)"),
    ("ДК", rf"{W}(?:дк{E}|дом\w*\s+культуры|клуб(?:а|е|у|ом)?{E})"),
    ("библиотека", rf"{W}библиотек\w*"),
    ("магазин", rf"{W}(?:магазин\w*|пят[её]роч\w+|магнит(?:е|а)?{E}|дикси{E}|сельпо{E})"),
    ("почта", rf"{W}(?:почт(?:а|ы|е|у|ой){E}|отделени\w+\s+связи)"),
    ("аптека", rf"{W}аптек\w*"),
    ("котельная", rf"{W}котельн(?:ая|ой|ую){E}"),
    ("баня", rf"{W}бан(?:я|и|е|ю|ей){E}"),
    ("вокзал", rf"{W}(?:вокзал(?:а|е|у|ом|ы)?{E}|автостанци\w*|станци(?:я|и|ю){E})"),
    ("остановка", rf"{W}остановк\w*"),
    ("стадион", rf"{W}стадион\w*"),
    ("кладбище", rf"{W}кладбищ\w*"),
    ("мост", rf"{W}мост(?:а|у|ом|е|ы|ов)?{E}"),
    ("колодец", rf"{W}колод(?:ец|ца|цу|цем|це|цы|цев){E}"),
    ("водонапорная башня", rf"{W}(?:водонапорн\w+\s+башн\w*|башн(?:я|и|е|ю)\s+рожновского)"),
    ("детская площадка", rf"{W}детск\w+\s+площадк\w*"),
    ("пожарная часть", rf"{W}(?:пожарн\w+\s+част\w*|пч-?\d+)"),
    ("администрация", rf"{W}администраци\w*"),
)
ORGANISATIONS = (
    ("УК", rf"{W}(?:ук{E}|управляющ\w+\s+компани\w*)"),
    ("водоканал", rf"{W}водоканал\w*"),
    ("РЭС", rf"{W}(?:рэс{E}|электросет\w*|энергетик\w*)"),
    ("Россети", rf"{W}(?:россет\w*|мрск{E})"),
    ("Газпром газораспределение",
     rf"{W}(?:газпром\w*|газораспредел\w*|газов(?:ая|ой)\s+служб\w*|газовик\w*|райгаз\w*)"),
    ("ТНС энерго", rf"{W}тнс{E}"),
    ("Ростелеком", rf"{W}ростелеком\w*"),
    ("МФЦ", rf"{W}мфц{E}"),
    ("Почта России", rf"{W}почт\w+\s+росси\w*"),
    ("РЖД", rf"{W}ржд{E}"),
    ("МЧС", rf"{W}мчс{E}"),
    ("дорожная служба", rf"{W}(?:дрсу{E}|дэп{E}|автодор\w*|дорожн\w+\s+служб\w*|дорожник\w*)"),
    ("региональный оператор", rf"{W}(?:регоператор\w*|региональн\w+\s+оператор\w*|экосити{E}|спецавтохозяйств\w*)"),
)
_INSTITUTIONS = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in INSTITUTIONS)
_ORGANISATIONS = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in ORGANISATIONS)
LAST_RESORT = "администрация"


ADDRESSED = re.compile(r"(?:уважаем\w*\s+)администраци\w*|администраци\w*\s*[,!?:]", re.IGNORECASE)


def institution(text: str) -> str:
    """The institution the post is about: the first one named, «администрация» only when there is no other and
    it is not whom the post addresses («Уважаемая администрация, …», «Администрация, когда …»)."""
    hits = [(m.start(), name) for name, rx in _INSTITUTIONS if (m := rx.search(text))
            and not (name == LAST_RESORT and ADDRESSED.search(text))]
    hits.sort()
    named = [name for _, name in hits if name != LAST_RESORT]
    return named[0] if named else (LAST_RESORT if hits else "")


def organisations(text: str) -> tuple[str, ...]:
    """Organisations named, in order of first mention, canonical."""
    hits = sorted((m.start(), name) for name, rx in _ORGANISATIONS if (m := rx.search(text)))
    return tuple(dict.fromkeys(name for _, name in hits))
