"""`dozor appeals import`: the appeals register from files (issue 19; column mapping: docs/appeals.md).

    dozor appeals import pos.csv --format csv --preset pos
    dozor appeals import edo.xlsx --format xlsx --preset edo
    dozor appeals import answers.jsonl --format portal-jsonl
"""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from core.settings import Settings

VERDICT_ORDER = ("решено", "разъяснение", "отписка", "переадресовано")


def cmd_import(args, settings: Settings) -> int:
    from classifiers.answer_quality import AnswerModel
    from collectors.appeals import read_appeals
    from pipeline.appeals import import_appeals
    from pipeline.kit import load_kit
    from storage.clickhouse import open_store

    path = Path(args.file)
    if not path.exists():
        raise ValueError(f"файл не найден: {path}")
    store = open_store(settings, args.db)
    items = read_appeals(path, args.format, args.preset, ZoneInfo(settings.timezone))
    s = import_appeals(items, store, load_kit(settings), AnswerModel.load(), settings, args.dataset)
    verdicts = ", ".join(f"{v} {s.verdicts[v]}" for v in VERDICT_ORDER if s.verdicts.get(v)) or "нет"
    print(f"Обращений прочитано: {s.read}; новых: {s.new}; уже были: {s.skipped}; ответов: {s.answers} "
          f"({verdicts}); повторных обращений: {s.repeats}; связей с рисками: {s.risk_links}; "
          f"отклонено записей: {s.dead} (таблица dead_letters)")
    return 0 if s.read or not s.dead else 1


def add_parser(sub) -> None:
    appeals = sub.add_parser("appeals", help="the appeals register: import from CSV / XLSX / the portal's JSON")
    appeals_sub = appeals.add_subparsers(dest="appeals_command", required=True)
    imp = appeals_sub.add_parser("import", help="import appeals with their answers; re-importing adds nothing")
    imp.add_argument("file")
    imp.add_argument("--format", choices=("csv", "xlsx", "portal-jsonl"), default="csv")
    imp.add_argument("--preset", choices=("pos", "edo"), default="pos",
                     help="column names of the export (docs/appeals.md): ПОС «Решаем вместе» or the document system")
    imp.add_argument("--dataset", default="appeals", help="the rows' dataset label")
    imp.add_argument("--db", help="ClickHouse DSN")
    imp.set_defaults(func=cmd_import)
