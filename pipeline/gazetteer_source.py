"""A district's list of localities (CSV) -> the gazetteer document geo.build_gazetteer reads. Pure but for pymorphy.

    rows = read_localities(Path("demyansky_localities.csv"))
    # columns: name,type,former_settlement,oktmo,population,lat,lon,source
    doc = gazetteer_doc(rows, district="Демянский муниципальный округ", region="Новгородская область")
    doc["settlements"][0] -> {"name": "Демянск", "forms": ["демянск", "демянска", ...], "derived": ["демянский", ...],
                              "risky": [], "lat": 57.65, "lon": 32.466667, ...}

Only the CSV's own facts are copied (name, type, former поселение, OKTMO, population, coordinates, source); a
missing coordinate stays missing. Forms are generated (pipeline/placenames.py). Localities with the same name:
without anything telling them apart (two КЛАДР objects «Кневицы») they are one entry; with different former
поселения the first keeps the bare name and the others are «Каменка (Песоцкое)», chosen only when the text
names their поселение (`twin_of` + `cue`, a token prefix such as «песоцк»).
"""
from __future__ import annotations

import csv
from pathlib import Path

from core.errors import ConfigError
from pipeline import placenames

FIELDS = ("name", "type", "former_settlement", "oktmo", "population", "lat", "lon", "source")
UNIT_SUFFIXES = (" городское поселение", " сельское поселение", " с/п")


def read_localities(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or "name" not in rows[0]:
        raise ConfigError(f"{path}: в CSV населённых пунктов нужна колонка name "
                          f"(и могут быть {', '.join(FIELDS[1:])})")
    return rows


def _unit(row: dict) -> str | None:
    unit = (row.get("former_settlement") or "").strip()
    for suffix in UNIT_SUFFIXES:
        unit = unit.removesuffix(suffix)
    return unit or None


def _number(value: str | None, kind=float):
    value = (value or "").strip()
    return kind(value) if value else None


def _entry(row: dict) -> dict:
    name = row["name"].strip()
    forms = placenames.name_forms(name)
    derived = placenames.derived_forms(name) - forms
    entry = {"name": name, "kind": (row.get("type") or "").strip(), "unit": _unit(row),
             "oktmo": (row.get("oktmo") or "").strip() or None, "population": _number(row.get("population"), int),
             "lat": _number(row.get("lat")), "lon": _number(row.get("lon")),
             "forms": sorted(forms), "derived": sorted(derived),
             "risky": sorted(placenames.risky_forms(name, forms | derived)),
             "source": (row.get("source") or "").strip()}
    return {k: v for k, v in entry.items() if v not in (None, "", [])}


def _merge(first: dict, other: dict) -> dict:
    """Two records of one name with nothing telling them apart: one place; keep every fact either has."""
    merged = {**other, **first}
    merged["records"] = first.get("records", 1) + 1
    sources = [s for s in (first.get("source"), other.get("source")) if s]
    if sources:
        merged["source"] = " | ".join(dict.fromkeys(" | ".join(sources).split(" | ")))
    return merged


def gazetteer_doc(rows: list[dict], district: str = "", region: str = "", units: list[dict] = ()) -> dict:
    by_name: dict[str, list[dict]] = {}
    for row in rows:
        if not (row.get("name") or "").strip():
            continue
        by_name.setdefault(placenames.fold(row["name"].strip()), []).append(_entry(row))
    settlements = []
    for entries in by_name.values():
        primary = entries[0]
        for other in entries[1:]:
            if other.get("unit") in (None, primary.get("unit")):
                primary = _merge(primary, other)
        settlements.append(primary)
        twins = [e for e in entries[1:] if e.get("unit") not in (None, primary.get("unit"))]
        for twin in twins:
            cue = placenames.fold(twin["unit"]).removesuffix("ое").removesuffix("ий")
            settlements.append({**twin, "name": f"{twin['name']} ({twin['unit']})", "twin_of": primary["name"],
                                "cue": cue})
    doc = {"district": district, "region": region}
    if units:
        doc["units"] = list(units)
    doc["settlements"] = settlements
    return doc
