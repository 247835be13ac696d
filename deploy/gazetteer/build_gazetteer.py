"""Builds pipeline/data/gazetteer.yaml from the district's list of localities (issue 18).

    python deploy/gazetteer/build_gazetteer.py       # pipeline/data/localities.csv -> gazetteer.yaml
    python deploy/gazetteer/build_gazetteer.py --csv other.csv --district "…" --out other.yaml

The CSV (name,type,former_settlement,oktmo,lat,lon,source) is a copy of the public facts of
../shared/datasets/gazetteer/demyansky_localities.csv (see the header this script writes for the provenance);
case forms, adjectives and residents' names are generated (pipeline/placenames.py). Re-run after editing the CSV;
tests/unit/test_gazetteer_build.py checks that the committed YAML is what this script builds.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.gazetteer_source import gazetteer_doc, read_localities  # noqa: E402

HEADER = """\
# Газеттир Демянского муниципального округа (pipeline/geo.py). СГЕНЕРИРОВАН: deploy/gazetteer/build_gazetteer.py из
# pipeline/data/localities.csv — не правьте руками, правьте CSV и перезапустите скрипт.
#
# Источник списка: все 231 населённый пункт округа (рп Демянск и 230 сельских) из выгрузки КЛАДР/ФИАС от
#   12.10.2021 (репозиторий nikitagricanuk/TestingSystem-Backend, data/settlements.csv, коммит 386c73a2…; данные
#   ФНС, открытый адресный реестр). Тип, бывшее поселение, ОКТМО и координаты есть только у немногих пунктов
#   (Демянск, Лычково, Игожево, Придорожная — по статьям Википедии, CC BY-SA); у остальных их НЕТ, и они не
#   дописаны по памяти. Источник каждой строки — поле source. units: 8 поселений по ВПН-2021.
# Два объекта КЛАДР «Кневицы» и два «Ямник» без различающих сведений — одна запись (records: 2); одноимённые
#   пункты разных поселений — отдельные записи «Каменка (Песоцкое)» с twin_of/cue: выбираются, только если в
#   тексте названо их поселение.
# forms: падежные формы названия; derived: прилагательное и названия жителей; risky: формы, совпадающие с
#   обычными словами или именами людей — считаются местом только после маркера (д., с., пос., «в деревне»…)
#   или с заглавной буквы после предлога места («в Заре», «из Каменки»).
"""

UNITS = [
    {"name": "Демянское", "kind": "городское поселение", "oktmo": "49612151", "population_2021": 4501},
    {"name": "Жирковское", "kind": "сельское поселение", "oktmo": "49612413", "population_2021": 694},
    {"name": "Ильиногорское", "kind": "сельское поселение", "oktmo": "49612419", "population_2021": 648},
    {"name": "Кневицкое", "kind": "сельское поселение", "oktmo": "49612425", "population_2021": 961},
    {"name": "Лычковское", "kind": "сельское поселение", "oktmo": "49612430", "population_2021": 1169},
    {"name": "Песоцкое", "kind": "сельское поселение", "oktmo": "49612440", "population_2021": 659},
    {"name": "Полновское", "kind": "сельское поселение", "oktmo": "49612443", "population_2021": 421},
    {"name": "Ямникское", "kind": "сельское поселение", "oktmo": "49612465", "population_2021": 879},
]


def render(doc: dict, header: str = HEADER) -> str:
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=ROOT / "pipeline" / "data" / "localities.csv")
    ap.add_argument("--district", default="Демянский муниципальный округ")
    ap.add_argument("--region", default="Новгородская область")
    ap.add_argument("--out", type=Path, default=ROOT / "pipeline" / "data" / "gazetteer.yaml")
    args = ap.parse_args(argv)
    units = UNITS if args.csv.name == "localities.csv" else []
    doc = gazetteer_doc(read_localities(args.csv), args.district, args.region, units)
    args.out.write_text(render(doc), encoding="utf-8")
    n = len(doc["settlements"])
    coords = sum("lat" in s for s in doc["settlements"])
    print(f"{args.out}: {n} записей, с координатами {coords}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
