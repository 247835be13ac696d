"""The fourth labelling batch of official answers (issue 19, round 2): the fresh held-out part, redirections first.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/answers_sample4.py [--data PATH] [--out PATH] [--seed 1904]
                                                                     [--sheet PATH]

Batches 1-3 (960 answers) hold only ~37 distinct `переадресовано`: batch 3's `elsewhere` hint mostly caught
administrations that wrote to an owner with a deadline (guideline §3.8: `решено`), so its held-out macro-F1 hung
on 4 redirections. This batch draws on what §1.1 and §3.7-3.8 of docs/answers/guidelines.md define as a
redirection, the same way as bench/answers_sample3.py otherwise:

1. Candidates: every answer of every report in no earlier sample (1, 2, 3), whose template cluster (the first
   sample's clustering and names, recomputed over the whole file) is in no earlier sample; at most one answer per
   report and one per template cluster (a template counts once in the whole labelled set).
2. Outcome stratum: bench/answers_sample3.py's `outcome3` (repeat, returned, rerouted, intermediate_only,
   answered_open, auto_closed, satisfied).
3. Hint (`hint4`, a sampling device, NOT a label; annotators never see it), first match wins:
   `redirect` — another body is named as responsible or the text hands the matter on: «не входит в
   компетенцию / полномочия», «направлено / перенаправлено / передано … по принадлежности / компетенции / для
   рассмотрения», «рекомендуем / вам необходимо / следует обратиться в», «находится в ведении», «не обслуживает»,
   «не на балансе», «обратитесь», «по вопросу … обращаться» — and no dated fix (`_DATED`) and no fix word;
   `redirect_dated` — the same phrases with a date or fix word (the §3.8 boundary, a few on purpose);
   `handover` — a wider net: another party is named (a balance holder, an owner, ТСЖ / ЖСК, a utility such as
   Водоканал / ТЭК / Ленэнерго / Ленсвет, an inspectorate, the police, the prosecutor, «обслуживающая /
   подрядная организация», «ответственный за») or a letter / request / message was sent somewhere;
   then bench/answers_sample3.py's `hint3` (`elsewhere`, `notfound`, `lawonly`, `formallike`, `datelike`,
   `explainlike`, `fixlike`, `other`).
4. Quotas per hint (`QUOTAS4`, 220 in all), drawn in the dict's order: the rare hints first (`redirect` 60 and
   the kinds where batches 1-3 found `отписка`: `notfound`, `lawonly`, `explainlike`); a hint that runs dry passes
   its unfilled quota to the next, so `handover` and `formallike` take every distinct candidate, `datelike`
   (intermediate answers with a date: «запрос направлен, ответ до …») takes the remainder and `fixlike` 40.
   What the file held (printed by the script): after batches 1-3 no answer with a `redirect`, `elsewhere`,
   `notfound`, `lawonly` or `explainlike` hint is left outside an already-labelled template — the rare kinds
   of the portal are spent; `handover` (97 distinct) is where the remaining redirections can be. Inside a hint, outcome strata
   round-robin (rarest first), organisations round-robin inside each cell (seeded); a dry hint passes its
   unfilled quota on.

Writes bench/data/answers_sample4.csv (`id,stratum,cluster,answer_idx`: ids only). With --sheet, the labellers'
sheet (`id`, `answer_idx`, `appeal`, `answer`; shuffled; no stratum or hint) — outside the repo.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from answers_sample import _DATED, _FIX, DEFAULT_DATA, ROOT, load, write_sample
from answers_sample3 import build3, earlier_samples, hint3, write_sheet

EARLIER4 = tuple(ROOT / "bench" / "data" / f"answers_sample{k}.csv" for k in ("", "2", "3"))
DEFAULT_OUT = ROOT / "bench" / "data" / "answers_sample4.csv"
SEED = 1904
QUOTAS4 = {"redirect": 60, "redirect_dated": 10, "elsewhere": 10, "notfound": 25, "lawonly": 10, "explainlike": 10,
           "other": 5, "handover": 40, "formallike": 10, "datelike": 0, "fixlike": 40}

_REDIRECT4 = re.compile(
    r"не входит в (?:компетенц|полномочи|зону ответственн)|не относится к (?:компетенц|полномоч|ведению)|"
    r"(?:направлен|перенаправлен|переадресован|передан|переслан)\w*[^.]{0,120}"
    r"(?:по принадлежности|по компетенции|по подведомственности|для (?:рассмотрения|принятия мер|сведения))|"
    r"(?:рекомендуем|рекомендовано|необходимо|следует|можете|вправе|предлагаем)\w* обратиться|\bобратитесь\b|"
    r"находится в (?:ведении|компетенции)|в ведении|не обслуживает|не находится на (?:балансе|обслуживании)|"
    r"не (?:является|состоит) (?:на балансе|балансодерж|собственник|обслуживающ)|по вопросу[^.]{0,80}обращаться",
    re.IGNORECASE)
_HANDOVER4 = re.compile(
    r"направлен\w*(?: \S+){0,8} (?:в адрес|письм|запрос|обращени|сообщени|информаци)|"
    r"(?:сообщени|обращени|информаци)\w* (?:\S+ ){0,3}(?:направлен|передан|переадрес)|балансодерж|собственник|"
    r"\bтсж\b|\bжск\b|водоканал|\bтэк\b|ленэнерго|ленсвет|россети|горэлектротранс|пассажиравтотранс|\bгати\b|"
    r"\bоати\b|\bгжи\b|жилищн\w+ инспекц|роспотребнадзор|полици|умвд|прокуратур|ответственн\w+ (?:за|является)|"
    r"зон\w+ ответственност|обслуживающ\w+ организац|подрядн\w+ организац|для решения вопроса", re.IGNORECASE)


def hint4(text: str) -> str:
    if _REDIRECT4.search(text):
        return "redirect_dated" if _DATED.search(text) or _FIX.search(text) else "redirect"
    if _HANDOVER4.search(text):
        return "handover"
    return hint3(text)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--sheet", type=Path, default=None, help="also write the labellers' sheet (outside the repo)")
    args = ap.parse_args(argv)

    reports = load(args.data)
    sample, table = build3(reports, args.seed, earlier_samples(EARLIER4), hint=hint4, quotas=QUOTAS4)
    write_sample(args.out, sample)
    print(f"{'hint':14s} {'outcome':18s} {'available':>9s} {'sampled':>8s}")
    for h, o, n, k in table:
        print(f"{h:14s} {o:18s} {n:9d} {k:8d}")
    print("by hint:", dict(Counter(s["stratum"].split(":")[1] for s in sample)))
    print("by outcome:", dict(Counter(s["stratum"].split(":")[0] for s in sample)))
    print("templates:", sum(1 for s in sample if s["cluster"] != "-"), "| like no other:",
          sum(1 for s in sample if s["cluster"] == "-"))
    if args.sheet:
        write_sheet(sample, reports, args.sheet, args.seed)
        print(f"labellers' sheet -> {args.sheet}")


if __name__ == "__main__":
    sys.exit(main())
