"""Answer quality (issue 19): the verdict model on the two labellings of the 420-answer sample, the «what is
missing» rules per code, and what the verdicts mean for the portal's real outcomes.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_answers.py [--ship]

Reads ../shared/datasets/spb-answers/answers.jsonl (texts stay there) and bench/data/answers_*.csv (ids and our
labels); writes bench/results/answers.json; with --ship also writes the shipped artifact classifiers/data/answers/
(trained on every row both labellers agree on: numbers per hash bucket and per cue, no text).

- Disagreements (8 of 420 verdicts): left out of training; scored against labeller A (the gold), and B reported.
- Held out: 30 % of the sample chosen by a hash of the report id (stratification-free, deterministic). Every
  sampled answer comes from its own template cluster (README_answers.md), so no template is in both parts.
  Also 5-fold cross-validation over the whole sample (each answer predicted by a model that never saw it).
- Outcomes: every report's answer (bench/answers_sample.pick_answer: the rejected one, else the last final one)
  classified by the shipped recipe trained on the whole sample; per verdict, the share of reports closed by the
  citizen as satisfied, followed by a repeat petition («Не удовлетворён»), closed automatically.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from answers_sample import DEFAULT_DATA, load, pick_answer  # noqa: E402

from classifiers.answer_cues import cues  # noqa: E402
from classifiers.answer_missing import CODES, missing_codes  # noqa: E402
from classifiers.answer_quality import VERDICTS, AnswerModel  # noqa: E402

DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "results" / "answers.json"
SHIP = ROOT / "classifiers" / "data" / "answers"
TARGET = 0.80


def held_out(report_id: str) -> bool:
    return int(hashlib.sha1(report_id.encode()).hexdigest(), 16) % 10 < 3


def labelled(reports: dict[int, dict]) -> list[dict]:
    a = {(r["id"], r["answer_idx"]): r for r in csv.DictReader(open(DATA / "answers_labels_a.csv", encoding="utf-8"))}
    b = {(r["id"], r["answer_idx"]): r for r in csv.DictReader(open(DATA / "answers_labels_b.csv", encoding="utf-8"))}
    out = []
    for key in sorted(a):
        report = reports[int(key[0])]
        answer = report["answers"][int(key[1])]
        out.append({"id": key[0], "text": answer["text"], "kind": answer["kind"], "appeal": report["text"],
                    "a": a[key]["verdict"], "b": b[key]["verdict"],
                    "a_missing": {c for c in a[key]["missing"].split(";") if c},
                    "b_missing": {c for c in b[key]["missing"].split(";") if c}})
    return out


def scores(gold: list[str], pred: list[str]) -> dict:
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=list(VERDICTS), zero_division=0)
    return {"macro_f1": round(float(f1_score(gold, pred, labels=list(VERDICTS), average="macro", zero_division=0)), 4),
            "accuracy": round(float(np.mean(np.array(gold) == np.array(pred))), 4),
            "per_class": {v: {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3),
                              "f1": round(float(f[i]), 3), "n": int(n[i])} for i, v in enumerate(VERDICTS)},
            "confusion": {"labels": list(VERDICTS),
                          "matrix": confusion_matrix(gold, pred, labels=list(VERDICTS)).tolist()}}


def fit(rows: list[dict]) -> AnswerModel:
    train = [r for r in rows if r["a"] == r["b"]]
    return AnswerModel(version="answers-sample420").fit([r["text"] for r in train], [r["a"] for r in train],
                                                         [r["kind"] for r in train])


def missing_scores(rows: list[dict], verdicts: list[str]) -> dict:
    """Per code: precision / recall / F1 of the rules against labeller A (B's agreement with A beside it)."""
    out = {}
    found = [set(missing_codes(cues(r["text"], r["kind"]), v, r["text"], r["appeal"])) for r, v in zip(rows, verdicts, strict=False)]
    for code in CODES:
        gold = [code in r["a_missing"] for r in rows]
        pred = [code in f for f in found]
        other = [code in r["b_missing"] for r in rows]
        tp = sum(g and p for g, p in zip(gold, pred, strict=False))
        prec = tp / max(1, sum(pred))
        rec = tp / max(1, sum(gold))
        agree = sum(g and o for g, o in zip(gold, other, strict=False))
        out[code] = {"n": sum(gold), "precision": round(prec, 3), "recall": round(rec, 3),
                     "f1": round(2 * prec * rec / max(1e-9, prec + rec), 3),
                     "labeller_b_f1": round(2 * agree / max(1, sum(gold) + sum(other)), 3)}
    return out


def outcomes(model: AnswerModel, reports: dict[int, dict]) -> dict:
    picked = [(r, r["answers"][i]) for r in reports.values() if (i := pick_answer(r)) is not None
              and r["answers"][i]["kind"] == "final"]
    verdicts = model.predict([a["text"] for _, a in picked], [a["kind"] for _, a in picked])
    table: dict[str, Counter] = {v: Counter() for v in VERDICTS}
    for (report, _), v in zip(picked, verdicts, strict=False):
        types = {f["type"] for f in report["citizen_followups"]}
        status = report["final_status"] or ""
        table[v]["reports"] += 1
        table[v]["satisfied"] += "closed_as_satisfied" in types
        table[v]["repeat"] += any(t.startswith("repeat_petition") for t in types)
        table[v]["auto_closed"] += status == "Завершено: Автоматически"
    return {v: {"reports": c["reports"], **{k: round(c[k] / c["reports"], 3) if c["reports"] else None
                                           for k in ("satisfied", "repeat", "auto_closed")}}
            for v, c in table.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--ship", action="store_true", help="write the artifact to classifiers/data/answers/")
    args = ap.parse_args(argv)
    started = time.monotonic()
    reports = {r["id"]: r for r in load(args.data)}
    rows = labelled(reports)
    train = [r for r in rows if not held_out(r["id"])]
    test = [r for r in rows if held_out(r["id"])]
    model = fit(train)
    pred = model.predict([r["text"] for r in test], [r["kind"] for r in test])
    cv_pred = np.empty(len(rows), dtype=object)
    gold_all = np.array([r["a"] for r in rows])
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=19).split(np.zeros(len(rows)), gold_all):
        fold = fit([rows[i] for i in tr])
        cv_pred[te] = fold.predict([rows[i]["text"] for i in te], [rows[i]["kind"] for i in te])
    full = fit(rows)
    result = {
        "target_macro_f1": TARGET,
        "labels": {"rows": len(rows), "disagreements": sum(r["a"] != r["b"] for r in rows),
                   "rule": "training on rows where labellers A and B agree; A is the gold for scoring",
                   "verdicts_a": dict(Counter(r["a"] for r in rows))},
        "held_out": {"rows": len(test), "train_rows": sum(r["a"] == r["b"] for r in train),
                     "vs_a": scores([r["a"] for r in test], pred), "vs_b": scores([r["b"] for r in test], pred)},
        "cross_validation_5fold": scores(list(gold_all), list(cv_pred)),
        "missing_rules_cv_verdicts": missing_scores(rows, list(cv_pred)),
        "missing_rules_gold_verdicts": missing_scores(rows, [r["a"] for r in rows]),
        "outcomes_by_verdict": outcomes(full, reports),
        "seconds": round(time.monotonic() - started, 1),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("labels", "outcomes_by_verdict")}, ensure_ascii=False, indent=1))
    print("held-out macro-F1 vs A:", result["held_out"]["vs_a"]["macro_f1"],
          "| 5-fold CV:", result["cross_validation_5fold"]["macro_f1"])
    if args.ship:
        card = {"trained_on": "bench/data/answers_sample.csv, rows where labellers A and B agree",
                "rows": sum(r["a"] == r["b"] for r in rows), "held_out_macro_f1": result["held_out"]["vs_a"]["macro_f1"],
                "cv_macro_f1": result["cross_validation_5fold"]["macro_f1"]}
        full.save(SHIP, card)
        print(f"artifact written: {SHIP}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
