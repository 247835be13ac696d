"""Below the settlement: street, house, institution, organisations and unknown places of a post. Pure but the port.

    describe(["Нет воды на ул. Ленина, 12, водоканал молчит"], gazetteer, ner)
    -> [Where(street="ул. Ленина", house="12", object="", orgs=("водоканал",), unverified=())]
    describe(["в деревне Кирилловщина третий день без света"], gazetteer, ner)
    -> [Where(..., unverified=("Кирилловщина",))]          # natasha's LOC after a place marker, not ours

Our rules (pipeline/address.py, pipeline/objects.py) read every text given; natasha's NER (the `ner` port) reads
only those with something the rules cannot settle: a capitalized word after a place marker that the gazetteer
does not know, or a legal-form cue of a named organisation («ООО», «МУП», «ГОБУЗ» …, «…» in quotes). Its LOC
spans become `unverified` places (counted so the gazetteer can grow; places pymorphy knows as elsewhere,
«Москва», are not), its ORG spans join the organisations. PER spans are never kept (privacy).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from pipeline import address, objects, placenames
from pipeline.geo import Gazetteer

MARKER = r"(?:в|во|из|до|под|около|возле|д\.|дер\.?|деревн[яеиюй]\w*|сел[оеау]|пос\.|пос[её]л(?:ок|ке|ка)|с\.|п\.)"
UNKNOWN_AFTER_MARKER = re.compile(rf"(?<![А-Яа-яЁё]){MARKER}\s*([А-ЯЁ][а-яё]{{2,}}(?:[- ][А-ЯЁ][а-яё]+)?)")
MARKER_BEFORE = re.compile(rf"(?<![А-Яа-яЁё]){MARKER}\s*$", re.IGNORECASE)
LEGAL_FORM = re.compile(r"(?<![А-ЯЁA-Z])(?:ООО|ОАО|АО|ПАО|ЗАО|МУП|ГУП|ГБУ|ГОБУ|ГОАУ|ГОБУЗ|ОГБУЗ|ГОКУ|ИП|ТСЖ|МБОУ|"
                        r"МАОУ|МБДОУ|МАДОУ|МКУ|МБУ)(?![А-ЯЁA-Z])|«[А-ЯЁ]")


class Ner(Protocol):
    def spans(self, texts: list[str]) -> list[tuple]: ...


@dataclass(frozen=True, slots=True)
class Where:
    street: str = ""
    house: str = ""
    object: str = ""
    orgs: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()


def _known(word: str, g: Gazetteer) -> bool:
    return placenames.fold(word.split()[0]) in g.forms


def _elsewhere(word: str) -> bool:
    """A place pymorphy knows (Москва, Новгород, Россия): outside the district, not a gap in the gazetteer."""
    return any("Geox" in p.tag and p.is_known for p in placenames.morph().parse(word.split()[0].lower()))


def needs_ner(text: str, g: Gazetteer) -> bool:
    if LEGAL_FORM.search(text):
        return True
    return any(not _known(m.group(1), g) and not _elsewhere(m.group(1)) for m in UNKNOWN_AFTER_MARKER.finditer(text))


def _unverified(text: str, span, g: Gazetteer) -> str | None:
    if span.type != "LOC" or not MARKER_BEFORE.search(text[max(0, span.start - 12):span.start]):
        return None
    words = span.text.strip(" «»\"").split()
    name = " ".join(words[:1] + [w for w in words[1:2] if w[:1].isupper()])   # «Песочках света» -> «Песочках»
    if not name or _known(name, g) or _elsewhere(name):
        return None
    if " " not in name:
        parse = placenames.morph().parse(name.lower())[0]
        nominative = parse.inflect({"nomn"}) if parse.tag.case not in (None, "nomn") else None
        name = nominative.word if nominative is not None else name.lower()    # «Песочках» -> «Песочки»
        name = name[:1].upper() + name[1:]
    return name


def _org(span) -> str | None:
    if span.type != "ORG":
        return None
    canonical = objects.organisations(span.text)
    if canonical:
        return canonical[0]
    name = " ".join(span.text.split())
    return name if 2 <= len(name) <= 80 else None


def describe(texts: list[str], gazetteer: Gazetteer, ner: Ner | None) -> list[Where]:
    is_place = lambda name: _known(name, gazetteer)   # noqa: E731
    rules = []
    for text in texts:
        street, house = address.street_and_house(text, is_place)
        rules.append((street, house, objects.institution(text), objects.organisations(text)))
    asked = [i for i, t in enumerate(texts) if ner is not None and needs_ner(t, gazetteer)]
    spans = dict(zip(asked, ner.spans([texts[i] for i in asked]), strict=True)) if asked else {}
    out = []
    for i, (text, (street, house, obj, orgs)) in enumerate(zip(texts, rules, strict=True)):
        found = spans.get(i, ())
        named = [o for o in (_org(s) for s in found) if o]
        places = [p for p in (_unverified(text, s, gazetteer) for s in found) if p]
        out.append(Where(street=street, house=house, object=obj, orgs=tuple(dict.fromkeys(orgs + tuple(named))),
                         unverified=tuple(dict.fromkeys(places))))
    return out
