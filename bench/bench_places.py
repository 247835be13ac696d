"""Where exactly (issue 18): settlement, street and institution F1 on bench/data/places.jsonl, and false places on
chatter.

    python bench/bench_places.py [--chatter ../shared/datasets/rusentiment/train.csv] [--out bench/results/places.json]

places.jsonl: 312 short local posts written by us in residents' voice (complaints, chatter, announcements), each
labelled with the settlements it names, its street (canonical «ул. Ленина») and institution («школа»), "" when
none. The extractor is what enrichment runs on a complaint candidate (gazetteer + rules + natasha NER where needed);
here it reads every post, so chatter in the set counts against precision too.
Settlement F1 is over (post, settlement) pairs; street and object F1 over the one value per post.
Chatter: posts of RuSentiment (VK, not about the district) in which the gazetteer finds a place — every one is a
false place — with the bundled gazetteer and with the ordinary-word rule switched off (what the rule saves).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from importlib import resources
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import geo, text, where  # noqa: E402
from pipeline.ner import NatashaNer  # noqa: E402

DEFAULT_SET = ROOT / "bench" / "data" / "places.jsonl"
DEFAULT_CHATTER = ROOT.parent / "shared" / "datasets" / "rusentiment" / "train.csv"
TARGETS = {"settlement_f1": 0.95, "street_f1": 0.85, "object_f1": 0.85}


def f1(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3),
            "tp": tp, "fp": fp, "fn": fn}


def score_single(pairs: list[tuple[str, str]]) -> dict:
    tp = sum(1 for e, f in pairs if e and e == f)
    fp = sum(1 for e, f in pairs if f and f != e)
    fn = sum(1 for e, f in pairs if e and e != f)
    return f1(tp, fp, fn)


def evaluate(rows: list[dict], gaz: geo.Gazetteer, ner) -> tuple[dict, list[dict]]:
    texts = [r["text"] for r in rows]
    t = time.perf_counter()
    found = where.describe(texts, gaz, ner)
    places = [geo.locate(text.words(s), gaz) for s in texts]
    elapsed = time.perf_counter() - t
    tp = fp = fn = 0
    errors = []
    for r, w, p in zip(rows, found, places, strict=False):
        exp, got = set(r["settlements"]), set(p)
        tp, fp, fn = tp + len(exp & got), fp + len(got - exp), fn + len(exp - got)
        if exp != got or r["street"] != w.street or r["object"] != w.object:
            errors.append({"id": r["id"], "text": r["text"], "expected": [sorted(exp), r["street"], r["object"]],
                           "found": [sorted(got), w.street, w.object]})
    result = {"settlement": f1(tp, fp, fn),
              "street": score_single([(r["street"], w.street) for r, w in zip(rows, found, strict=False)]),
              "object": score_single([(r["object"], w.object) for r, w in zip(rows, found, strict=False)]),
              "posts_per_s_with_natasha_load": round(len(rows) / elapsed)}
    return result, errors


def chatter_false_places(texts: list[str], gaz: geo.Gazetteer) -> dict:
    hits = Counter()
    posts = 0
    for s in texts:
        found = geo.locate(text.words(s), gaz)
        posts += bool(found)
        hits.update(found)
    return {"posts_with_a_place": posts, "per_10k_posts": round(1e4 * posts / len(texts), 1),
            "places": dict(hits.most_common(15))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", type=Path, default=DEFAULT_SET)
    ap.add_argument("--chatter", type=Path, default=DEFAULT_CHATTER)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "places.json")
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    gaz = geo.load_gazetteer()
    ner = NatashaNer()
    result, errors = evaluate(rows, gaz, ner)
    result["ner_read_posts"] = ner.calls
    result["posts"] = len(rows)
    result["labelled"] = {"settlement": sum(bool(r["settlements"]) for r in rows),
                          "street": sum(bool(r["street"]) for r in rows),
                          "object": sum(bool(r["object"]) for r in rows)}
    if args.chatter.exists():
        with open(args.chatter, encoding="utf-8") as f:
            texts = [r["text"] for r in csv.DictReader(f) if r.get("text")]
        doc = yaml.safe_load(resources.files("pipeline").joinpath("data/gazetteer.yaml").read_text(encoding="utf-8"))
        no_rule = geo.build_gazetteer({**doc, "settlements": [{**s, "risky": []} for s in doc["settlements"]]})
        result["chatter"] = {"source": args.chatter.name, "posts": len(texts),
                             "with_ordinary_word_rule": chatter_false_places(texts, gaz),
                             "without_ordinary_word_rule": chatter_false_places(texts, no_rule)}
    result["targets"] = TARGETS
    result["met"] = {k: result[k.removesuffix("_f1")]["f1"] >= v for k, v in TARGETS.items()}
    result["errors"] = errors
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "errors"}, indent=1, ensure_ascii=False))
    print(f"{len(errors)} posts with an error (see {args.out})")


if __name__ == "__main__":
    main()
