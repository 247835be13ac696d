"""pipeline/placenames.py and deploy/gazetteer/build_gazetteer.py: generated case forms, adjectives, residents,
risky forms."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline import placenames
from pipeline.gazetteer_source import gazetteer_doc

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name, forms", [
    ("Малые Луки", {"малые луки", "малых луках", "малым лукам", "малыми луками", "малых лук"}),
    ("Старое Сохново", {"старое сохново", "старого сохнова", "старом сохнове", "старым сохновом"}),
    ("Филиппова Гора", {"филиппова гора", "филипповой горе", "филиппову гору", "филипповой горы"}),
    ("Ильина Гора", {"ильиной горе", "ильину гору"}),
    ("Шумилов Бор", {"шумилов бор", "шумиловом бору", "шумилова бора"}),
    ("Чёрный Ручей", {"черный ручей", "черного ручья", "черном ручье"}),
    ("Лычково", {"лычково", "лычкова", "лычкове", "лычковом"}),
    ("Кневицы", {"кневицы", "кневиц", "кневицах", "кневицам"}),
    ("Ямник", {"ямник", "ямника", "ямнике"}),
    ("Борок", {"борок", "борка", "борке"}),
    ("Накладец", {"накладца", "накладце"}),
    ("Залесье", {"залесье", "залесья", "залесьем"}),
    ("Сухая Ветошь", {"сухая ветошь", "сухой ветоши", "сухую ветошь"}),
    ("Задняя", {"задняя", "задней", "заднюю"}),
    ("Никольское", {"никольское", "никольского", "никольском"}),
    ("Шанёво-1", {"шанево-1", "шанева-1", "шаневе-1"}),
    ("Добросли", {"добросли", "доброслях", "доброслей"}),
    ("Хахили", {"хахили", "хахилях"}),
])
def test_case_forms(name, forms):
    assert forms <= placenames.name_forms(name)


@pytest.mark.parametrize("name, derived", [
    ("Лычково", {"лычковский", "лычковская", "лычковцы", "лычковец", "лычковцев"}),
    ("Демянск", {"демянский", "демянском", "демянцы"}),
    ("Кневицы", {"кневицкий", "кневицкая"}),
    ("Ильина Гора", {"ильиногорский", "ильиногорская"}),
    ("Полново", {"полновский", "полновцы"}),
])
def test_adjectives_and_residents(name, derived):
    assert derived <= placenames.derived_forms(name)


def test_no_adjective_that_is_an_ordinary_word():
    assert placenames.derived_forms("Заря") == set()
    assert "никольский" not in placenames.derived_forms("Никольское")


@pytest.mark.parametrize("name, risky, safe", [
    ("Заря", {"заря", "заре"}, set()),
    ("Пасека", {"пасека", "пасеке"}, set()),
    ("Каменка", {"каменка", "каменке"}, set()),
    ("Клин", {"клин", "клина"}, set()),
    ("Усадьба", {"усадьба"}, set()),
    ("Ковры", {"ковры", "коврах"}, set()),
    ("Кузнецово", {"кузнецова"}, {"кузнецово"}),           # a surname in the genitive, not the nominative
    ("Лычково", set(), {"лычково", "лычкове"}),
    ("Демянск", set(), {"демянске", "демянском"}),        # «демянском» is the town's own adjective
])
def test_risky_forms(name, risky, safe):
    forms = placenames.name_forms(name) | placenames.derived_forms(name)
    found = placenames.risky_forms(name, forms)
    assert risky <= found and not (safe & found)


def test_duplicates_one_place_unless_their_poselenie_differs():
    rows = [{"name": "Кневицы"}, {"name": "Кневицы"}, {"name": "Каменка", "former_settlement": "Великозаходское"},
            {"name": "Каменка", "former_settlement": "Песоцкое"}, {"name": "Лычково", "lat": "57.9", "lon": "32.4"}]
    doc = gazetteer_doc(rows, district="Тест")
    names = [s["name"] for s in doc["settlements"]]
    assert names == ["Кневицы", "Каменка", "Каменка (Песоцкое)", "Лычково"]
    twin = doc["settlements"][2]
    assert (twin["twin_of"], twin["cue"]) == ("Каменка", "песоцк")
    assert doc["settlements"][0]["records"] == 2
    assert (doc["settlements"][3]["lat"], doc["settlements"][3]["lon"]) == (57.9, 32.4)
    assert "lat" not in doc["settlements"][0]                 # no coordinate is made up


def test_committed_gazetteer_is_what_the_script_builds(tmp_path):
    sys.path.insert(0, str(ROOT / "deploy" / "gazetteer"))
    try:
        import build_gazetteer
    finally:
        sys.path.remove(str(ROOT / "deploy" / "gazetteer"))
    out = tmp_path / "g.yaml"
    assert build_gazetteer.main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (ROOT / "pipeline" / "data" / "gazetteer.yaml").read_text(
        encoding="utf-8")
