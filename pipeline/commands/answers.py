"""`dozor answers classify`: the verdict and what is missing for every answer in a CSV (issue 19).

    dozor answers classify --data answers.csv --text-col answer [--appeal-col appeal] [--format jsonl|text]
    -> {"row": 1, "verdict": "отписка", "missing": ["не названо действие", "шаблонная формулировка"],
        "codes": ["no_action", "boilerplate"], "confidence": 0.71}

The model is the shipped artifact (classifiers/data/answers/, trained on our labelled sample; bench/bench_answers.py).
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from core.settings import Settings

BATCH = 500


def read_rows(path: Path, text_col: str, appeal_col: str | None) -> list[tuple[int, str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames or []
        for col in (text_col, appeal_col):
            if col and col not in columns:
                raise ValueError(f"в {path} нет столбца «{col}»; есть: {', '.join(columns)}")
        return [(i, row.get(text_col) or "", (row.get(appeal_col) or "") if appeal_col else "")
                for i, row in enumerate(reader, start=1)]


def cmd_classify(args, settings: Settings) -> int:
    from classifiers.answer_quality import AnswerModel
    model = AnswerModel.load(args.model)
    rows = read_rows(Path(args.data), args.text_col, args.appeal_col)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    try:
        for start in range(0, len(rows), BATCH):
            part = rows[start:start + BATCH]
            checks = model.check_batch([t for _, t, _ in part], [a for _, _, a in part])
            for (i, _, _), check in zip(part, checks, strict=True):
                if args.format == "jsonl":
                    out.write(json.dumps({"row": i, "verdict": check.verdict, "missing": list(check.phrases),
                                          "codes": list(check.missing), "confidence": check.confidence},
                                         ensure_ascii=False) + "\n")
                else:
                    missing = "; ".join(check.phrases) or "всё на месте"
                    out.write(f"{i}: {check.verdict} — не хватает: {missing}\n")
    finally:
        if args.out:
            out.close()
    return 0


def add_parser(sub) -> None:
    answers = sub.add_parser("answers", help="answer quality: verdict and what is missing (Russian)")
    answers_sub = answers.add_subparsers(dest="answers_command", required=True)
    classify = answers_sub.add_parser("classify", help="classify every answer of a CSV")
    classify.add_argument("--data", required=True, help="CSV (UTF-8, header row)")
    classify.add_argument("--text-col", required=True, help="the column with the answer's text")
    classify.add_argument("--appeal-col",
                          help="the column with the citizen's text (for off_topic, wrong_place, partial)")
    classify.add_argument("--format", choices=("jsonl", "text"), default="jsonl")
    classify.add_argument("--out", help="write here instead of stdout")
    classify.add_argument("--model", help="a model folder other than the shipped one")
    classify.set_defaults(func=cmd_classify)
