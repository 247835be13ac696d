"""Benchmark of `dozor serve` (issue 15): page latency on a big embedded database while collection runs, and the
process's peak memory on the demo.

    python bench/bench_serve.py [--posts 1000000] [--risks 5000] [--open-share 0.2] [--requests 60]
                                [--out bench/results/serve.json]

1. A fresh embedded database gets `--posts` posts over 90 days (50 sources, 40 settlements, INSERT … SELECT from
   numbers()) and `--risks` stories with their risk events (detected; most later worked out or false alarms,
   `--open-share` still open, some taken), each story pointing at 5 posts.
2. `dozor serve` runs on it with a VK source on a fake VK server (tests/contract/fake_vk.py) that gets a burst of
   new posts every 5 s (poll every 10 s): collection runs through the measurement.
3. The register (/) and risk pages (/risk/ID, a different open risk each time) are fetched `--requests` times each,
   alternating, as a logged-in user (Basic auth); p50/p95/max per page.
4. Peak RSS (VmHWM) of `dozor serve` on the demo week (`dozor demo` into a temporary data dir) with the same live
   VK source and the pages fetched: the models are loaded, the pipeline runs.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.serve.auth import hash_password  # noqa: E402
from storage.clickhouse import ClickHouseStore  # noqa: E402
from tests.contract.fake_vk import FakeVK  # noqa: E402
from tests.contract.test_vk import TOKEN as VK_TOKEN  # noqa: E402
from tests.contract.vk_fixtures import DEM, PODSLUSHANO  # noqa: E402
from tests.functional.test_run_crash import live_post  # noqa: E402

LOGIN, PASSWORD = "bench", "bench-password-1"
TEXTS = ["В Демянске на Ленина нет воды с утра", "Опять яма на дороге в Лычково, колесо пробил",
         "В Жиркове не вывозят мусор вторую неделю", "Холодные батареи в школе Демянска",
         "Хороший концерт был в доме культуры"]


def fill(dsn: str, posts: int, risks: int, open_share: float) -> dict:
    store = ClickHouseStore.connect(dsn)
    store.migrate()
    started = time.perf_counter()
    span = 90 * 86400
    store.client.command(f"""
        INSERT INTO posts (uid, platform, source, source_name, author, published_at, text, url, parent_uid, topic,
                           topic_score, sentiment, sentiment_score, negative, settlement, settlements, model_version,
                           dataset, ingested_at)
        SELECT concat('bench:', toString(number)), 'vk', concat('vk:-', toString(1000 + number % 50)),
               concat('Паблик ', toString(number % 50)), concat('p:', lower(hex(number % 30000))),
               now64(3) - toIntervalMillisecond(intDiv(({span} * 1000) * (number + 1), {posts})),
               concat(['нет воды на улице', 'яма на дороге', 'мусор не вывозят', 'холодные батареи',
                       'хороший концерт'][number % 5 + 1], ' ', toString(number)),
               concat('https://vk.com/wall-', toString(1000 + number % 50), '_', toString(number)), '',
               ['water', 'roads', 'waste', 'heating', 'other'][number % 5 + 1], 0.8,
               if(number % 3 = 0, 'negative', 'neutral'), 0.7, if(number % 3 = 0, 0.8, 0.2),
               concat('Н', toString(number % 40)), [concat('Н', toString(number % 40))], 'bench', 'bench', now64(3)
        FROM numbers({posts})""")
    step = max(1, posts // risks)
    store.client.command(f"""
        INSERT INTO alerts (alert_id, kind, topic, settlement, level, score, created_at, updated_at, first_at, last_at,
                            post_uids, sources, n_posts, negative_share, snippets, dataset)
        SELECT concat('A-', lower(hex(number))), 'story', ['water', 'roads', 'waste', 'heating'][number % 4 + 1],
               concat('Н', toString(number % 40)),
               ['средний', 'высокий', 'критический'][number % 3 + 1], 3.0,
               p.published_at + INTERVAL 1 HOUR, p.published_at + INTERVAL 2 HOUR, p.published_at,
               p.published_at + INTERVAL 2 HOUR,
               arrayMap(i -> concat('bench:', toString(number * {step} + i * 5)), range(5)), [p.source], 5, 0.6,
               [tuple('нет воды', 'https://vk.com/wall-1_1')], 'bench'
        FROM numbers({risks}) AS n
        INNER JOIN (SELECT toUInt64(substring(uid, 7)) AS k, published_at, source FROM posts
                    WHERE uid LIKE 'bench:%' AND toUInt64(substring(uid, 7)) % {step} = 0) AS p
                ON p.k = n.number * {step}""")
    cut = int(risks * open_share)
    store.client.command("""
        INSERT INTO risk_events (alert_id, event_id, seq, at, event, state, actor, details, dataset)
        SELECT alert_id, concat('d', alert_id), 0, created_at, 'detected', 'new', 'dozor',
               concat('{"first_at": "', formatDateTime(first_at, '%Y-%m-%dT%H:%i:%S+00:00'), '"}'), 'bench'
        FROM alerts""")
    store.client.command(f"""
        INSERT INTO risk_events (alert_id, event_id, seq, at, event, state, actor, details, dataset)
        SELECT alert_id, concat('c', alert_id), 0, created_at + INTERVAL 20 HOUR,
               if(reinterpretAsUInt64(alert_id) % 7 = 0, 'false_alarm', 'worked_out'),
               if(reinterpretAsUInt64(alert_id) % 7 = 0, 'false_alarm', 'worked_out'), 'Иванова', '{{}}', 'bench'
        FROM alerts ORDER BY first_at LIMIT {risks - cut}""")
    store.client.command("""
        INSERT INTO risk_events (alert_id, event_id, seq, at, event, state, actor, details, dataset)
        SELECT alert_id, concat('t', alert_id), 0, created_at + INTERVAL 1 HOUR, 'taken', 'in_work', 'Петров', '{}',
               'bench' FROM alerts WHERE alert_id NOT IN (SELECT alert_id FROM risk_events WHERE event != 'detected')
               AND cityHash64(alert_id) % 2 = 0""")
    figures = {"posts": store.scalar("SELECT count() FROM posts"), "risks": store.scalar("SELECT count() FROM alerts"),
               "open": store.scalar("SELECT count() FROM (SELECT alert_id, argMax(state, (at, seq)) AS s FROM "
                                    "risk_events GROUP BY alert_id) WHERE s IN ('new', 'in_work')"),
               "fill_s": round(time.perf_counter() - started, 1)}
    open_ids = [r[0] for r in store.client.query(
        "SELECT alert_id FROM (SELECT alert_id, argMax(state, (at, seq)) AS s FROM risk_events GROUP BY alert_id) "
        "WHERE s IN ('new', 'in_work') ORDER BY alert_id LIMIT 200").result_rows]
    store.close()
    return {**figures, "open_ids": open_ids}


class Live:
    """A VK wall that gets a burst of posts every `every_s` seconds while running."""

    def __init__(self, vk: FakeVK, every_s: float = 5.0):
        self.vk, self.every_s, self.ids, self.stop = vk, every_s, count(10_000), threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(self.every_s):
            for text in TEXTS:
                n = next(self.ids)
                self.vk.add_post(DEM, live_post(n, 0.01, f"{text} ({n})", 5000 + n))


def start_serve(dsn: str, data: Path, vk: FakeVK, port: int) -> subprocess.Popen:
    sources = data / "sources.yaml"
    data.mkdir(parents=True, exist_ok=True)
    sources.write_text(f"sources:\n  - {{platform: vk, id: {-DEM}, name: Подслушано, poll_s: 10}}\n", encoding="utf-8")
    env = {**os.environ, "DOZOR_DATA_DIR": str(data), "DOZOR_VK__TOKEN": VK_TOKEN, "DOZOR_VK__API_BASE": vk.api_base,
           "DOZOR_SERVE__ACCOUNTS": json.dumps({LOGIN: hash_password(PASSWORD)}), "OPENBLAS_NUM_THREADS": "1",
           "PYTHONPATH": str(ROOT)}
    if os.environ.get("DOZOR_MODELS_DIR"):
        env["DOZOR_MODELS_DIR"] = os.environ["DOZOR_MODELS_DIR"]
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.commands", "serve", "--sources", str(sources),
                             "--db", dsn, "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    end = time.monotonic() + 600
    while time.monotonic() < end:
        assert proc.poll() is None, proc.communicate()[0]
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5)
            return proc
        except OSError as e:
            if getattr(e, "code", None) == 503:
                return proc
            time.sleep(0.5)
    raise RuntimeError("dozor serve did not start")


def fetch(port: int, path: str) -> float:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode())
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as resp:
        resp.read()
        assert resp.status == 200
    return (time.perf_counter() - started) * 1000


def stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[max(0, int(round(0.95 * len(ms))) - 1)], 1), "max_ms": round(ms[-1], 1)}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    return proc.communicate(timeout=120)[0]


def measure_big(args, tmp: Path) -> dict:
    dsn = f"chdb://{tmp / 'big'}"
    filled = fill(dsn, args.posts, args.risks, args.open_share)
    print(f"база: {filled['posts']} сообщений, {filled['risks']} рисков (открытых {filled['open']}), "
          f"{filled['fill_s']} с", flush=True)
    with FakeVK(token=VK_TOKEN) as vk:
        vk.add_community({**PODSLUSHANO, "comments": {}, "posts": []})
        live = Live(vk)
        proc = start_serve(dsn, tmp / "big-data", vk, args.port)
        live.thread.start()
        time.sleep(15)                                        # the first polls, the models warm
        for path in ("/", f"/risk/{filled['open_ids'][0]}"):
            fetch(args.port, path)
        register, risk = [], []
        for i in range(args.requests):
            register.append(fetch(args.port, "/"))
            risk.append(fetch(args.port, f"/risk/{filled['open_ids'][i % len(filled['open_ids'])]}"))
        live.stop.set()
        rss = peak_rss_mb(proc.pid)
        out = stop(proc)
        polls = len(vk.calls("wall.get"))
    return {"database": {k: v for k, v in filled.items() if k != "open_ids"}, "register": stats(register),
            "risk_page": stats(risk), "wall_get_calls_during_run": polls, "peak_rss_mb": rss,
            "stopped_cleanly": "Дозор остановлен." in out}


def measure_demo(args, tmp: Path) -> dict:
    data = tmp / "demo-data"
    env = {**os.environ, "DOZOR_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "pipeline.commands", "demo"], env=env, check=True, capture_output=True)
    dsn = f"chdb://{data / 'clickhouse'}"
    with FakeVK(token=VK_TOKEN) as vk:
        vk.add_community({**PODSLUSHANO, "comments": {}, "posts": []})
        live = Live(vk)
        proc = start_serve(dsn, data, vk, args.port + 1)
        live.thread.start()
        ids = json.loads(urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{args.port + 1}/api/risks?state=all", headers={"Authorization": "Basic " + base64.b64encode(
                f"{LOGIN}:{PASSWORD}".encode()).decode()})).read())["risks"]
        for _ in range(3):
            for path in ["/", "/map", "/sources", "/?state=all"] + [f"/risk/{r['alert_id']}" for r in ids]:
                fetch(args.port + 1, path)
        time.sleep(25)                                       # polls with the models loaded
        live.stop.set()
        rss = peak_rss_mb(proc.pid)
        stop(proc)
    return {"peak_rss_mb": rss, "risks": len(ids)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--posts", type=int, default=1_000_000)
    p.add_argument("--risks", type=int, default=5000)
    p.add_argument("--open-share", type=float, default=0.2)
    p.add_argument("--requests", type=int, default=60)
    p.add_argument("--port", type=int, default=18480)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "serve.json")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        big = measure_big(args, Path(tmp))
        print(json.dumps(big, ensure_ascii=False, indent=1), flush=True)
        demo = measure_demo(args, Path(tmp))
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "targets": {"page_p95_ms": 300, "demo_peak_rss_mb": 800},
              "big": big, "demo": demo,
              "met": {"register_p95": big["register"]["p95_ms"] <= 300, "risk_p95": big["risk_page"]["p95_ms"] <= 300,
                      "demo_rss": demo["peak_rss_mb"] <= 800}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
