"""Settlement detection against the district gazetteer, pure.

    g = load_gazetteer()                                    # pipeline/data/gazetteer.yaml (all 231 localities)
    locate(text.words("Нет воды в Малых Луках"), g)         -> ("Малые Луки",)
    locate(text.words("на Филипповой Горе и в Лычкове"), g) -> ("Филиппова Гора", "Лычково")
    locate(text.words("заря была красивая"), g)             -> ()           # an ordinary word
    locate(text.words("в д. Заря нет света"), g)            -> ("Заря",)

A built gazetteer (deploy/gazetteer/build_gazetteer.py) lists each locality's exact `forms` (case forms), `derived`
forms («лычковский», «лычковцы») and the `risky` ones among them: forms that are ordinary words or people's names
count only after a strong place marker («д.», «деревня», «село», «пос.») or when capitalized in a place position
(after «в», «из», «до», «на» …; every word capitalized for a multi-word name). At one position the longest form wins
(«Грязная Новинка», not «Новинка»). A locality sharing its name with one of another поселение (`twin_of`) is chosen
only when the text names that поселение (`cue`, a token prefix); otherwise the first.

A hand-written entry may instead give `match`: token PREFIXES (a token matches with at most MAX_ENDING more
letters), `ambiguous` ones needing a capital letter and a place marker (the format before issue 18).
A CSV of localities (name,type,former_settlement,oktmo,lat,lon) is accepted too and built on load
(`DOZOR_GAZETTEER_FILE=other_district.csv`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from core.errors import ConfigError

MAX_ENDING = 5
KEY_LEN = 3       # prefixes are indexed by their first letters; a prefix must be at least this long
PLACE_MARKERS = frozenset({"в", "во", "из", "до", "у", "под", "около", "возле", "д", "дер", "деревня", "деревне",
                           "деревни", "село", "селе", "с", "пос", "поселок", "поселке", "п", "рп", "за"})
# before a risky form: any case after these; a capital letter after the place prepositions
STRONG_MARKERS = frozenset({"дер", "деревня", "деревне", "деревни", "деревню", "деревней", "село", "селе", "села",
                            "селу", "селом", "пос", "поселок", "поселке", "поселка", "поселку", "рп", "пгт",
                            "деревушка", "деревушке", "деревушку", "хутор", "хуторе"})
PLACE_PREPOSITIONS = frozenset({"в", "во", "из", "до", "под", "около", "возле", "через", "за", "на", "д", "с", "п",
                                "жители", "жителей", "жителям", "житель", "жительница"})


@dataclass(frozen=True, slots=True)
class Settlement:
    name: str
    kind: str
    unit: str | None
    lat: float | None
    lon: float | None
    patterns: tuple[tuple[str, ...], ...] = ()     # legacy prefixes
    ambiguous: bool = False                        # legacy: prefixes need a capital letter and a marker
    oktmo: str | None = None
    twin_of: str | None = None                     # chosen over that namesake only when `cue` is in the text
    cue: str | None = None


@dataclass(frozen=True, slots=True)
class Gazetteer:
    district: str
    settlements: tuple[Settlement, ...]
    index: dict[str, tuple[tuple[Settlement, tuple[str, ...]], ...]]   # prefix[:KEY_LEN] -> candidates
    forms: dict[str, tuple[tuple[Settlement, tuple[str, ...], bool], ...]] = field(default_factory=dict)
    twins: dict[str, tuple[Settlement, ...]] = field(default_factory=dict)   # a name -> its namesakes
    form_words: frozenset[str] = frozenset()                                 # every word of every form

    def get(self, name: str) -> Settlement | None:
        return next((s for s in self.settlements if s.name == name), None)


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def build_gazetteer(doc: dict) -> Gazetteer:
    settlements, index, forms, twins = [], {}, {}, {}
    for row in doc.get("settlements", []):
        exact = row.get("forms") is not None
        patterns = () if exact else tuple(tuple(_fold(p).split()) for p in row.get("match") or [row["name"]])
        if any(len(p[0]) < KEY_LEN for p in patterns):
            raise ConfigError(f"gazetteer: {row['name']}: a match prefix is shorter than {KEY_LEN} letters")
        s = Settlement(name=row["name"], kind=row.get("kind", ""), unit=row.get("unit"), lat=row.get("lat"),
                       lon=row.get("lon"), patterns=patterns, ambiguous=bool(row.get("ambiguous", False)),
                       oktmo=row.get("oktmo"), twin_of=row.get("twin_of"), cue=row.get("cue"))
        settlements.append(s)
        for pattern in patterns:
            index.setdefault(pattern[0][:KEY_LEN], []).append((s, pattern))
        if s.twin_of:
            twins.setdefault(s.twin_of, []).append(s)
            continue                                   # found through its namesake
        risky = {_fold(f) for f in row.get("risky", ())}
        for form in {_fold(f) for f in list(row.get("forms") or []) + list(row.get("derived") or [])}:
            words = tuple(form.split())
            forms.setdefault(words[0], []).append((s, words, form in risky))
    return Gazetteer(district=doc.get("district", ""), settlements=tuple(settlements),
                     index={k: tuple(v) for k, v in index.items()}, forms={k: tuple(v) for k, v in forms.items()},
                     twins={k: tuple(v) for k, v in twins.items()},
                     form_words=frozenset(w for v in forms.values() for _, f, _ in v for w in f))


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    if path is None:
        text = resources.files("pipeline").joinpath("data/gazetteer.yaml").read_text(encoding="utf-8")
    elif Path(path).suffix.lower() == ".csv":
        from pipeline.gazetteer_source import gazetteer_doc, read_localities
        return build_gazetteer(gazetteer_doc(read_localities(Path(path)), district=Path(path).stem))
    else:
        text = Path(path).read_text(encoding="utf-8")
    # libyaml's parser when the wheel has it (the same document, ~10x faster on these 74 kB: ~0.05 s, not ~0.5)
    return build_gazetteer(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def _hits(token: str, prefix: str) -> bool:
    return token.startswith(prefix) and len(token) - len(prefix) <= MAX_ENDING


def _in_place_position(words: tuple[str, ...], lowered: list[str], i: int, n: int) -> bool:
    """A risky form at i..i+n counts: after a strong marker, or capitalized after a place preposition (every
    word capitalized, for a multi-word form)."""
    before = lowered[i - 1] if i > 0 else ""
    if before in STRONG_MARKERS:
        return True
    capitals = all(w[:1].isupper() for w in words[i:i + n])
    return capitals and (n > 1 or before in PLACE_PREPOSITIONS)


def _exact(words: tuple[str, ...], lowered: list[str], i: int, g: Gazetteer) -> tuple[Settlement, int] | None:
    best = None
    for settlement, form, risky in g.forms.get(lowered[i], ()):
        n = len(form)
        if tuple(lowered[i:i + n]) != form or (best is not None and n <= best[1]):
            continue
        if risky and not _in_place_position(words, lowered, i, n):
            continue
        best = (settlement, n)
    return best


def _legacy(words: tuple[str, ...], lowered: list[str], i: int, g: Gazetteer, found: list[str]) -> list[str]:
    out = []
    for settlement, pattern in g.index.get(lowered[i][:KEY_LEN], ()):
        if settlement.name in found or settlement.name in out or i + len(pattern) > len(lowered):
            continue
        if not all(_hits(lowered[i + k], p) for k, p in enumerate(pattern)):
            continue
        if settlement.ambiguous and not (words[i][:1].isupper() and i > 0 and lowered[i - 1] in PLACE_MARKERS):
            continue
        out.append(settlement.name)
    return out


def _resolve_twin(name: str, lowered: list[str], g: Gazetteer) -> str:
    for twin in g.twins.get(name, ()):
        if twin.cue and any(t.startswith(twin.cue) for t in lowered):
            return twin.name
    return name


def names_place(word: str, gazetteer: Gazetteer) -> bool:
    """Whether a word may be (part of) a settlement's name in some case form: «Лычкове», «Горы»."""
    token = word.lower().replace("ё", "е")
    if token in gazetteer.form_words:
        return True
    return any(_hits(token, p) for _, pattern in gazetteer.index.get(token[:KEY_LEN], ()) for p in pattern)


def locate(words: tuple[str, ...], gazetteer: Gazetteer) -> tuple[str, ...]:
    """Canonical names of the settlements the words mention, in order of first mention."""
    lowered = [_fold(w) for w in words]
    found: list[str] = []
    i = 0
    while i < len(lowered):
        step = 1
        hit = _exact(words, lowered, i, gazetteer) if gazetteer.forms else None
        if hit is not None:
            name = _resolve_twin(hit[0].name, lowered, gazetteer)
            found += [name] if name not in found else []
            step = hit[1]
        if gazetteer.index:
            found += [n for n in _legacy(words, lowered, i, gazetteer, found) if n not in found]
        i += step
    return tuple(found)
