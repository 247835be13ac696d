"""`dozor replay`, `dozor alerts`, `dozor sql`: files through the embedded pipeline, and reading back.

    dozor replay FILE...            replay JSONL / Telegram exports / CSV in event time
    dozor alerts --format jsonl     export alerts, one story per line
    dozor sql "SELECT ..."          query the database (analysts; the embedded one is single-process)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from alerting.export import alert_json
from alerting.render import card_text
from collectors.files import FileOptions, read_files
from core.settings import Settings
from core.taxonomy import load_topics
from pipeline.stages import Stages
from storage.clickhouse import open_store
from storage.rows import alert_from_row


def _progress(total: int):
    if not sys.stderr.isatty():
        return None, (lambda n: None)
    from tqdm import tqdm
    bar = tqdm(total=total, unit=" сообщ.", desc="Обработка", file=sys.stderr, smoothing=0.1)
    return bar, bar.update


def replay_items(settings: Settings, items, store, dataset: str, print_new: bool, kit=None):
    """Shared by `replay` and `demo`: run the embedded pipeline over items; returns (summary, topics).

    The risk workflow runs alongside (risk_events, risk_answers); with a bot token and an alert chat set,
    cards and lifecycle notices also go to the chat (alerting/chat.py)."""
    from pipeline.embedded import run_embedded

    stages = Stages.build(settings, store, dataset, kit=kit)
    items = list(items)
    tz = ZoneInfo(settings.timezone)

    def on_alert(alert, is_new):
        if is_new and print_new:
            print(card_text(alert, stages.topics, tz), end="\n\n", flush=True)

    bar, progress = _progress(sum(1 for i in items if not hasattr(i, "reason")))
    summary = run_embedded(items, stages, store, dataset, on_alert, progress)
    stages.close()
    if bar is not None:
        bar.close()
    return summary, stages.topics


def cmd_replay(args, settings: Settings) -> int:
    from pipeline.summary import summary_text

    opts = FileOptions(text_col=args.text_col, time_col=args.time_col, id_col=args.id_col,
                       timezone=ZoneInfo(args.tz or settings.timezone), max_chars=settings.max_text_chars)
    store = open_store(settings, args.db)
    summary, topics = replay_items(settings, read_files(args.files, opts), store, args.dataset,
                                   print_new=not args.quiet)
    print(summary_text(summary, store, topics, ZoneInfo(settings.timezone)))
    store.close()
    return 0 if summary.read else 1


def cmd_alerts(args, settings: Settings) -> int:
    store = open_store(settings, args.db)
    tz = ZoneInfo(settings.timezone)
    rows = store.alerts(args.dataset)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    if args.format == "jsonl":
        for row in rows:
            out.write(alert_json(row, tz) + "\n")
    else:
        topics = load_topics(settings.topics_file)
        for row in rows:
            out.write(card_text(alert_from_row(row), topics, tz) + "\n\n")
    if args.out:
        out.close()
    return 0


def cmd_sql(args, settings: Settings) -> int:
    """Run one query against the configured database (the embedded one allows one process at a time)."""
    store = open_store(settings, args.db)
    query = sys.stdin.read() if args.query == "-" else args.query
    columns, rows = store.query_table(query)
    if args.format == "jsonl":
        for row in rows:
            print(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str))
    else:
        print("\t".join(columns))
        for row in rows:
            print("\t".join(str(v) for v in row))
    return 0


def add_parser(sub) -> None:
    replay = sub.add_parser("replay", help="replay JSONL, Telegram Desktop exports (.json) or CSV in event time")
    replay.add_argument("files", nargs="+", type=Path)
    replay.add_argument("--db", help="ClickHouse DSN")
    replay.add_argument("--dataset", default="replay", help="label stored with every row (default: replay)")
    replay.add_argument("--text-col", default="text", help="CSV: the text column")
    replay.add_argument("--time-col", default="published_at", help="CSV: the time column")
    replay.add_argument("--id-col", default=None, help="CSV: an id column (default: the row number)")
    replay.add_argument("--tz", default=None, help="time zone for naive times (default: settings.timezone)")
    replay.add_argument("-q", "--quiet", action="store_true", help="do not print alert cards as they are raised")
    replay.set_defaults(func=cmd_replay)

    alerts = sub.add_parser("alerts", help="export alerts")
    alerts.add_argument("--format", choices=("jsonl", "text"), default="text")
    alerts.add_argument("--db", help="ClickHouse DSN")
    alerts.add_argument("--dataset", default=None, help="only alerts of this dataset label")
    alerts.add_argument("--out", help="write to a file instead of stdout")
    alerts.set_defaults(func=cmd_alerts)

    sql = sub.add_parser("sql", help="run a ClickHouse query against the configured database")
    sql.add_argument("query", help="SQL text, or - to read it from stdin")
    sql.add_argument("--db", help="ClickHouse DSN")
    sql.add_argument("--format", choices=("tsv", "jsonl"), default="tsv")
    sql.set_defaults(func=cmd_sql)
