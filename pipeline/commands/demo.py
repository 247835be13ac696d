"""`dozor demo`: the bundled demo week (written by us) replayed into the configured database, and a month of appeals
with their answers (pipeline/data/demo/appeals.csv, also ours) imported into the appeals register.

It writes with dataset label "demo" and refuses a database that already holds other data.
"""
from __future__ import annotations

import sys
import time
from importlib import resources
from zoneinfo import ZoneInfo

from alerting.render import card_text
from alerting.risk_text import history_text
from collectors.files import FileOptions, read_files
from core.settings import Settings
from pipeline.commands.replay import replay_items
from storage.clickhouse import open_store, safe_dsn
from storage.queries import posts_outside

DATASET = "demo"


def demo_path():
    return resources.files("pipeline").joinpath("data/demo/posts.jsonl")


def demo_appeals_path():
    """A month of appeals to the district's organisations with their answers (ПОС-style CSV, written by us)."""
    return resources.files("pipeline").joinpath("data/demo/appeals.csv")


def import_demo_appeals(settings: Settings, store, kit) -> str:
    from classifiers.answer_quality import AnswerModel
    from collectors.appeals import read_appeals
    from pipeline.appeals import import_appeals

    items = read_appeals(demo_appeals_path(), "csv", "pos", ZoneInfo(settings.timezone))
    s = import_appeals(items, store, kit, AnswerModel.load(), settings, DATASET)
    verdicts = ", ".join(f"{v} {n}" for v, n in sorted(s.verdicts.items(), key=lambda x: -x[1]))
    return (f"Обращения за месяц ({demo_appeals_path().name}): новых {s.new}, ответов {s.answers} ({verdicts}), "
            f"повторных {s.repeats}, связей с рисками {s.risk_links}.")


def run_demo(settings: Settings, dsn: str | None) -> int:
    from pipeline.summary import summary_text

    started = time.monotonic()
    store = open_store(settings, dsn)
    foreign = posts_outside(store, DATASET)
    if foreign:
        print(f"Отказ: база {safe_dsn(store.dsn)} уже содержит {foreign} сообщений не из демо. Демо не будет "
              "смешано с рабочими данными: укажите другой каталог (DOZOR_DATA_DIR=./demo-data dozor demo) "
              "или другую базу (--db).", file=sys.stderr)
        return 3
    print(f"Дозор, демо: неделя из жизни Демянского округа ({demo_path().name}) → {safe_dsn(store.dsn)}")
    from pipeline.kit import load_kit

    opts = FileOptions(timezone=ZoneInfo(settings.timezone), max_chars=settings.max_text_chars)
    kit = load_kit(settings)
    summary, topics = replay_items(settings, read_files([demo_path()], opts), store, DATASET, print_new=False,
                                   kit=kit)
    appeals = import_demo_appeals(settings, store, kit)
    tz = ZoneInfo(settings.timezone)
    print()
    for alert in sorted(summary.alerts.values(), key=lambda a: (a.created_at, a.alert_id)):
        print(card_text(alert, topics, tz), end="\n\n")
    if summary.risks:
        print("── Работа с рисками (в событийном времени: ответы, реакция, вердикты) ──")
        for risk in sorted(summary.risks.values(), key=lambda r: r.history[0].at):
            print(history_text(risk, tz), end="\n\n")
    print(summary_text(summary, store, topics, tz))
    print(appeals)
    print(f"Готово за {time.monotonic() - started:.1f} с. Оповещения: dozor alerts (--format jsonl).")
    return 0


def cmd_demo(args, settings: Settings) -> int:
    return run_demo(settings, args.db)


def add_parser(sub) -> None:
    demo = sub.add_parser("demo", help="replay the bundled demo week and print alerts and a summary")
    demo.add_argument("--db", help="ClickHouse DSN (default: chdb://<DOZOR_DATA_DIR>/clickhouse)")
    demo.set_defaults(func=cmd_demo)
