"""Settlement detection against the district gazetteer, pure.

A gazetteer entry names token prefixes: "лычков" matches Лычково, в Лычкове, лычковские; a multi-word name
is a sequence of prefixes ("ильин гор" matches «в Ильиной Горе»). A prefix matches a token that starts with
it and has at most MAX_ENDING more letters. Names that are also ordinary words are `ambiguous`: they match
only when capitalized and preceded by a place marker («в Бели», «д. Горки»).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

MAX_ENDING = 5
KEY_LEN = 3       # prefixes are indexed by their first letters; a prefix must be at least this long
PLACE_MARKERS = frozenset({"в", "во", "из", "до", "у", "под", "около", "возле", "д", "дер", "деревня", "деревне",
                           "деревни", "село", "селе", "с", "пос", "поселок", "поселке", "п", "рп", "за"})


@dataclass(frozen=True, slots=True)
class Settlement:
    name: str
    kind: str
    unit: str | None
    lat: float | None
    lon: float | None
    patterns: tuple[tuple[str, ...], ...]
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class Gazetteer:
    district: str
    settlements: tuple[Settlement, ...]
    index: dict[str, tuple[tuple[Settlement, tuple[str, ...]], ...]]   # prefix[:KEY_LEN] -> candidates

    def get(self, name: str) -> Settlement | None:
        return next((s for s in self.settlements if s.name == name), None)


def build_gazetteer(doc: dict) -> Gazetteer:
    settlements = []
    index: dict[str, list] = {}
    for row in doc.get("settlements", []):
        patterns = tuple(tuple(p.lower().replace("ё", "е").split()) for p in row.get("match") or [row["name"]])
        if any(len(p[0]) < KEY_LEN for p in patterns):
            raise ValueError(f"gazetteer: {row['name']}: a match prefix is shorter than {KEY_LEN} letters")
        s = Settlement(name=row["name"], kind=row.get("kind", ""), unit=row.get("unit"), lat=row.get("lat"),
                       lon=row.get("lon"), patterns=patterns, ambiguous=bool(row.get("ambiguous", False)))
        settlements.append(s)
        for pattern in patterns:
            index.setdefault(pattern[0][:KEY_LEN], []).append((s, pattern))
    return Gazetteer(district=doc.get("district", ""), settlements=tuple(settlements),
                     index={k: tuple(v) for k, v in index.items()})


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    if path is None:
        text = resources.files("pipeline").joinpath("data/gazetteer.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return build_gazetteer(yaml.safe_load(text))


def _hits(token: str, prefix: str) -> bool:
    return token.startswith(prefix) and len(token) - len(prefix) <= MAX_ENDING


def names_place(word: str, gazetteer: Gazetteer) -> bool:
    """Whether a word may be (part of) a settlement's name in some case form: «Лычкове», «Горы»."""
    token = word.lower().replace("ё", "е")
    return any(_hits(token, p) for _, pattern in gazetteer.index.get(token[:KEY_LEN], ()) for p in pattern)


def locate(words: tuple[str, ...], gazetteer: Gazetteer) -> tuple[str, ...]:
    """Canonical names of the settlements the words mention, in order of first mention."""
    lowered = [w.lower().replace("ё", "е") for w in words]
    found: list[str] = []
    for i, token in enumerate(lowered):
        for settlement, pattern in gazetteer.index.get(token[:KEY_LEN], ()):
            if settlement.name in found or i + len(pattern) > len(lowered):
                continue
            if not all(_hits(lowered[i + k], p) for k, p in enumerate(pattern)):
                continue
            if settlement.ambiguous and not (words[i][:1].isupper() and i > 0 and lowered[i - 1] in PLACE_MARKERS):
                continue
            found.append(settlement.name)
    return tuple(found)
