"""Run every benchmark; each writes its own JSON file under bench/results/."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for script in ("bench_pipeline.py", "bench_detection.py", "bench_classifiers.py", "bench_analytics.py",
               "bench_kafka.py", "bench_heldout.py"):
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True)
