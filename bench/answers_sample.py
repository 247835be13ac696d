"""The labelling sample of official answers (issue 19): stratified, one answer per report, each template once.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/answers_sample.py [--data PATH] [--out PATH] [--seed 19]
                                                                    [--clusters 25]

Reads ../shared/datasets/spb-answers/answers.jsonl (third-party, internal use: this script and its csv hold ids and
our own labels only, never a text) and writes bench/data/answers_sample.csv with columns
`id,stratum,cluster,answer_idx` (report id; `outcome:hint` cell; template cluster or `-`; index into `answers[]`).
Prints the cell table and the biggest template clusters (organisation, size, outcomes; no texts).
How and why: bench/data/README_answers.md. Deterministic: sorted inputs, one seeded `random.Random`.

1. The answer of a report (`pick_answer`): the final answer the citizen rejected when they wrote again
   (the last final one before the first `repeat_petition`), else the last final answer, else (no final answer)
   the last intermediate one.
2. Outcome stratum (`outcome`), first match wins: repeat (the citizen wrote again), intermediate_only, rerouted
   (`reroutes[]` non-empty), satisfied (closed by the citizen), auto_closed, answered_open.
3. Templates (`cluster_answers`): every answer of the file (final and intermediate) normalised (`normalise`:
   lowercase, quotes / dates / numbers / addresses / capitalised names masked), TF-IDF of word 1-3-grams (terms
   in >= 3 answers), linked when cosine >= 0.80 (>= 0.70 for two answers of the same organisation: its boilerplate
   with a slot changed), clusters = connected components. A cluster of >= 2 is a template.
4. A style hint (`style_hint`, a few regexes; a sampling device, NOT a label): fixlike, datelike, elsewhere,
   explainlike, other. Within each outcome stratum the hints are drawn round-robin, 3 per round for the stratum's
   most common hint (fixlike; datelike for intermediate_only) and 1 for each other hint, so that rare kinds of answer (explanations, redirections, dated promises) get enough
   examples; inside a cell the organisations are drawn round-robin too. A template already in the sample is
   skipped (at most one member per cluster). Strata are filled rarest first.
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

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "spb-answers" / "answers.jsonl"
DEFAULT_OUT = ROOT / "bench" / "data" / "answers_sample.csv"
SEED = 19
THRESHOLD = 0.80        # near-identical: any two answers
THRESHOLD_SAME_ORG = 0.70  # one organisation's boilerplate with a slot changed (object, address, work done)

# Sample size per outcome stratum, filled in this order (rarest first: they claim shared templates first).
QUOTAS = {
    "repeat": 70,
    "intermediate_only": 60,
    "answered_open": 50,
    "rerouted": 70,
    "auto_closed": 90,
    "satisfied": 80,
}
HINTS = ("fixlike", "datelike", "elsewhere", "explainlike", "other")
MAJOR_WEIGHT = 3  # a stratum's most common hint is drawn 3 times per round, every other hint once

# ---------------------------------------------------------------------------------------------------- normalising
_MONTHS = r"(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*"
_ADDR_ABBR = r"\b(?:ул|пр|пр-кт|пер|наб|пл|ш|б-р|д|г|пос|п|корп|лит|им)\.\s*[A-ZА-Я0-9][\w\-]*"


def normalise(text: str) -> str:
    """Answer text -> a comparison key: lowercase, names/quotes/dates/numbers/addresses masked, no punctuation."""
    t = (text or "").replace("ё", "е").replace("Ё", "Е")
    t = re.sub(r"\[(?:телефон|email)\]", " <contact> ", t)
    t = re.sub(r"«[^»]{0,200}»|\"[^\"]{0,200}\"|“[^”]{0,200}”", " <q> ", t)  # categories, company names
    t = re.sub(_ADDR_ABBR, " <cap> ", t)
    # capitalised words not opening a sentence: streets, districts, companies, people
    t = re.sub(r"(?<=[\w,:;)\-]\s)[A-ZА-Я][\w\-]*", " <cap> ", t)
    t = t.lower()
    t = re.sub(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\s*(?:года?|г\.)?", " <date> ", t)
    t = re.sub(r"\b\d{1,2}\s+" + _MONTHS + r"(?:\s+\d{4})?\s*(?:года?|г\.)?", " <date> ", t)
    t = re.sub(r"(?:по\s+)?адрес[уа]?\s*:?[^.;]{0,120}?(?=(?:,\s*(?:указан|выполн|провед|сообща|устран|работ|в\s+ход)"
               r"|[.;]\s|$))", " <addr> ", t)
    t = re.sub(r"№\s*[\w\-/]+", " <num> ", t)
    t = re.sub(r"\d+(?:[.,]\d+)?", " <n> ", t)
    t = re.sub(r"[^\w<>\s]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


# -------------------------------------------------------------------------------------------- report -> answer
def pick_answer(report: dict) -> int | None:
    """Index into answers[] of the answer to label (see the module doc), None when the report has no answer."""
    answers = report["answers"]
    finals = [i for i, a in enumerate(answers) if a["kind"] == "final"]
    repeats = [f["dt"] for f in report["citizen_followups"] if f["type"] == "repeat_petition"]
    if finals and repeats:
        first = min(repeats)
        before = [i for i in finals if answers[i]["dt"] <= first]
        return before[-1] if before else finals[-1]
    if finals:
        return finals[-1]
    return len(answers) - 1 if answers else None


def outcome(report: dict) -> str | None:
    types = {f["type"] for f in report["citizen_followups"]}
    if not report["answers"]:
        return None
    if "repeat_petition" in types:
        return "repeat"
    if not any(a["kind"] == "final" for a in report["answers"]):
        return "intermediate_only"
    if report["reroutes"]:
        return "rerouted"
    if "closed_as_satisfied" in types:
        return "satisfied"
    if report["final_status"] == "Завершено: Автоматически":
        return "auto_closed"
    return "answered_open"


# ------------------------------------------------------------------------------------------------- style hint
_ELSEWHERE = re.compile(
    r"компетенци|по принадлежности|перенаправлен|переадресован|направлен[оа]? (?:в|для рассмотрения в) "
    r"(?:адрес|комитет|администрац|гжи|жилищн|прокуратур|полици|умвд|оати|гати|роспотреб)|"
    r"рекомендуем обратиться|вправе обратиться|необходимо обратиться|следует обратиться|можете обратиться|"
    r"не является (?:балансодерж|собственник|обслуживающ)|не обслуживает|не находится на (?:балансе|обслуживании)|"
    r"в ведении|не относится к", re.IGNORECASE)
_DATED = re.compile(
    r"(?:будут|будет)\s+(?:выполнен|произведен|проведен|устранен|осуществлен|включен|отремонтирован|демонтирован|"
    r"заменен|установлен)[^.]{0,120}(?:до|в срок|не позднее|в течение|в \d|в [а-я]+ 20\d\d|квартал|на 20\d\d)|"
    r"срок[^.]{0,40}до \d|включен[аы]? в (?:адресн|план|програм)[^.]{0,150}20\d\d", re.IGNORECASE)
_FIX = re.compile(
    r"устранен|устранён|выполнен|убран|демонтирован|восстановлен|отремонтирован|заменен|решена|произведен|"
    r"проведен[аы]? (?:работ|уборк|ремонт)|очищен|удален|приведен|вывезен|нормализован|закрашен|снят", re.IGNORECASE)
_CANNOT = re.compile(r"не представляется возможным|невозможно|не может быть", re.IGNORECASE)
_EXPLAIN = re.compile(
    r"\bст\.|стать[ейи]|закон|постановлени|распоряжени|регламент|гост|санпин|фз\b|кодекс|коап|правил|"
    r"не подтвердил|не выявлен|не обнаружен|в надлежащем|в удовлетворительном|в исправном|в нормативном|"
    r"в штатном|не требуется|отсутству|соответству|не является|классификатор|координат", re.IGNORECASE)


def style_hint(text: str) -> str:
    """A cheap sampling hint from the answer's wording. Not a verdict: annotators never see it."""
    if _ELSEWHERE.search(text):
        return "elsewhere"
    if _DATED.search(text):
        return "datelike"
    if _FIX.search(text) and not _CANNOT.search(text):
        return "fixlike"
    if _EXPLAIN.search(text) or _CANNOT.search(text):
        return "explainlike"
    return "other"


# ---------------------------------------------------------------------------------------------------- clusters
def cluster_answers(texts: list[str], orgs: list[str], threshold: float = THRESHOLD,
                    threshold_same_org: float = THRESHOLD_SAME_ORG, chunk: int = 800) -> list[int]:
    """Connected components of the graph 'cosine >= threshold, or >= threshold_same_org when both answers come
    from the same organisation' over normalised texts; a root index per text."""
    docs = [normalise(t) for t in texts]
    vec = TfidfVectorizer(ngram_range=(1, 3), min_df=3, sublinear_tf=True, token_pattern=r"[\w<>]+",
                          dtype=np.float32)
    x = vec.fit_transform(docs)
    org = np.array(orgs, dtype=object)
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for start in range(0, len(docs), chunk):
        sims = (x[start:start + chunk] @ x.T).toarray()
        linked = (sims >= threshold) | ((sims >= threshold_same_org) & (org[start:start + chunk, None] == org[None, :]))
        for i, j in zip(*np.nonzero(linked), strict=False):
            i += start
            if i < j:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(docs))]


# ------------------------------------------------------------------------------------------------------- main
def load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return sorted((json.loads(line) for line in f if line.strip()), key=lambda r: r["id"])


def _next_unused(queue: list, pos: int, used_clusters: set[str]) -> tuple[tuple | None, int]:
    """The next candidate of a queue whose template is not in the sample yet, and the queue position after it."""
    while pos < len(queue):
        c = queue[pos]
        pos += 1
        if c[3] == "-" or c[3] not in used_clusters:
            return c, pos
    return None, pos


def build(reports: list[dict], seed: int = SEED):
    keys = [(r["id"], i) for r in reports for i in range(len(r["answers"]))]
    texts = [r["answers"][i]["text"] or "" for r in reports for i in range(len(r["answers"]))]
    orgs = [r["answers"][i]["org"] or "" for r in reports for i in range(len(r["answers"]))]
    roots = cluster_answers(texts, orgs)
    size = Counter(roots)
    # stable names: T0001 = the biggest cluster; ties by first member (report id, answer index)
    multi = sorted({r for r in roots if size[r] >= 2}, key=lambda r: (-size[r], keys[r]))
    name = {r: f"T{k + 1:04d}" for k, r in enumerate(multi)}
    cluster_of = {keys[k]: name.get(roots[k], "-") for k in range(len(keys))}

    cands = defaultdict(list)  # (outcome, hint) -> [(report id, answer idx, org, cluster)]
    for r in reports:
        o, i = outcome(r), pick_answer(r)
        if o is None or i is None:
            continue
        a = r["answers"][i]
        cands[(o, style_hint(a["text"] or ""))].append((r["id"], i, a["org"] or "", cluster_of[(r["id"], i)]))

    rng = random.Random(seed)
    used_clusters: set[str] = set()
    sample, table = [], []
    for o, quota in QUOTAS.items():
        queues = {}
        for h in HINTS:  # per hint: organisations round-robin, each organisation's answers shuffled
            by_org = defaultdict(list)
            for c in cands.get((o, h), []):
                by_org[c[2]].append(c)
            orgs = sorted(by_org)
            rng.shuffle(orgs)
            for org in orgs:
                rng.shuffle(by_org[org])
            queue, depth = [], max((len(v) for v in by_org.values()), default=0)
            for d in range(depth):
                queue += [by_org[org][d] for org in orgs if d < len(by_org[org])]
            queues[h] = queue
        major = max(HINTS, key=lambda h: (len(cands.get((o, h), [])), h == "fixlike"))
        weight = {h: MAJOR_WEIGHT if h == major else 1 for h in HINTS}
        taken = Counter()
        pos = {h: 0 for h in HINTS}
        while sum(taken.values()) < quota:
            progressed = False
            for h in HINTS:
                for _ in range(weight[h]):
                    if sum(taken.values()) >= quota:
                        break
                    c, pos[h] = _next_unused(queues[h], pos[h], used_clusters)
                    if c is None:
                        break
                    if c[3] != "-":
                        used_clusters.add(c[3])
                    sample.append({"id": c[0], "stratum": f"{o}:{h}", "cluster": c[3], "answer_idx": c[1]})
                    taken[h] += 1
                    progressed = True
            if not progressed:
                break
        for h in HINTS:
            table.append((o, h, len(cands.get((o, h), [])), taken[h]))
    return sample, table, roots, keys, name, reports


def write_sample(path: Path, sample: list[dict]) -> None:
    """The ids file the annotators' batch is made from (ids, strata and clusters only: never a text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "stratum", "cluster", "answer_idx"])
        w.writeheader()
        w.writerows(sorted(sample, key=lambda s: s["id"]))
    print(f"{len(sample)} answers -> {path}")


def report_clusters(roots, keys, name, reports, top: int) -> None:
    by_id = {r["id"]: r for r in reports}
    members = defaultdict(list)
    for k, root in enumerate(roots):
        if root in name:
            members[name[root]].append(keys[k])
    print(f"\ntemplate clusters (>= 2 near-identical answers): {len(members)}, holding "
          f"{sum(len(v) for v in members.values())} of {len(keys)} answers; >= 10 members: "
          f"{sum(1 for v in members.values() if len(v) >= 10)}")
    for cl in sorted(members)[:top]:
        mem = members[cl]
        orgs = Counter(by_id[i]["answers"][j]["org"] for i, j in mem)
        kinds = Counter(by_id[i]["answers"][j]["kind"] for i, j in mem)
        ids = {i for i, _ in mem}
        outs = Counter(outcome(by_id[i]) for i in ids)
        n_rep = len(ids)
        org, k = orgs.most_common(1)[0]
        print(f"{cl} n={len(mem):4d} org={org} ({k}/{len(mem)}, {len(orgs)} orgs) kinds={dict(kinds)} "
              f"reports={n_rep} outcomes={dict(outs.most_common())}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--clusters", type=int, default=25, help="print the N biggest template clusters")
    args = ap.parse_args(argv)

    sample, table, roots, keys, name, reports = build(load(args.data), args.seed)
    write_sample(args.out, sample)
    print(f"{'outcome':18s} {'hint':12s} {'population':>10s} {'sampled':>8s}")
    for o, h, n, k in table:
        print(f"{o:18s} {h:12s} {n:10d} {k:8d}")
    per_o = Counter()
    for o, _, _, k in table:
        per_o[o] += k
    per_h = Counter()
    for _, h, _, k in table:
        per_h[h] += k
    print("by outcome:", dict(per_o), "\nby hint:", dict(per_h))
    print("organisations in the sample:", len(set(_orgs(sample, reports))))
    report_clusters(roots, keys, name, reports, args.clusters)


def _orgs(sample, reports):
    by_id = {r["id"]: r for r in reports}
    return [by_id[s["id"]]["answers"][s["answer_idx"]]["org"] for s in sample]


if __name__ == "__main__":
    sys.exit(main())
