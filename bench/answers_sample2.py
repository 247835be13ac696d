"""The second labelling batch of official answers (issue 19): rare verdicts first, disjoint from the first 420.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/answers_sample2.py [--data PATH] [--out PATH] [--seed 1902]
                                                                     [--batch-dir DIR]

The first sample (bench/data/answers_sample.csv, labelled by A and B) came out 68 % `решено`: 11 `отписка` and
24 `переадресовано` are too few to train or score on. Its labels show where the rare verdicts live: almost
never among answers whose wording reports a fix (`fixlike`: 199 of 210 `решено`), mostly among explanations,
redirections and answers with no fix word. So this batch draws by the same outcome strata and template
clusters (bench/answers_sample.py), with different weights:

1. Candidates: every answer (final or intermediate, not only `pick_answer`'s) of every report that is not in
   the first sample, whose template cluster is not in the first sample either (a template counts once across
   both batches); at most one answer per report is drawn.
2. Hint (`hint2`): the first sample's `style_hint` plus `formallike` (checked after `elsewhere`): answers with
   the portal's stock phrases («рассмотрено», «на контроле», «в плановом порядке», «меры будут приняты»,
   «о результатах сообщим») or a short answer (< 160 chars) with no fix word. A sampling device, not a label.
3. Quotas per hint (`QUOTAS2`): most for `explainlike`, `elsewhere`, `formallike` and `other`, few for
   `datelike` and `fixlike` (kept so the batch is not all rare kinds). Inside a hint, outcome strata are drawn
   round-robin (rarest outcome first) and inside each (hint, outcome) cell organisations round-robin, each
   organisation's answers shuffled (seeded). At most one answer per template cluster; a cell that runs dry
   leaves its turn to the others, and a hint that runs dry passes its unfilled quota on to the next hint.

Writes bench/data/answers_sample2.csv (`id,stratum,cluster,answer_idx`, like the first sample: ids only). With
--batch-dir, also writes the annotators' file DIR/batch.jsonl (`id`, `answer_idx`, `appeal`, `answer`; no outcome,
stratum or hint) — outside the repo: it holds third-party texts.
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

from answers_sample import (
    _FIX,
    DEFAULT_DATA,
    ROOT,
    cluster_answers,
    load,
    outcome,
    style_hint,
    write_sample,
)

FIRST = ROOT / "bench" / "data" / "answers_sample.csv"
DEFAULT_OUT = ROOT / "bench" / "data" / "answers_sample2.csv"
SEED = 1902
OUTCOMES = ("repeat", "intermediate_only", "answered_open", "rerouted", "auto_closed", "satisfied")
QUOTAS2 = {"elsewhere": 50, "formallike": 60, "other": 40, "datelike": 25, "explainlike": 80, "fixlike": 25}

_FORMAL = re.compile(
    r"рассмотрен|на контрол|в плановом порядке|в ближайшее время|(?:будут|будет) принят[ыа]? мер|"
    r"мер[ыа]? (?:будут|будет) принят|о результатах\s+(?:\w+\s+){0,3}(?:сообщ|проинформир|уведом)|"
    r"будет (?:дан|направлен) (?:дополнительн|окончательн)|принят[оа]? к сведению|информация принята|"
    r"взят[оа]? на контроль|в установленном порядке|в рамках (?:действующего|компетенции)", re.IGNORECASE)


def hint2(text: str) -> str:
    """style_hint with one more kind, `formallike` (stock phrases, or short with no fix word)."""
    h = style_hint(text)
    if h == "elsewhere":
        return h
    if h in ("other", "explainlike", "datelike") and _FORMAL.search(text):
        return "formallike"
    if h == "other" and len(text) < 160 and not _FIX.search(text):
        return "formallike"
    return h


def first_sample(path: Path = FIRST) -> tuple[set[int], set[str]]:
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {int(r["id"]) for r in rows}, {r["cluster"] for r in rows if r["cluster"] != "-"}


def cluster_names(reports: list[dict]) -> dict[tuple[int, int], str]:
    """(report id, answer index) -> its template cluster's name («T0001», by size) or "-" (like no other answer):
    the same clustering and names for every batch."""
    keys = [(r["id"], i) for r in reports for i in range(len(r["answers"]))]
    texts = [r["answers"][i]["text"] or "" for r in reports for i in range(len(r["answers"]))]
    orgs = [r["answers"][i]["org"] or "" for r in reports for i in range(len(r["answers"]))]
    roots = cluster_answers(texts, orgs)
    size = Counter(roots)
    multi = sorted({r for r in roots if size[r] >= 2}, key=lambda r: (-size[r], keys[r]))
    name = {r: f"T{k + 1:04d}" for k, r in enumerate(multi)}
    return {keys[k]: name.get(roots[k], "-") for k in range(len(keys))}


def queues_of(cells: dict, rng: random.Random) -> dict:
    """Per (hint, outcome) cell, its candidates interleaved across organisations (one organisation's template
    does not fill a cell), in an order shuffled by rng."""
    queues = {}
    for key in sorted(cells):
        by_org = defaultdict(list)
        for c in cells[key]:
            by_org[c[2]].append(c)
        names = sorted(by_org)
        rng.shuffle(names)
        for org in names:
            rng.shuffle(by_org[org])
        depth = max(len(v) for v in by_org.values())
        queues[key] = [by_org[org][d] for d in range(depth) for org in names if d < len(by_org[org])]
    return queues


def draw(queues: dict, cells: dict, quotas: dict, outcomes: tuple) -> tuple[list[dict], list[tuple]]:
    """Each hint's quota drawn round-robin over the outcomes, at most one answer per template cluster and per
    report; quota a dry hint could not fill passes on to the next hints. (sample rows, (hint, outcome,
    available, sampled) per cell)."""
    used: set[str] = set()
    used_reports: set[int] = set()
    sample, table = [], []
    spare = 0
    for h, quota in quotas.items():
        quota += spare
        pos, taken = Counter(), Counter()
        while sum(taken.values()) < quota:
            progressed = False
            for o in outcomes:
                if sum(taken.values()) >= quota:
                    break
                q = queues.get((h, o), [])
                while pos[o] < len(q):
                    c = q[pos[o]]
                    pos[o] += 1
                    if (c[3] == "-" or c[3] not in used) and c[0] not in used_reports:
                        break
                else:
                    continue
                if c[3] != "-":
                    used.add(c[3])
                used_reports.add(c[0])
                sample.append({"id": c[0], "stratum": f"{o}:{h}", "cluster": c[3], "answer_idx": c[1]})
                taken[o] += 1
                progressed = True
            if not progressed:
                break
        spare = quota - sum(taken.values())
        for o in outcomes:
            table.append((h, o, len(cells.get((h, o), [])), taken[o]))
    return sample, table


def build2(reports: list[dict], seed: int = SEED, first: tuple[set[int], set[str]] | None = None):
    first_ids, first_clusters = first if first is not None else first_sample()
    cluster_of = cluster_names(reports)  # same clustering and names as the first sample
    cells = defaultdict(list)  # (hint, outcome) -> [(id, idx, org, cluster)]
    for r in reports:
        o = outcome(r)
        if o is None or r["id"] in first_ids:
            continue
        for i, a in enumerate(r["answers"]):  # any answer of the report; at most one per report is drawn
            cl = cluster_of[(r["id"], i)]
            if cl not in first_clusters and (a["text"] or "").strip():
                cells[(hint2(a["text"] or ""), o)].append((r["id"], i, a["org"] or "", cl))
    return draw(queues_of(cells, random.Random(seed)), cells, QUOTAS2, OUTCOMES)


def write_batch(sample: list[dict], reports: list[dict], batch_dir: Path, seed: int) -> None:
    """The annotators' file: texts only, in a shuffled order (not grouped by hint or outcome)."""
    by_id = {r["id"]: r for r in reports}
    rows = sorted(sample, key=lambda s: s["id"])
    random.Random(seed + 1).shuffle(rows)
    batch_dir.mkdir(parents=True, exist_ok=True)
    with open(batch_dir / "batch.jsonl", "w", encoding="utf-8") as f:
        for s in rows:
            r = by_id[s["id"]]
            f.write(json.dumps({"id": s["id"], "answer_idx": s["answer_idx"], "appeal": r["text"] or "",
                                "answer": r["answers"][s["answer_idx"]]["text"] or ""}, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--batch-dir", type=Path, default=None, help="also write DIR/batch.jsonl for the annotators")
    args = ap.parse_args(argv)

    reports = load(args.data)
    sample, table = build2(reports, args.seed)
    write_sample(args.out, sample)
    print(f"{'hint':12s} {'outcome':18s} {'available':>9s} {'sampled':>8s}")
    for h, o, n, k in table:
        print(f"{h:12s} {o:18s} {n:9d} {k:8d}")
    by_id = {r["id"]: r for r in reports}
    print("organisations:", len({by_id[s["id"]]["answers"][s["answer_idx"]]["org"] for s in sample}),
          "| templates:", sum(1 for s in sample if s["cluster"] != "-"), "| like no other:",
          sum(1 for s in sample if s["cluster"] == "-"))
    if args.batch_dir:
        write_batch(sample, reports, args.batch_dir, args.seed)
        print(f"annotators' file -> {args.batch_dir / 'batch.jsonl'}")


if __name__ == "__main__":
    sys.exit(main())
