"""`dozor classifiers ...`: train, evaluate, list, promote, rollback, labels import/export, sample, drift.

The registry and training load numpy and scipy (~1 s): the commands that need them import them, so `dozor --help`
and the other commands start without.
"""
from __future__ import annotations

import csv
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from classifiers import LABELLED_TASKS, TASKS, labels_of
from classifiers.dataset import DataSource, read_csv_examples, unreadable_csv
from classifiers.evaluate import evaluate, format_report
from core.errors import UsageError
from core.settings import Settings
from core.taxonomy import load_topics
from pipeline.drift import drift_report
from storage.clickhouse import open_store
from storage.queries import least_confident, topic_mix

LABEL_COLUMNS = ("uid", "task", "label", "text", "who", "labelled_at", "source")


def _pick(values: list | None, i: int, default=None):
    """The i-th of a repeated option, the last one when fewer were given; '-' means none."""
    if not values:
        return default
    value = values[min(i, len(values) - 1)]
    return None if value == "-" else value


def _sources(args) -> list[DataSource]:
    return [DataSource(Path(path), _pick(args.text_col, i, "text"), _pick(args.label_col, i, "label"),
                       _pick(args.time_col, i), _pick(args.group_col, i)) for i, path in enumerate(args.data or [])]


def cmd_train(args, settings: Settings) -> int:
    from pipeline.training import train
    staff = open_store(settings, args.db).labels(labels_of(args.task)) if not args.no_staff else []
    result = train(args.task, tuple(load_topics(settings.topics_file)), settings.model_root, _sources(args), staff,
                   use_seed=not args.no_seed, promote=args.promote, force=args.force, min_chars=args.min_chars,
                   encoder_weight=args.encoder)
    for d in result.card["data"]:
        print(f"data: {d['source']}: {d['rows']} rows" + (f", skipped {d['skipped']}" if d.get("skipped") else ""))
    print(f"model {result.model.version}: trained on {result.card['train_rows']} rows, "
          f"held out {result.card['holdout']['rows']} (latest 15 %)")
    print(format_report(result.report))
    if result.current_report is not None:
        print(f"current model on the same holdout: macro-F1 {result.current_report['macro_f1']:.4f}")
    for message in result.messages:
        print(message)
    print("promoted" if result.promoted else "not promoted (dozor classifiers promote VERSION)")
    return 0 if result.promoted or not args.promote else 1


def cmd_evaluate(args, settings: Settings) -> int:
    from classifiers import registry
    from pipeline.training import ensure_model, to_docs
    examples, skipped = read_csv_examples(DataSource(Path(args.data), args.text_col, args.label_col), None)
    version = args.model or ensure_model(settings.model_root, tuple(load_topics(settings.topics_file)), args.task)
    model = registry.load(settings.model_root, args.task, version)
    report = evaluate([e.label for e in examples], model.predict(to_docs([e.text for e in examples])), model.classes)
    report.update(model=model.version, task=args.task, skipped=skipped)
    print(json.dumps(report, ensure_ascii=False) if args.format == "json" else format_report(report))
    return 0


def cmd_list(args, settings: Settings) -> int:
    from classifiers import registry
    print(f"{'':2}{'version':<36}{'created (UTC)':<27}{'holdout F1':>11}{'rows':>8}{'staff':>7}")
    for task in [args.task] if args.task else TASKS:
        for v in registry.versions(settings.model_root, task):
            card = v["card"]
            print(f"{'*' if v['current'] else ' ':2}{v['version']:<36}{v['created_at']:<27}"
                  f"{card.get('holdout', {}).get('macro_f1') or float('nan'):>11.4f}{card.get('train_rows', 0):>8}"
                  f"{card.get('staff_labels_used', 0):>7}")
    if args.task in (None, "sentiment", "complaint"):
        from pipeline.training import upgrade_warning
        warning = upgrade_warning(settings.model_root)
        if warning:
            print(f"\nВнимание: {warning}")
    return 0


def cmd_promote(args, settings: Settings) -> int:
    from classifiers import registry
    task = args.version.split("-", 1)[0]
    if task not in TASKS:
        print(f"Ошибка: не понимаю, к какой задаче относится версия {args.version}", file=sys.stderr)
        return 2
    registry.promote(settings.model_root, task, args.version)
    print(f"{task}: now {args.version}")
    return 0


def cmd_rollback(args, settings: Settings) -> int:
    from classifiers import registry
    print(f"{args.task}: back to {registry.rollback(settings.model_root, args.task)}")
    return 0


def cmd_labels(args, settings: Settings) -> int:
    if args.action == "export":
        rows = open_store(settings, args.db).labels(args.task)
        with open(args.file, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, LABEL_COLUMNS)
            writer.writeheader()
            writer.writerows({**r, "labelled_at": r["labelled_at"].isoformat()} for r in rows)
        print(f"exported {len(rows)} labels to {args.file}")
        return 0
    now = datetime.now(timezone.utc)
    try:
        labels, bad = _read_labels(args, now)
    except (UnicodeDecodeError, csv.Error) as e:
        raise unreadable_csv(Path(args.file), e) from None
    open_store(settings, args.db).write_labels(labels)
    print(f"imported {len(labels)} labels" + (f"; skipped {bad} rows without task, label, uid or text" if bad else ""))
    return 0


def _read_labels(args, now: datetime) -> tuple[list[dict], int]:
    """(labels, rows skipped) from the labels CSV; a file lacking the columns a label needs is an error, not
    "imported 0"."""
    labels, bad = [], 0
    with open(args.file, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        have = reader.fieldnames or []
        needed = (("«label»", "label" in have), ("«uid» или «text»", bool({"uid", "text"} & set(have))),
                  ("«task» (или --task)", bool(args.task) or "task" in have))
        missing = [name for name, ok in needed if not ok]
        if missing:
            raise UsageError(f"{Path(args.file).name}: нет колонок {', '.join(missing)} "
                             f"(есть: {', '.join(have) or 'никаких'}); "
                             "нужен CSV с разделителем «,», как из dozor classifiers labels export")
        for i, row in enumerate(reader):
            task, label = (row.get("task") or args.task or "").strip(), (row.get("label") or "").strip()
            if task not in LABELLED_TASKS or not label or not (row.get("uid") or row.get("text")):
                bad += 1
                continue
            at = row.get("labelled_at")
            labels.append({"uid": row.get("uid") or f"import:{Path(args.file).name}:{i}", "task": task,
                           "label": label, "text": row.get("text") or "", "who": row.get("who") or args.who,
                           "labelled_at": _labelled_at(at, f"{Path(args.file).name}, строка {i + 2}") if at else now,
                           "source": row.get("source") or "import"})
    return labels, bad


def _labelled_at(value: str, where: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{where}: labelled_at «{value[:40]}» — не дата ISO 8601 (2026-03-30T18:00+03:00)") from None


def cmd_sample(args, settings: Settings) -> int:
    """The N recent posts the topic model is least sure about, as a CSV staff fill in and import back."""
    store = open_store(settings, args.db)
    rows = least_confident(store, args.days, args.uncertain)
    out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout
    writer = csv.DictWriter(out, ("uid", "task", "label", "text", "predicted", "confidence", "sentiment"))
    writer.writeheader()
    for r in rows:
        writer.writerow({"uid": r["uid"], "task": "topics", "label": "", "text": r["text"], "predicted": r["topic"],
                         "confidence": round(float(r["topic_score"]), 3), "sentiment": r["sentiment"]})
    if args.out:
        out.close()
        print(f"{len(rows)} posts to label in {args.out}: fill the label column, then "
              f"dozor classifiers labels import {args.out}")
    return 0


def cmd_drift(args, settings: Settings) -> int:
    from classifiers import registry
    store = open_store(settings, args.db)
    mix, confidence = topic_mix(store, args.days)
    current = registry.current_version(settings.model_root, "topics")
    card = registry.read_manifest(settings.model_root / "topics" / current)["card"] if current else {}
    report = drift_report(mix, None if confidence is None else round(confidence, 4), card, args.days)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.format == "json" else report["verdict"])
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("classifiers", help="train, evaluate and manage the models; staff labels")
    cs = p.add_subparsers(dest="classifiers_command", required=True)

    t = cs.add_parser("train", help="train a model: seed + CSVs + staff labels; the latest 15 %% held out")
    t.add_argument("--task", choices=TASKS, required=True,
                   help="complaint: detection's mood head, trained on sentiment labels (docs/classifiers.md)")
    t.add_argument("--data", action="append", help="labelled CSV (repeatable; pairs with the column options)")
    t.add_argument("--text-col", action="append")
    t.add_argument("--label-col", action="append")
    t.add_argument("--time-col", action="append", help="time column for the holdout ('-' for none)")
    t.add_argument("--group-col", action="append", help="group column for the holdout ('-' for none)")
    t.add_argument("--min-chars", type=int, default=1, help="skip texts shorter than this")
    t.add_argument("--no-seed", action="store_true")
    t.add_argument("--encoder", type=float, metavar="WEIGHT",
                   help="add the sentence encoder (USE multilingual v3) as a block of this weight; 0 = without it "
                        "(default: as the task's recipe says). Slow: ~50-150 posts/s per core, at training and at "
                        "run time")
    t.add_argument("--no-staff", action="store_true", help="do not read staff labels from ClickHouse")
    t.add_argument("--promote", action="store_true", help="make it current unless it is worse than the current one")
    t.add_argument("--force", action="store_true", help="with --promote: promote even a worse model")
    t.add_argument("--db")
    t.set_defaults(func=cmd_train)

    e = cs.add_parser("evaluate", help="per-class precision/recall/F1, macro-F1, accuracy, confusion matrix")
    e.add_argument("--task", choices=TASKS, required=True)
    e.add_argument("--data", required=True)
    e.add_argument("--text-col", default="text")
    e.add_argument("--label-col", default="label")
    e.add_argument("--model", help="a version (default: the current one; on a fresh install the seed model, "
                                    "trained on first use as `dozor demo` does)")
    e.add_argument("--format", choices=("text", "json"), default="text")
    e.set_defaults(func=cmd_evaluate)

    ls = cs.add_parser("list", help="model versions (* = current)")
    ls.add_argument("--task", choices=TASKS)
    ls.set_defaults(func=cmd_list)
    pr = cs.add_parser("promote", help="make a version current")
    pr.add_argument("version")
    pr.set_defaults(func=cmd_promote)
    rb = cs.add_parser("rollback", help="go back to the previously current version of a task")
    rb.add_argument("task", choices=TASKS)
    rb.set_defaults(func=cmd_rollback)

    lb = cs.add_parser("labels", help="staff labels: import or export a CSV (uid, task, label, text, who, ...)")
    lb.add_argument("action", choices=("import", "export"))
    lb.add_argument("file")
    lb.add_argument("--task", choices=LABELLED_TASKS,
                    help="import: the task when the file has no task column; export: filter")
    lb.add_argument("--who", default="import", help="import: who labelled, when the file does not say")
    lb.add_argument("--db")
    lb.set_defaults(func=cmd_labels)

    sm = cs.add_parser("sample", help="export the recent posts the topic model is least sure about, for labelling")
    sm.add_argument("--uncertain", type=int, required=True, metavar="N")
    sm.add_argument("--days", type=int, default=7)
    sm.add_argument("--out")
    sm.add_argument("--db")
    sm.set_defaults(func=cmd_sample)

    dr = cs.add_parser("drift", help="is retraining due? the last days' topic mix and confidence vs training data")
    dr.add_argument("--days", type=int, default=7)
    dr.add_argument("--format", choices=("text", "json"), default="text")
    dr.add_argument("--db")
    dr.set_defaults(func=cmd_drift)
