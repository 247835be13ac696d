"""Which 40-character stretches of our files also occur in a dataset text (the no-copy rule of STYLE.md).

    .venv/bin/python bench/dataset_overlap.py FILE [FILE ...] [--width 40]

Compares lower-cased, whitespace-collapsed text: every `width`-character window of the given files against every
window of the texts of ../shared/datasets/spb-answers/answers.jsonl (appeals and answers) and
../shared/datasets/spb-appeals/train.csv (every cell). Prints each shared stretch with its file; exit status 1 if
any. Reads the datasets only; writes nothing.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "datasets"
SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    return SPACE.sub(" ", (text or "").lower().replace("ё", "е"))


def dataset_texts(shared: Path = SHARED):
    with open(shared / "spb-answers" / "answers.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                yield r.get("text") or ""
                for a in r.get("answers", []):
                    yield a.get("text") or ""
    csv.field_size_limit(1 << 30)
    with open(shared / "spb-appeals" / "train.csv", encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            yield from row


def shared_stretches(files: list[Path], width: int = 40, shared: Path = SHARED) -> dict[str, set[str]]:
    windows: dict[str, set[str]] = {}
    for p in files:
        text = norm(p.read_text(encoding="utf-8"))
        for i in range(len(text) - width + 1):
            windows.setdefault(text[i:i + width], set()).add(str(p))
    found: dict[str, set[str]] = {}
    for t in dataset_texts(shared):
        t = norm(t)
        for i in range(len(t) - width + 1):
            w = t[i:i + width]
            if w in windows:
                found[w] = windows[w]
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--width", type=int, default=40)
    args = ap.parse_args(argv)
    found = shared_stretches(args.files, args.width)
    for w, where in sorted(found.items()):
        print(f"{', '.join(sorted(where))}: «{w}»")
    print(f"{len(found)} shared {args.width}-character stretches")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
