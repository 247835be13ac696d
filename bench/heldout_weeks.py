"""Held-out weeks for bench_heldout.py: replay JSONL + truth.json built like ../shared/datasets/stream-dev.

Complaints (incident bursts and one-off «sporadic» posts) come only from rows the project never trains or tunes on:
  * spb-appeals/train.csv, the latest month by created_dt (2021-03: the classifier benchmark's holdout month; the
    earlier months are training, validation and error-analysis months), texts >= 40 chars (as stream-dev);
  * spb-answers/answers.jsonl rows that are NOT the same report as an spb-appeals row (by id or normalised text):
    the file is a sample of the same portal, 6,385 of its 6,400 ids are spb-appeals rows, 13 rows remain.
  Dropped: any text (normalised as classifiers.dataset.text_key) that is in stream-dev's posts.jsonl or in an
  earlier spb-appeals month (also by text_norm_hash), and repeats of one text.
Chatter comes from rusentiment/train.csv (all five labels are chatter; texts >= 10 chars, none in stream-dev):
  * TEST weeks: the held-out tail only, rows from max(last 15 % of all rows, last 15 % of the 3-class rows) on,
    i.e. outside every training cut the project uses (sentiment drops speech/skip before its 85/15 split);
  * DEV weeks: rows before that cut (the team may read and tune on dev weeks, so they must not spend the tail
    that test weeks need; the tail, ~3.6k texts, cannot fill six disjoint weeks anyway).
  Test weeks share the tail (each draws ~2.5k of it); dev weeks' chatter is disjoint from each other's.
Incidents group complaints by the portal's `reason`: 3-8 posts over 1-3 h; no reason is an incident in two weeks,
no complaint row is used twice, reasons «Предложени…» (suggestions) are never incidents. Sporadic complaints
never share a reason with the same week's incidents; at most 2 per reason and week, >= 24 h apart.
Other-source weeks (dev-7, dev-8; load_other_source): incidents whose wording and topics the rule had never seen —
citizens writing again because a report was not solved (spb-answers follow-ups, grouped by the report's reason, no
test week's incident reason) and complaint tweets about one bank («other»: no topic fits) or one operator
(sentirueval); the same sources give their sporadic posts. These texts are in no other week, in stream-dev, or in
any training set the project uses.
Sources, authors, ids and urls are synthetic, as in stream-dev (which inserts no place names: neither do we).
The first weeks sit in Sept-Oct 2026 (stream-dev's seasonal calendar: heating season only); dev-5..dev-8 add
late August (the fire season, no heating) and November.
Third round (bench/heldout_round3.py, split `test5`): test-5..test-7, allocated after all of the above from what it
left, so the twelve weeks above are unchanged; run once, at the end.
"""
from __future__ import annotations

import csv
import json
import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from heldout_round3 import ROUND3, allocate_round3, draw_sporadic

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
MSK = timezone(timedelta(hours=3))
SOURCES = (("vk", "vk:-31000001", "Подслушано Демянск"), ("vk", "vk:-31000002", "Демянск онлайн"),
           ("vk", "vk:-31000003", "Демянский вестник"), ("telegram", "tg:demyansk_chat", "Демянск: чат жителей"),
           ("telegram", "tg:lychkovo_live", "Лычково live"))
# name, split, seed, Monday the week starts. Fixed: changing any of these changes every week after it.
WEEKS = (("dev-1", "dev", 1401, "2026-09-07"), ("dev-2", "dev", 1402, "2026-09-14"),
         ("test-1", "test", 2401, "2026-09-21"), ("test-2", "test", 2402, "2026-09-28"),
         ("test-3", "test", 2403, "2026-10-05"), ("test-4", "test", 2404, "2026-10-12"),
         # added after the first test run, to study failures without looking at the test weeks; allocated after
         # them, so the test weeks are unchanged (the two earlier dev weeks' chatter slices changed)
         ("dev-3", "dev", 1403, "2026-10-19"), ("dev-4", "dev", 1404, "2026-10-26"),
         # issue 14, second round (after the second test run): portal reasons no week used yet, in other seasons,
         # and two weeks whose incidents come from other sources and
         # wordings (OTHER_SOURCE_WEEKS: citizens' follow-ups in spb-answers, complaint tweets in sentirueval)
         ("dev-5", "dev", 1405, "2026-11-02"), ("dev-6", "dev", 1406, "2026-08-24"),
         ("dev-7", "dev", 1407, "2026-08-31"), ("dev-8", "dev", 1408, "2026-11-09"))
OTHER_SOURCE_WEEKS = ("dev-7", "dev-8")
MASTER_SEED = 14
COMPLAINT_MONTH = "2021-03"
MIN_COMPLAINT_CHARS, MIN_CHATTER_CHARS = 40, 10
_NOT_LETTERS = re.compile(r"[^0-9a-zа-я]+")


def text_key(text: str) -> str:
    """As classifiers.dataset.text_key: lowercase, ё→е, letters and digits only."""
    return _NOT_LETTERS.sub(" ", text.lower().replace("ё", "е")).strip()


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def stream_dev_keys() -> set[str]:
    with open(DATA / "stream-dev/posts.jsonl", encoding="utf-8") as f:
        return {text_key(json.loads(line)["text"]) for line in f if line.strip()}


def load_complaints(exclude: set[str]) -> tuple[list[dict], dict]:
    rows = _csv(DATA / "spb-appeals/train.csv")
    topic_of = {(r["city_object"], r["category"], r["reason"]): r["topic"] for r in _csv(DATA / "spb-appeals/topic_map.csv")}
    early = [r for r in rows if r["created_dt"][:7] < COMPLAINT_MONTH]
    early_keys, early_hashes = {text_key(r["text"]) for r in early}, {r["text_norm_hash"] for r in early}
    stats = {"spb_appeals_month_rows": 0, "dropped_in_stream_dev": 0, "dropped_in_earlier_months": 0,
             "dropped_short": 0, "dropped_repeat": 0}
    seen, out = set(), []
    for r in sorted(rows, key=lambda r: (r["created_dt"], r["id"])):
        if r["created_dt"][:7] != COMPLAINT_MONTH:
            continue
        stats["spb_appeals_month_rows"] += 1
        key = text_key(r["text"])
        if len(r["text"].strip()) < MIN_COMPLAINT_CHARS:
            stats["dropped_short"] += 1
        elif key in exclude:
            stats["dropped_in_stream_dev"] += 1
        elif key in early_keys or r["text_norm_hash"] in early_hashes:
            stats["dropped_in_earlier_months"] += 1
        elif key in seen:
            stats["dropped_repeat"] += 1
        else:
            seen.add(key)
            out.append({"text": r["text"].strip(), "reason": r["reason"].strip(), "topic": r["topic"], "origin": "spb-appeals"})
    ids, all_keys = {r["id"] for r in rows}, {text_key(r["text"]) for r in rows}
    answers = [json.loads(line) for line in open(DATA / "spb-answers/answers.jsonl", encoding="utf-8") if line.strip()]
    stats["spb_answers_rows"] = len(answers)
    stats["spb_answers_same_report_as_spb_appeals"] = sum(str(a["id"]) in ids or text_key(a["text"]) in all_keys for a in answers)
    for a in answers:
        key = text_key(a["text"] or "")
        if (str(a["id"]) in ids or key in all_keys or key in exclude or key in seen
                or len((a["text"] or "").strip()) < MIN_COMPLAINT_CHARS):
            continue
        seen.add(key)
        out.append({"text": a["text"].strip(), "reason": a["reason"].strip(), "origin": "spb-answers",
                    "topic": topic_of.get((a["city_object"], a["category"], a["reason"]), "other")})
    stats["complaints_kept"] = len(out)
    stats["complaints_from_spb_answers"] = sum(c["origin"] == "spb-answers" for c in out)
    return out, stats


def load_chatter(exclude: set[str]) -> tuple[list[str], list[str], dict]:
    rows = _csv(DATA / "rusentiment/train.csv")
    three = [i for i, r in enumerate(rows) if r["label"] in ("negative", "neutral", "positive")]
    cut = max(len(rows) - round(len(rows) * 0.15), three[-round(len(three) * 0.15)])
    tail_keys = {text_key(r["text"]) for r in rows[cut:]}
    pools: tuple[list[str], list[str]] = ([], [])
    seen: set[str] = set()
    for i, r in enumerate(rows):
        text, key = r["text"].strip(), text_key(r["text"])
        if len(text) < MIN_CHATTER_CHARS or not key or key in exclude or key in seen or (i < cut and key in tail_keys):
            continue
        seen.add(key)
        pools[i >= cut].append(text)
    return pools[0], pools[1], {"rusentiment_rows": len(rows), "tail_from_row": cut,
                                "chatter_train_part": len(pools[0]), "chatter_tail": len(pools[1])}


_NOISE = re.compile(r"https?://\S+|@\w+|\bRT\b|#")
TELECOMS = ("mts", "megafon", "beeline", "rostelecom", "tele2")


def load_other_source(exclude: set[str], avoid_reasons: set[str]) -> tuple[list[list[dict]], dict]:
    """Incident pools (one list per problem) from sources and wordings no week or training used:
      * spb-answers `citizen_followups` of kind repeat_petition: a citizen writing again because the problem was
        not solved (never in spb-appeals, which holds first messages), grouped by the report's reason; reasons that
        are incidents in a test week are skipped;
      * sentirueval negative tweets about exactly one company (a bank: no topic fits, «other»; an operator:
        communications), grouped by the company; links, @handles, «RT» and «#» removed.
    Texts >= MIN_COMPLAINT_CHARS, none in `exclude`, no repeats."""
    seen, pools = set(exclude), {}
    topic_of = {(r["city_object"], r["category"], r["reason"]): r["topic"] for r in _csv(DATA / "spb-appeals/topic_map.csv")}

    def keep(text: str) -> bool:
        key = text_key(text)
        if len(text) < MIN_COMPLAINT_CHARS or not key or key in seen:
            return False
        seen.add(key)
        return True

    for line in open(DATA / "spb-answers/answers.jsonl", encoding="utf-8"):
        a = json.loads(line) if line.strip() else None
        if not a or a["reason"].strip() in avoid_reasons:
            continue
        for f in a.get("citizen_followups") or []:
            text = (f.get("text") or "").strip()
            if f.get("type") == "repeat_petition" and keep(text):
                pools.setdefault("followup:" + a["reason"].strip(), []).append(
                    {"text": text, "reason": "повторное обращение: " + a["reason"].strip(), "origin": "spb-answers followup",
                     "topic": topic_of.get((a["city_object"], a["category"], a["reason"]), "other")})
    for r in _csv(DATA / "sentirueval/train.csv"):
        labels = json.loads(r["entity_labels"])
        if r["label"] != "negative" or len(labels) != 1 or list(labels.values())[0] not in (-1, "-1"):
            continue
        entity, text = next(iter(labels)), " ".join(_NOISE.sub(" ", r["text"]).split())
        if keep(text):
            pools.setdefault("tweet:" + entity, []).append(
                {"text": text, "reason": f"жалобы на {entity}", "origin": "sentirueval",
                 "topic": "communications" if entity in TELECOMS else "other"})
    out = [pools[k] for k in sorted(pools) if len(pools[k]) >= 3]
    return out, {"other_source_pools": len(out), "other_source_texts": sum(map(len, out))}


def _allocate_other(pools: list[list[dict]]) -> dict[str, tuple[list[list[dict]], list[dict]]]:
    """OTHER_SOURCE_WEEKS: 7-9 incidents each, half follow-ups and half tweets where the pools allow; sporadic
    posts from the pools no week takes as an incident (at most 2 per pool and week)."""
    rng = random.Random(MASTER_SEED + 1)
    pools = [p[:] for p in pools]
    for p in pools:
        rng.shuffle(p)
    order = list(range(len(pools)))
    rng.shuffle(order)
    kinds = {i: pools[i][0]["origin"] for i in order}
    used, out = set(), {}
    for name, _split, seed, _start in WEEKS:
        if name not in OTHER_SOURCE_WEEKS:
            continue
        wrng = random.Random(seed)
        incidents = []
        want = wrng.randint(7, 9)
        for k in range(want):
            origin = ("spb-answers followup", "sentirueval")[k % 2]
            n = wrng.randint(3, 8)
            fits = [i for i in order if i not in used and len(pools[i]) >= 3]
            i = next((i for i in fits if kinds[i] == origin), fits[0] if fits else None)
            if i is None:
                break
            used.add(i)
            incidents.append([pools[i].pop() for _ in range(min(n, len(pools[i])))])
        out[name] = (incidents, [])
    spare = [i for i in order if i not in used]
    for name in OTHER_SOURCE_WEEKS:
        sporadic = []
        for i in spare:
            for _ in range(2):
                if pools[i]:
                    sporadic.append(pools[i].pop())
        out[name] = (out[name][0], sporadic[:30])
    return out


def _allocate(complaints: list[dict]) -> dict[str, tuple[list[list[dict]], list[dict]]]:
    """Per week: incidents (lists of complaint rows, one reason each) and sporadic rows; rows and incident reasons
    disjoint across weeks."""
    rng = random.Random(MASTER_SEED)
    by_reason: dict[str, list[dict]] = {}
    for c in complaints:
        by_reason.setdefault(c["reason"], []).append(c)
    for rows in by_reason.values():
        rng.shuffle(rows)
    reasons = sorted(r for r, rows in by_reason.items() if len(rows) >= 3 and not r.startswith("Предложени"))
    rng.shuffle(reasons)
    out, used_reasons = {}, set()
    for name, _split, seed, _start in WEEKS:
        if name in OTHER_SOURCE_WEEKS:
            continue
        wrng = random.Random(seed)
        incidents, week_reasons = [], set()
        for _ in range(wrng.randint(7, 9)):
            n = wrng.randint(3, 8)
            reason = next(r for r in reasons if r not in used_reasons and len(by_reason[r]) >= n)
            used_reasons.add(reason)
            week_reasons.add(reason)
            incidents.append([by_reason[reason].pop() for _ in range(n)])
        out[name] = (incidents, draw_sporadic(by_reason, week_reasons, wrng))
    return out



def _post(rng: random.Random, at: datetime, text: str, number: int, author: str) -> dict:
    platform, source, source_name = rng.choice(SOURCES)
    uid = f"{source}_{number}"
    return {"platform": platform, "source": source, "source_name": source_name, "id": uid,
            "published_at": at.isoformat(), "author": author, "text": text, "url": f"https://example.invalid/{uid}",
            "likes": rng.randint(0, 29), "reposts": rng.randint(0, 2), "comments": rng.randint(0, 9),
            "views": rng.randint(51, 2999)}


def build_week(name: str, seed: int, start: str, incidents: list[list[dict]], sporadic: list[dict],
               chatter_pool: list[str], out_dir: Path) -> dict:
    rng = random.Random(seed * 7919)
    t0 = datetime.fromisoformat(start).replace(tzinfo=MSK)
    week_s = 7 * 86400
    n_chatter = min(rng.randint(2450, 2850), len(chatter_pool))
    chatter = rng.sample(chatter_pool, n_chatter)
    total = n_chatter + sum(map(len, incidents)) + len(sporadic)
    numbers = iter(rng.sample(range(1, total * 3), total))           # ids do not tell chatter from complaints
    authors = [f"u{i}" for i in range(1, 4001)]
    posts, truth = [], {"incidents": [], "sporadic": []}
    slot = week_s / len(incidents)                                     # one incident per slot, never overlapping
    for k, rows in enumerate(incidents):
        first = t0 + timedelta(seconds=int(k * slot + rng.uniform(0, slot - 4 * 3600)))
        span = rng.uniform(3600, 3 * 3600)
        times = [first] + sorted(first + timedelta(seconds=int(rng.uniform(60, span))) for _ in rows[1:])
        ids = []
        for at, row, author in zip(times, rows, rng.sample(authors, len(rows)), strict=False):
            posts.append(_post(rng, at, row["text"], next(numbers), author))
            ids.append(posts[-1]["id"])
        truth["incidents"].append({"reason": rows[0]["reason"], "topic": rows[0]["topic"],
                                   "start": times[0].isoformat(), "post_ids": ids})
    placed: dict[str, list[datetime]] = {}
    for row in sporadic:
        while True:
            at = t0 + timedelta(seconds=rng.uniform(0, week_s))
            if all(abs((at - b).total_seconds()) >= 86400 for b in placed.get(row["reason"], [])):
                break
        placed.setdefault(row["reason"], []).append(at)
        posts.append(_post(rng, at.replace(microsecond=0), row["text"], next(numbers), rng.choice(authors)))
        truth["sporadic"].append(posts[-1]["id"])
    for text in chatter:
        at = t0 + timedelta(seconds=int(rng.uniform(0, week_s)))
        posts.append(_post(rng, at, text, next(numbers), rng.choice(authors)))
    posts.sort(key=lambda p: (p["published_at"], p["id"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "posts.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in posts)
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {"posts": len(posts), "chatter": n_chatter, "incidents": len(incidents),
            "incident_posts": sum(map(len, incidents)), "sporadic": len(sporadic),
            "incident_topics": sorted(r[0]["topic"] for r in incidents)}


def build_all(out: Path) -> dict:
    """Write every week to out/<name>/{posts.jsonl,truth.json}; return sizes and the data stats."""
    exclude = stream_dev_keys()
    complaints, stats = load_complaints(exclude)
    train_chatter, tail_chatter, chatter_stats = load_chatter(exclude | {text_key(c["text"]) for c in complaints})
    stats.update(chatter_stats)
    allocation = _allocate(complaints)
    test_reasons = {inc[0]["reason"] for name, split, *_ in WEEKS if split == "test" for inc in allocation[name][0]}
    used = {text_key(c["text"]) for inc, spo in allocation.values() for c in [*spo, *(r for i in inc for r in i)]}
    pools, other_stats = load_other_source(exclude | used, test_reasons)
    stats.update(other_stats)
    allocation.update(_allocate_other(pools))
    allocation.update(allocate_round3(complaints, allocation, pools, text_key))   # after all of the above
    dev_rng = random.Random(MASTER_SEED)
    dev_pool = train_chatter[:]
    dev_rng.shuffle(dev_pool)
    dev_names = [w[0] for w in WEEKS if w[1] == "dev"]
    weeks = {}
    for name, split, seed, start in (*WEEKS, *ROUND3):
        if split == "dev":                                         # disjoint slices of the training part
            i = dev_names.index(name)
            pool = dev_pool[i * len(dev_pool) // len(dev_names):(i + 1) * len(dev_pool) // len(dev_names)]
        else:
            pool = tail_chatter
        weeks[name] = {"split": split, "seed": seed, "start": start,
                       **build_week(name, seed, start, *allocation[name], pool, out / name)}
    return {"weeks": weeks, "data": stats}
