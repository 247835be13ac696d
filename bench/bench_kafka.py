"""Kafka mode on ../shared/datasets/stream-dev/posts.jsonl against a real local broker (not needed by tests).

    python bench/bench_kafka.py [--posts FILE] [--out bench/results/kafka.json] [--rate 100]

Starts a broker with deploy/kafka/kafka.sh on DOZOR_BENCH_KAFKA_PORT (default 19192) unless one listens there,
then, each run with its own topics and one fresh `dozor worker` (models trained beforehand, not timed):
1. throughput: the first half of the week (in event time) published at once to a fresh worker (cold caches),
   then the second half and --repeat - 1 copies of the week shifted a week each (steady state, ~10k posts); posts/s = posts / (time from publishing to the last enriched post read
   on posts.enriched.v1), and the same up to the last post detected (the worker's status file). For comparison,
   the embedded enrichment stage on the same posts in this process right after (the machine is shared).
2. latency: posts published at --rate posts/s in event-time order; for every alert snapshot on alerts.v1 the
   latency is the time the worker sent it minus the time its newest post was sent (p50/p95/max).
Diagnostics: DOZOR_BENCH_TRACE=1 prints the worker's counters every 0.5 s (posts waiting for the watermark, each
raw partition's event time); DOZOR_BENCH_PYSPY=FILE records the worker with py-spy during the steady phase.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from collectors.files import read_files  # noqa: E402
from core.settings import Kafka  # noqa: E402
from pipeline.stream import codec  # noqa: E402
from pipeline.stream.broker import TopicNames  # noqa: E402
from pipeline.stream.publish import publish  # noqa: E402

DEFAULT_POSTS = ROOT.parent / "shared" / "datasets" / "stream-dev" / "posts.jsonl"
KAFKA_SH = ROOT / "deploy" / "kafka" / "kafka.sh"


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Worker:
    def __init__(self, env: dict, work: Path):
        self.status_file = work / f"worker-{uuid.uuid4().hex[:6]}.json"
        self.log = open(work / "worker.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline.commands", "worker", "--status",
                                      str(self.status_file)], env=env, cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def status(self) -> dict:
        try:
            return json.loads(self.status_file.read_text())
        except (OSError, ValueError):
            return {}

    def wait(self, cond, timeout=300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}")
            if cond(self.status()):
                return
            time.sleep(0.05)
        raise RuntimeError(f"timed out; worker status {self.status()}")

    def trace(self) -> None:
        """DOZOR_BENCH_TRACE: the worker's counters and CPU seconds every 0.5 s, until it exits."""
        def loop():
            while self.proc.poll() is None:
                s = self.status()
                if s:
                    print(f"{time.time():.2f} cpu={process_cpu_s(self.proc.pid)} enriched={s.get('enriched')} "
                          f"detected={s.get('detected')} detect_s={s.get('detect_s', 0):.2f} "
                          f"enrich_s={s.get('enrich_s', 0):.2f} lanes={s.get('lanes')}", flush=True)
                time.sleep(0.5)
        threading.Thread(target=loop, daemon=True).start()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def read_topic(k: Kafka, topic: str, until, timeout: float) -> list[tuple[float, bytes]]:
    """(time the producer sent it, value) of messages on topic from the beginning until until(...) or timeout."""
    from aiokafka import AIOKafkaConsumer
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=k.brokers, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    got: list[tuple[float, bytes]] = []
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not until(got):
            batch = await consumer.getmany(timeout_ms=100)
            for records in batch.values():
                got.extend((r.timestamp / 1000, r.value) for r in records)
    finally:
        await consumer.stop()
    return got


class PostCount:
    """read_topic's `until` for posts.enriched.v1: true once the bundles read hold `posts` posts."""

    def __init__(self, posts: int):
        self.posts, self.seen, self.read = posts, 0, 0

    def __call__(self, got: list[tuple[float, bytes]]) -> bool:
        for _, value in got[self.read:]:
            self.seen += len(json.loads(value).get("posts", ()))
        self.read = len(got)
        return self.seen >= self.posts


def copy_of(p, r: int):
    """The post r weeks later, under a new uid (its replies point at the copy of their parent)."""
    return replace(p, uid=f"{p.uid}#w{r}", published_at=p.published_at + timedelta(days=7 * r),
                   parent_uid=f"{p.parent_uid}#w{r}" if p.parent_uid else None)


def cpu_times() -> list[int]:
    """The machine's CPU time counters (/proc/stat: user nice system idle iowait irq softirq steal ...)."""
    try:
        with open("/proc/stat") as f:
            return [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return []


def steal_percent(before: list[int], after: list[int]) -> float | None:
    """Share of CPU time the hypervisor gave to other guests between two readings (a VM's noisy neighbours)."""
    if len(before) < 8 or len(after) < 8:
        return None
    d = [b - a for a, b in zip(before, after, strict=False)]
    return round(100 * d[7] / max(1, sum(d)), 1)


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (/proc/PID/stat fields 14 and 15)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=Path, default=DEFAULT_POSTS)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "kafka.json")
    ap.add_argument("--rate", type=float, default=100.0, help="posts/s in the latency run")
    ap.add_argument("--repeat", type=int, default=4,
                    help="steady phase: the second half plus this many - 1 copies of the week, each a week later")
    args = ap.parse_args()
    port = int(os.environ.get("DOZOR_BENCH_KAFKA_PORT", "19192"))
    work = Path(tempfile.mkdtemp(prefix="dozor-bench-kafka-"))
    started_broker = not listening(port)
    broker_opts = ["--port", str(port), "--controller-port", str(port + 1), "--dir", str(work / "kafka")]
    try:
        if started_broker:
            subprocess.run([str(KAFKA_SH), "start", "--fresh", *broker_opts], check=True)
        env = {**os.environ, "DOZOR_DATA_DIR": str(work / "data"), "DOZOR_KAFKA__BROKERS": f"127.0.0.1:{port}",
               "OPENBLAS_NUM_THREADS": "1"}
        subprocess.run([sys.executable, "-c", "from pipeline.kit import load_kit; from core.settings import "
                        "Settings; load_kit(Settings())"], check=True, env=env, cwd=ROOT)
        items = list(read_files([args.posts]))
        posts = [p for p in items if not hasattr(p, "reason")]
        published_at = {p.uid: p.published_at for p in posts}

        # 1. throughput: the first half of the week on a fresh worker (cold caches), then the second half (steady)
        by_time = sorted(posts, key=lambda p: (p.published_at, p.uid))
        # steady state needs volume: fixed costs (a consumer's start, the lane's idle_s release at the end of input)
        # would otherwise dominate a 1,450-post half; later copies carry new uids and times a week apart each
        halves = (by_time[: len(by_time) // 2],
                  by_time[len(by_time) // 2:] + [copy_of(p, r) for r in range(1, args.repeat) for p in by_time])
        k = Kafka(brokers=f"127.0.0.1:{port}", prefix=f"bench{uuid.uuid4().hex[:6]}.")
        cpu_before = cpu_times()
        worker = Worker({**env, "DOZOR_KAFKA__PREFIX": k.prefix}, work)
        worker.wait(lambda s: len(s.get("raw_partitions", [])) == k.partitions)
        if os.environ.get("DOZOR_BENCH_TRACE"):
            worker.trace()
        rates, cpu_s, done = [], [], 0
        for half in halves:
            spy = None
            if os.environ.get("DOZOR_BENCH_PYSPY") and half is halves[1]:
                spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw",
                                        "-o", os.environ["DOZOR_BENCH_PYSPY"], "--pid", str(worker.proc.pid),
                                        "--idle", "--rate", "200"])
                time.sleep(1)
            t0, cpu0 = time.time(), process_cpu_s(worker.proc.pid)
            sent = asyncio.run(publish(k, half))
            if os.environ.get("DOZOR_BENCH_TRACE"):
                print(f"{t0:.2f} publish start; {time.time():.2f} published {sent.posts}", flush=True)
            done += sent.posts
            enriched = asyncio.run(read_topic(k, TopicNames.of(k).enriched, PostCount(done), 600))
            last_enriched = max(t for t, v in enriched if v != codec.TICK)
            worker.wait(lambda s, done=done: s.get("detected", 0) >= done)
            if spy:
                spy.send_signal(signal.SIGINT)
                spy.wait()
            rates.append((sent.posts / (last_enriched - t0), sent.posts / (time.time() - t0)))
            cpu1 = process_cpu_s(worker.proc.pid)
            cpu_s.append(round(cpu1 - cpu0, 1) if cpu0 is not None and cpu1 is not None else None)
        steal = steal_percent(cpu_before, cpu_times())
        alerts_total = worker.status().get("alerts")
        busy = {key: round(worker.status()[key], 1) for key in ("enrich_s", "detect_s")}
        worker.stop()
        # the embedded stage on the same posts in this process, now, for comparison under the same machine load
        from core.settings import Settings
        from pipeline.enrich import enrich_batch
        from pipeline.kit import load_kit
        kit = load_kit(Settings(data_dir=work / "data"))
        t = time.perf_counter()
        for i in range(0, len(by_time), 500):
            enrich_batch(by_time[i:i + 500], kit)
        embedded_rate = len(by_time) / (time.perf_counter() - t)

        # 2. latency at a steady rate
        k2 = Kafka(brokers=f"127.0.0.1:{port}", prefix=f"bench{uuid.uuid4().hex[:6]}.")
        worker = Worker({**env, "DOZOR_KAFKA__PREFIX": k2.prefix}, work)
        worker.wait(lambda s: len(s.get("raw_partitions", [])) == k2.partitions)

        async def latency_run():
            reader = asyncio.create_task(read_topic(
                k2, TopicNames.of(k2).alerts, lambda got: False, timeout=len(posts) / args.rate + 30))
            out = await publish(k2, items, rate=args.rate, record_times=True)
            return out, await reader
        sent2, alert_msgs = asyncio.run(latency_run())
        worker.stop()
        latencies = []
        for read_at, value in alert_msgs:
            a = codec.decode_alert(value)
            newest = [u for u in a.post_uids if published_at[u] == a.updated_at]
            latencies.append(read_at - max(sent2.sent_at[u] for u in newest))

        result = {
            "posts": len(posts), "input": args.posts.name, "partitions": k.partitions, "workers": 1,
            "phases": {"cold": len(halves[0]), "steady": len(halves[1]),
                       "steady_is": f"the second half of the week + {args.repeat - 1} copies of the whole week, a week apart each"},
            "worker_posts_per_s_cold": {"enriched": round(rates[0][0]), "detected": round(rates[0][1])},
            "worker_posts_per_s_steady": {"enriched": round(rates[1][0]), "detected": round(rates[1][1])},
            "worker_busy_s": busy,
            # the worker's own CPU time in the steady phase: posts per CPU second do not depend on how much of
            # the machine the VM's host leaves us (steal), wall-clock posts/s do
            "worker_cpu_s_steady": cpu_s[1],
            "worker_posts_per_cpu_s_steady": round(len(halves[1]) / cpu_s[1]) if cpu_s[1] else None,
            "embedded_enrich_posts_per_s_same_load": round(embedded_rate),
            "load_average_1m_at_end": os.getloadavg()[0],
            "cpu_steal_percent_during_throughput_run": steal,
            "alert_snapshots": alerts_total,
            "latency_run": {"rate_posts_per_s": args.rate, "alert_snapshots": len(latencies),
                            "produce_to_alert_s_p50": round(pct(latencies, 50), 3),
                            "produce_to_alert_s_p95": round(pct(latencies, 95), 3),
                            "produce_to_alert_s_max": round(max(latencies), 3)},
            "settings": {"enrich_batch": k.enrich_batch, "batch_within_s": k.batch_within_s,
                         "lateness_s": k.lateness_s, "idle_s": k.idle_s, "tick_s": k.tick_s},
            "note": "replay in accelerated time; live, a post waits until every raw partition has passed its event "
                    "time (+ lateness_s) or has been silent for idle_s, so sparse sources add up to idle_s + tick_s",
            "targets": {"worker_posts_per_s": 500, "produce_to_alert_s_p95": 5.0},
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        print(json.dumps(result, ensure_ascii=False))
    finally:
        if started_broker:
            subprocess.run([str(KAFKA_SH), "stop", *broker_opts])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
