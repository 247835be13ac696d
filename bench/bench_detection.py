"""Detection quality: replay streams with truth files and score them with ../shared/tools/score_alerts.py.

    python bench/bench_detection.py [--out bench/results/detection.json]

Streams: the shared stream-dev week (real texts, never seen in training) and our own demo week.
Out-of-the-box settings and seed-trained models only.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alerting.export import alert_json  # noqa: E402
from collectors.files import read_files  # noqa: E402
from core.settings import Settings  # noqa: E402
from pipeline.embedded import run_embedded  # noqa: E402
from pipeline.kit import load_kit  # noqa: E402
from pipeline.stages import Stages  # noqa: E402
from storage.clickhouse import ClickHouseStore  # noqa: E402

SHARED = ROOT.parent / "shared"
STREAMS = {
    "stream-dev": (SHARED / "datasets/stream-dev/posts.jsonl", SHARED / "datasets/stream-dev/truth.json"),
    "demo": (ROOT / "pipeline/data/demo/posts.jsonl", ROOT / "pipeline/data/demo/truth.json"),
}
TARGETS = {"stream-dev": {"recall": ">= 0.9", "false_alerts_per_day": "<= 2", "median_lag_after_3rd_post_min": "<= 0"}}


def score(name: str, posts: Path, truth: Path, kit, settings: Settings, work: Path) -> dict:
    store = ClickHouseStore.connect(f"chdb://{work}?database={name.replace('-', '_')}")
    store.migrate()
    stages = Stages.build(settings, store, name, workflow=False, kit=kit)   # the detector as `replay` builds it
    run_embedded(list(read_files([posts])), stages, store, name)
    alerts = work.parent / f"{name}.alerts.jsonl"
    alerts.write_text("".join(alert_json(r, ZoneInfo(settings.timezone)) + "\n" for r in store.alerts()))
    out = subprocess.run([sys.executable, str(SHARED / "tools/score_alerts.py"), str(truth), str(alerts), str(posts)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "detection.json")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dozor-detect-"))
    try:
        settings = Settings(data_dir=tmp)
        kit = load_kit(settings)
        results = {name: score(name, p, t, kit, settings, tmp / "ch") for name, (p, t) in STREAMS.items()}
        results["targets"] = TARGETS
        results["models"] = kit.models.version
        results["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        print(json.dumps(results, ensure_ascii=False, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
