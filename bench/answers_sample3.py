"""The third labelling batch of official answers (issue 19): the new held-out part, rare verdicts first.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/answers_sample3.py [--data PATH] [--out PATH] [--seed 1903]
                                                                     [--sheet PATH]

Batches 1 and 2 (700 answers, labelled by A and B) hold only 25 `отписка` and 33 `переадресовано` (labeller A):
the held-out macro-F1 hung on 8 and 10 answers. Their labels show where the rare verdicts live, and this batch
draws there, template-disjoint from both earlier batches so that it can serve as an untouched held-out part:

1. Candidates: every answer (final or intermediate) of every report in neither earlier sample, whose template
   cluster (bench/answers_sample.py's clustering and names) is in neither earlier sample; at most one answer per
   report and one per template cluster (a template counts once in the whole labelled set).
2. Outcome stratum (`outcome3`), first match wins: repeat (the citizen wrote again, «Не удовлетворён»),
   returned (the status history goes back to «Рассмотрение» after an answer: the answer was sent back),
   rerouted (`reroutes[]` non-empty), intermediate_only, auto_closed, answered_open, satisfied.
3. Hint (`hint3`, a sampling device, NOT a label; annotators never see it), first match wins:
   `elsewhere` (the first sample's redirection phrases plus: another party's intercom / door system, private
   land or owner decides, the owners' general meeting, «не в ведении», «не на балансе», another region),
   `notfound` (a short answer, < 500 chars, that only says the problem was not found / not confirmed / the
   thing works — where batches 1-2 found most `отписка`), `lawonly` (norms or rules cited, no fix word, no
   case fact such as an inspection date), `formallike` (bench/answers_sample2.py's stock phrases), then the
   first sample's `datelike`, `explainlike`, `fixlike`, `other`.
4. Quotas per hint (`QUOTAS3`, 260 in all): most for `elsewhere`, `notfound`, `lawonly`, `formallike` and
   `explainlike`; some `fixlike` / `datelike` / `other` so the batch is not all rare kinds. Inside a hint, the
   outcome strata are drawn round-robin (rarest first) and inside each (hint, outcome) cell organisations
   round-robin, each organisation's answers shuffled (seeded). A hint that runs dry passes its unfilled quota on.

Writes bench/data/answers_sample3.csv (`id,stratum,cluster,answer_idx`: ids only). With --sheet, also writes the
annotators' sheet (one JSON per line: `id`, `answer_idx`, `appeal`, `answer`; shuffled; no stratum, hint or
outcome) — outside the repo: it holds third-party texts.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from answers_sample import _FIX, DEFAULT_DATA, ROOT, load, style_hint, write_sample
from answers_sample2 import _FORMAL, cluster_names, draw, queues_of

EARLIER = (ROOT / "bench" / "data" / "answers_sample.csv", ROOT / "bench" / "data" / "answers_sample2.csv")
DEFAULT_OUT = ROOT / "bench" / "data" / "answers_sample3.csv"
SEED = 1903
OUTCOMES3 = ("repeat", "returned", "rerouted", "intermediate_only", "answered_open", "auto_closed", "satisfied")
QUOTAS3 = {"elsewhere": 60, "notfound": 45, "lawonly": 35, "formallike": 35, "explainlike": 40, "other": 10,
           "datelike": 10, "fixlike": 25}

_ELSEWHERE3 = re.compile(
    r"переговорно-замочн|\bпзу\b|домофон\w* (?:не обслужива|обслуживает|установлен\w* сторонн)|сторонн\w+ организац|"
    r"частн\w+ (?:территор|собственн|владени)|собственник\w* (?:самостоятельно|принима|решает|обязан)|"
    r"общ\w+ собрани\w+ собственник|не (?:находится|состоит) (?:в|на) (?:хозяйственном )?(?:ведении|балансе)|"
    r"не является (?:объектом|зоной|территори)|ленинградской област|федеральн\w+ собственн|"
    r"направлен\w* (?:по принадлежности|для (?:рассмотрения|принятия мер))|передан\w* в", re.IGNORECASE)
_NOTFOUND = re.compile(
    r"не выявлен|не обнаружен|не подтверд|не установлен[оа]? (?:нарушен|факт)|нарушени\w+ (?:не|нет)|"
    r"отсутству|в (?:технически )?исправном|в удовлетворительном|в надлежащем|в рабочем состоянии|"
    r"работает в (?:штатном|нормальном)|соответству\w+ (?:норм|требован)", re.IGNORECASE)
_LAW = re.compile(r"\bст\.|стать[еиья]|закон|постановлени|распоряжени|регламент|гост|санпин|\bфз\b|кодекс|коап|"
                  r"правил|\bп\.\s*\d|пункт", re.IGNORECASE)
_CASE_FACT = re.compile(r"осмотр|обследован|выход\w* в адрес|выезд|проверк\w+ (?:провед|установ)|\b\d{1,2}\.\d{2}\.\d{2,4}",
                        re.IGNORECASE)


def outcome3(report: dict) -> str | None:
    """Outcome stratum of a report (see the module doc), None when it has no answer."""
    if not report["answers"]:
        return None
    types = {f["type"] for f in report["citizen_followups"]}
    if "repeat_petition" in types:
        return "repeat"
    names = [s["name"] for s in report["statuses"]]
    answered = ("Получен ответ", "Промежуточный ответ")
    if any(n == "Рассмотрение" and any(m in answered for m in names[:i]) for i, n in enumerate(names)):
        return "returned"
    if report["reroutes"]:
        return "rerouted"
    if not any(a["kind"] == "final" for a in report["answers"]):
        return "intermediate_only"
    if report["final_status"] == "Завершено: Автоматически":
        return "auto_closed"
    if "closed_as_satisfied" in types:
        return "satisfied"
    return "answered_open"


def hint3(text: str) -> str:
    h = style_hint(text)
    if h == "elsewhere" or _ELSEWHERE3.search(text):
        return "elsewhere"
    fix = bool(_FIX.search(text))
    if len(text) < 500 and _NOTFOUND.search(text) and not fix:
        return "notfound"
    if _LAW.search(text) and not fix and not _CASE_FACT.search(text):
        return "lawonly"
    if h in ("other", "explainlike", "datelike") and _FORMAL.search(text):
        return "formallike"
    return h


def earlier_samples(paths=EARLIER) -> tuple[set[int], set[str]]:
    ids, clusters = set(), set()
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                ids.add(int(r["id"]))
                if r["cluster"] != "-":
                    clusters.add(r["cluster"])
    return ids, clusters


def build3(reports: list[dict], seed: int = SEED, earlier: tuple[set[int], set[str]] | None = None,
           hint=None, quotas: dict | None = None):
    hint = hint or hint3
    quotas = quotas or QUOTAS3
    old_ids, old_clusters = earlier if earlier is not None else earlier_samples()
    cluster_of = cluster_names(reports)  # same clustering and names as the earlier samples
    cells = defaultdict(list)  # (hint, outcome) -> [(id, idx, org, cluster)]
    for r in reports:
        o = outcome3(r)
        if o is None or r["id"] in old_ids:
            continue
        for i, a in enumerate(r["answers"]):
            cl = cluster_of[(r["id"], i)]
            if cl not in old_clusters and (a["text"] or "").strip():
                cells[(hint(a["text"] or ""), o)].append((r["id"], i, a["org"] or "", cl))
    return draw(queues_of(cells, random.Random(seed)), cells, quotas, OUTCOMES3)


def write_sheet(sample: list[dict], reports: list[dict], path: Path, seed: int) -> None:
    """The annotators' sheet: texts only, shuffled (not grouped by hint or outcome)."""
    by_id = {r["id"]: r for r in reports}
    rows = sorted(sample, key=lambda s: s["id"])
    random.Random(seed + 1).shuffle(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for s in rows:
            r = by_id[s["id"]]
            f.write(json.dumps({"id": s["id"], "answer_idx": s["answer_idx"], "appeal": r["text"] or "",
                                "answer": r["answers"][s["answer_idx"]]["text"] or ""}, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--sheet", type=Path, default=None, help="also write the annotators' sheet (outside the repo)")
    args = ap.parse_args(argv)

    reports = load(args.data)
    sample, table = build3(reports, args.seed)
    write_sample(args.out, sample)
    print(f"{'hint':12s} {'outcome':18s} {'available':>9s} {'sampled':>8s}")
    for h, o, n, k in table:
        print(f"{h:12s} {o:18s} {n:9d} {k:8d}")
    by_id = {r["id"]: r for r in reports}
    print("by hint:", dict(Counter(s["stratum"].split(":")[1] for s in sample)))
    print("by outcome:", dict(Counter(s["stratum"].split(":")[0] for s in sample)))
    print("organisations:", len({by_id[s["id"]]["answers"][s["answer_idx"]]["org"] for s in sample}),
          "| templates:", sum(1 for s in sample if s["cluster"] != "-"), "| like no other:",
          sum(1 for s in sample if s["cluster"] == "-"))
    if args.sheet:
        write_sheet(sample, reports, args.sheet, args.seed)
        print(f"annotators' sheet -> {args.sheet}")


if __name__ == "__main__":
    sys.exit(main())
