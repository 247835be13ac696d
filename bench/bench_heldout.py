"""Detection on held-out weeks nobody tuned on: an honest generalisation benchmark (issue 14, item 4).

    python bench/bench_heldout.py [--split dev|test5|all] [--work DIR] [--code SRC_TREE] [--out FILE]

Builds fifteen weeks like ../shared/datasets/stream-dev (bench/heldout_weeks.py says from which rows and how):
eight `dev` weeks the team may read and tune on, four `test` weeks nobody tunes on (run four times: spent), and
three `test5` weeks (test-5..test-7, bench/heldout_round3.py) kept for ONE run at the end: `--split test5` runs
exactly those and stream-dev; `--split dev` only the dev weeks and stream-dev; `all` the dev and `test` weeks
(never test5). A partial run (dev, test5) merges into an existing --out file: the other splits' weeks stay, with
the code they ran (`code_by_split`). The weeks (third-party texts) are
written to --work (default ${TMPDIR:-/tmp}/dozor-heldout), never into the repository. Each week, and stream-dev
as the regression check, is replayed by the `dozor` command as a user runs it: `dozor replay WEEK/posts.jsonl
--db chdb://<fresh dir> --dataset heldout -q`, then `dozor alerts --format jsonl`, then scored with
../shared/tools/score_alerts.py. Out-of-the-box settings (every DOZOR_* variable cleared) and seed models, trained
once per code version into --work/models/<hash of the classifier code and seed> and shared by all weeks.
--code runs another source tree with this repo's venv (e.g. a `git archive HEAD` export: the committed code).

Printed: per-week recall, false alerts/day and median lag past the 3rd report (score_alerts.py), the means over
dev and over test weeks, a stricter «recall, own story» (the scorer credits every incident a story names, also when
one story spans several incidents of different reasons; here an incident needs an alert naming no other incident), and for DEV weeks only the missed incidents (reason, posts, topics the posts were given). Test weeks'
texts, reasons and per-post topics are never printed; look only at their figures.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from heldout_weeks import DATA, build_all  # noqa: E402

VENV_PY = ROOT / ".venv" / "bin" / "python"
SCORER = DATA.parent / "tools" / "score_alerts.py"
STREAM_DEV = DATA / "stream-dev"
DOZOR = ("import sys\ntry:\n    from pipeline.commands import main\nexcept ImportError:   # a tree from before "
         "the commands moved\n    from pipeline.cli import main\nsys.argv[0] = 'dozor'; sys.exit(main())")
HELDOUT_TARGET = {"recall": ">= 0.95", "false_alerts_per_day": "<= 1", "median_lag_after_3rd_post_min": "<= 0"}
TARGETS = {"test_mean": HELDOUT_TARGET, "test5_mean": HELDOUT_TARGET,
           "stream-dev": {"recall": ">= 1.0", "false_alerts_per_day": "<= 2", "median_lag_after_3rd_post_min": "<= 0"}}
KEYS = ("recall", "recall_own_story", "false_alerts_per_day", "median_lag_after_3rd_post_min")


def code_hash(code: Path) -> str:
    """Seed models depend on the classifier code, the seed corpus and the topics: one models dir per version."""
    digest = hashlib.sha256()
    files = sorted(p for p in (code / "classifiers").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for top in sorted(d for d in code.iterdir() if d.is_dir() and not d.name.startswith(".")):
        files += sorted(top.rglob("topics.yaml"))
    for p in files:
        digest.update(str(p.relative_to(code)).encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()[:12]


def dozor(args: list[str], env: dict, cwd: Path) -> str:
    done = subprocess.run(["nice", "-n", "10", str(VENV_PY), "-c", DOZOR, *args], env=env, cwd=cwd,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"dozor {' '.join(args[:1])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def run_week(name: str, posts: Path, truth: Path, code: Path, models: Path, scratch: Path,
             topics_of_missed: bool) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=scratch))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOZOR_")}
    env.update(DOZOR_DATA_DIR=str(tmp / "data"), DOZOR_MODELS_DIR=str(models),
               PYTHONPATH=str(code), PYTHONHASHSEED="0")
    dsn = f"chdb://{tmp / 'ch'}"
    alerts = truth.parent / "alerts.jsonl"
    try:
        t0 = time.perf_counter()
        dozor(["replay", str(posts), "--db", dsn, "--dataset", "heldout", "-q"], env, tmp)
        replay_s = time.perf_counter() - t0
        dozor(["alerts", "--format", "jsonl", "--dataset", "heldout", "--db", dsn, "--out", str(alerts)], env, tmp)
        score = json.loads(subprocess.run([str(VENV_PY), str(SCORER), str(truth), str(alerts), str(posts)],
                                          check=True, capture_output=True, text=True).stdout)
        score["replay_s"] = round(replay_s, 1)
        incidents = json.loads(truth.read_text(encoding="utf-8"))["incidents"]
        exported = [json.loads(line) for line in alerts.read_text(encoding="utf-8").splitlines() if line.strip()]
        named = {p for a in exported for p in a.get("post_ids") or []}
        # the scorer credits every incident a story names, even one story spanning several incidents; stricter:
        # an incident counts only if some alert names its posts and no other incident's
        owner = {p: i for i, inc in enumerate(incidents) for p in inc["post_ids"]}
        per_alert = [{owner[p] for p in a.get("post_ids") or [] if p in owner} for a in exported]
        own = {i for hit in per_alert if len(hit) == 1 for i in hit}
        score["recall_own_story"] = round(len(own) / len(incidents), 3) if incidents else None
        score["alerts_spanning_incidents"] = sum(len(hit) > 1 for hit in per_alert)
        missed = [inc for inc in incidents if not named & set(inc["post_ids"])]
        score["missed_posts"] = [len(inc["post_ids"]) for inc in missed]
        if topics_of_missed and missed:
            uids = ", ".join("'" + p.replace("'", "") + "'" for inc in missed for p in inc["post_ids"])
            rows = dozor(["sql", f"SELECT uid, topic, topic_score, sentiment FROM posts FINAL WHERE uid IN ({uids})",
                          "--db", dsn, "--format", "jsonl"], env, tmp)
            post = {r["uid"]: r for r in map(json.loads, filter(None, rows.splitlines()))}
            score["missed"] = [{"reason": inc["reason"], "truth_topic": inc["topic"], "posts": len(inc["post_ids"]),
                                "post_topics": dict(Counter(post.get(p, {}).get("topic", "?") for p in inc["post_ids"])
                                                    .most_common()),
                                "negative_posts": sum(post.get(p, {}).get("sentiment") == "negative"
                                                      for p in inc["post_ids"])} for inc in missed]
        return score
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def mean(scores: list[dict]) -> dict:
    out = {k: round(statistics.fmean(s[k] for s in scores if s[k] is not None), 3) for k in KEYS}
    out.update(weeks=len(scores), incidents=sum(s["incidents"] for s in scores),
               detected=sum(s["detected"] for s in scores), false_alerts=sum(s["false_alerts"] for s in scores))
    return out


def describe_code(code: Path) -> dict:
    git = ["git", "-C", str(code)]
    rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if rev.returncode:
        return {"path": str(code)}
    dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    return {"path": str(code), "commit": rev.stdout.strip(), "uncommitted_changes": bool(dirty.stdout.strip())}


def table(results: dict) -> str:
    lines = ["| week | split | incidents | detected | recall | recall, own story | false alerts/day "
             "| median lag past 3rd report, min |", "|---|---|---|---|---|---|---|---|"]
    rows = [(name, w["split"], w["score"]) for name, w in results["weeks"].items()]
    rows += [(f"**mean {split}**", split, results["mean"][split]) for split in results["mean"]]
    rows.append(("stream-dev", "regression", results["stream-dev"]))
    for name, split, s in rows:
        lines.append(f"| {name} | {split} | {s['incidents']} | {s['detected']} | " + " | ".join(str(s[k]) for k in KEYS)
                     + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR") or "/tmp") / "dozor-heldout",
                    help="scratch dir for the weeks, models and alerts (outside the repository)")
    ap.add_argument("--code", type=Path, default=ROOT, help="source tree to run (default: this repository)")
    ap.add_argument("--out", type=Path, default=None,
                    help="default bench/results/heldout.json (--split dev: <work>/heldout-dev.json); dev/test5 merge into it")
    ap.add_argument("--split", choices=("all", "dev", "test5"), default="all",
                    help="dev: only the dev weeks and stream-dev (while working; the test weeks stay unrun); "
                         "test5: only test-5..test-7 and stream-dev (once, at the end); all: dev and test, not test5")
    ap.add_argument("--label", default="", help="what --code is, recorded in the results (e.g. 'HEAD 9829869')")
    args = ap.parse_args()
    work, code = args.work.resolve(), args.code.resolve()
    if work == ROOT or ROOT in work.parents:
        sys.exit("--work must be outside the repository: the weeks are third-party texts")
    args.out = args.out or (work / "heldout-dev.json" if args.split == "dev" else ROOT / "bench" / "results" / "heldout.json")
    built = build_all(work / "weeks")
    run_splits = {"all": ("dev", "test"), "dev": ("dev",), "test5": ("test5",)}[args.split]
    built["weeks"] = {n: w for n, w in built["weeks"].items() if w["split"] in run_splits}
    models = work / "models" / code_hash(code)
    scratch = work / "runs"
    scratch.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    results: dict = {"weeks": {}}
    for name, week in built["weeks"].items():
        d = work / "weeks" / name
        score = run_week(name, d / "posts.jsonl", d / "truth.json", code, models, scratch,
                         topics_of_missed=week["split"] == "dev")
        results["weeks"][name] = {**{k: week[k] for k in ("split", "seed", "start", "posts", "chatter", "incidents",
                                                          "incident_posts", "sporadic")}, "score": score}
        if week["split"] == "dev":
            results["weeks"][name]["incident_topics"] = week["incident_topics"]
        print(f"{name}: " + ", ".join(f"{k} {score[k]}" for k in KEYS), flush=True)
    sd_dir = work / "stream-dev"
    sd_dir.mkdir(exist_ok=True)
    shutil.copy(STREAM_DEV / "truth.json", sd_dir / "truth.json")
    results["stream-dev"] = run_week("stream-dev", STREAM_DEV / "posts.jsonl", sd_dir / "truth.json", code, models,
                                     scratch, topics_of_missed=True)
    run = {**describe_code(code), "label": args.label, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    results["code_by_split"] = {split: run for split in run_splits}
    if args.split != "all" and args.out.exists():                 # keep the other splits' weeks and their code
        old = json.loads(args.out.read_text(encoding="utf-8"))
        old_code = old.get("code_by_split") or {w["split"]: old.get("code") for w in old["weeks"].values()}
        kept = {n: w for n, w in old["weeks"].items() if w["split"] not in run_splits}
        results["weeks"] = {**kept, **results["weeks"]}
        results["code_by_split"] = {**{k: v for k, v in old_code.items() if k not in run_splits},
                                    **results["code_by_split"]}
    results["mean"] = {split: mean([w["score"] for w in results["weeks"].values() if w["split"] == split])
                       for split in ("dev", "test", "test5") if any(w["split"] == split for w in results["weeks"].values())}
    results.update(targets=TARGETS, data=built["data"], code=run, models_dir=str(models),
                   elapsed_s=round(time.perf_counter() - t0, 1), measured_at=run["measured_at"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print()
    print(table(results))
    print()
    ran = {n: w for n, w in results["weeks"].items() if n in built["weeks"]}    # not the weeks kept from --out
    for name, w in ran.items():
        for m in w["score"].get("missed", []):
            print(f"missed in {name}: «{m['reason']}» ({m['truth_topic']}), {m['posts']} posts, "
                  f"post topics {m['post_topics']}, negative {m['negative_posts']}")
    for name, w in ran.items():
        if w["split"] != "dev" and w["score"]["missed_posts"]:
            print(f"missed in {name}: {len(w['score']['missed_posts'])} incident(s) (details withheld: test week)")
    for m in results["stream-dev"].get("missed", []):
        print(f"missed in stream-dev: «{m['reason']}», {m['posts']} posts, post topics {m['post_topics']}")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
