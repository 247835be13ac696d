"""pipeline/geo.py: settlement detection on a small gazetteer built in the test."""
from __future__ import annotations

from importlib import resources

import pytest
import yaml

from pipeline import geo, text

GAZ = geo.build_gazetteer({
    "district": "Тестовый округ",
    "settlements": [
        {"name": "Демянск", "kind": "рабочий посёлок", "unit": "Демянское", "lat": 57.64, "lon": 32.46,
         "match": ["демянск", "демянц"]},
        {"name": "Лычково", "kind": "село", "unit": "Лычковское", "match": ["лычков", "лычковск"]},
        {"name": "Ильина Гора", "kind": "деревня", "unit": "Ильиногорское", "match": ["ильин гор", "ильиногор"]},
        {"name": "Ямник", "unit": "Ямникское", "match": ["ямник"]},
        {"name": "Ёлкино", "unit": "Ямникское"},                      # no match: the name is the pattern
        {"name": "Бель", "unit": "Ямникское", "match": ["бели", "бель"], "ambiguous": True},
    ],
})


def loc(s: str) -> tuple[str, ...]:
    return geo.locate(text.words(s), GAZ)


def test_build_gazetteer_shape():
    assert GAZ.district == "Тестовый округ"
    assert [s.name for s in GAZ.settlements] == ["Демянск", "Лычково", "Ильина Гора", "Ямник", "Ёлкино", "Бель"]
    dem = GAZ.get("Демянск")
    assert (dem.kind, dem.unit, dem.lat, dem.lon, dem.ambiguous) == ("рабочий посёлок", "Демянское", 57.64, 32.46,
                                                                     False)
    assert dem.patterns == (("демянск",), ("демянц",))
    assert GAZ.get("Ильина Гора").patterns == (("ильин", "гор"), ("ильиногор",))
    assert GAZ.get("Ёлкино").patterns == (("елкино",),)
    assert GAZ.get("Бель").ambiguous is True
    assert GAZ.get("Нет такого") is None


@pytest.mark.parametrize("phrase, expected", [
    ("в Лычкове", ("Лычково",)),
    ("из Лычково", ("Лычково",)),
    ("до Лычкова два часа", ("Лычково",)),
    ("лычковские дороги разбиты", ("Лычково",)),
    ("ЛЫЧКОВО", ("Лычково",)),
    ("Демянского района", ("Демянск",)),
    ("в Демянске", ("Демянск",)),
    ("демянцы возмущены", ("Демянск",)),
    ("в Ильиной Горе нет света", ("Ильина Гора",)),
    ("Ильина гора", ("Ильина Гора",)),
    ("ильиногорская школа", ("Ильина Гора",)),
    ("в Ямнике", ("Ямник",)),
    ("в Ёлкино", ("Ёлкино",)),
    ("в Елкино", ("Ёлкино",)),
    ("Нет воды, в Лычкове!", ("Лычково",)),
    ("", ()),
    ("Нет воды с утра", ()),
])
def test_case_forms(phrase, expected):
    assert loc(phrase) == expected


@pytest.mark.parametrize("phrase", [
    "в Ильиной",               # multi-word pattern cut by the end of the text
    "в Ильиной поликлинике",   # second word is not «гор…»
    "горе Ильиной",            # wrong order
])
def test_multiword_needs_all_words_in_order(phrase):
    assert loc(phrase) == ()


@pytest.mark.parametrize("phrase, expected", [
    ("Демянск и Лычково, потом снова Демянск", ("Демянск", "Лычково")),
    ("Лычково, Демянск, Лычково", ("Лычково", "Демянск")),
    ("из Ямника в Демянск через Ильину Гору и Лычково", ("Ямник", "Демянск", "Ильина Гора", "Лычково")),
    ("лычковские и лычковцы, в Лычкове", ("Лычково",)),          # several patterns, one settlement
    ("в Ильиной Горе и ильиногорские", ("Ильина Гора",)),
])
def test_order_of_first_mention_without_duplicates(phrase, expected):
    assert loc(phrase) == expected


def test_max_ending_is_five():
    assert geo.MAX_ENDING == 5


@pytest.mark.parametrize("word, found", [
    ("Ямник", True),           # +0
    ("Ямника", True),          # +1
    ("Ямникскому", True),      # +5: the limit
    ("ямниковедение", False),  # +8: merely starts with the prefix
    ("Лычковскому", True),     # «лычков» +5
    ("лычковскоговорящий", False),
    ("Демянскагропромснаб", False),   # «демянск» +12
    ("Ямни", False),           # shorter than the prefix
])
def test_max_ending_rule(word, found):
    assert bool(geo.locate((word,), GAZ)) is found


@pytest.mark.parametrize("phrase, expected", [
    ("в Бели", ("Бель",)),
    ("у Бели сломан мост", ("Бель",)),
    ("д. Бели", ("Бель",)),
    ("деревня Бель", ("Бель",)),
    ("из Бели в Демянск", ("Бель", "Демянск")),
    ("белье сушится", ()),         # ordinary word
    ("постирала бельё", ()),
    ("в бели", ()),                # lowercase after a marker
    ("бель", ()),                  # lowercase, no marker
    ("Бели", ()),                  # capitalized but first word: no marker
    ("Белье в Демянске", ("Демянск",)),
    ("красивые Бели", ()),         # capitalized, but the previous word is no place marker
])
def test_ambiguous_needs_capital_and_place_marker(phrase, expected):
    assert loc(phrase) == expected


def test_short_prefix_matches():
    g = geo.build_gazetteer({"settlements": [{"name": "Бель", "unit": "Ямникское", "match": ["бел"],
                                              "ambiguous": True}]})
    assert geo.locate(text.words("в Бели"), g) == ("Бель",)


def test_bundled_gazetteer():
    g = geo.load_gazetteer()
    assert g.district == "Демянский муниципальный округ"
    assert geo.locate(text.words("Нет воды в Демянске"), g) == ("Демянск",)
    assert geo.locate(text.words("в Лычкове опять авария"), g) == ("Лычково",)
    assert geo.locate(text.words("в Ямнике нет света"), g) == ("Ямник",)
    assert geo.locate(text.words("из Лычкова в Демянск через Ямник"), g) == ("Лычково", "Демянск", "Ямник")
    units = {u["name"] for u in yaml.safe_load(
        resources.files("pipeline").joinpath("data/gazetteer.yaml").read_text(encoding="utf-8"))["units"]}
    assert len(units) == 8
    # all 231 localities of the КЛАДР list: 229 entries (two «Кневицы» and two «Ямник» are one place each)
    assert len(g.settlements) == 229
    assert sum(s.lat is not None for s in g.settlements) == 4          # only where the source gives coordinates
