"""Soak: seven days of event time at ten times a busy district's rate through `dozor run`'s live handler and the
risk tracker (issue 16) — is memory flat after the first day, is the time per post flat?

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python bench/bench_soak.py [--days 7] [--per-day 15000] [--trace]
        [--out bench/results/soak.json]        # one command, no dataset; 7 days take ~10-15 min on a quiet machine

The stream (bench/soak_stream.py, no dataset needed): residents' chatter from the district's localities and about
80 incidents a day — one problem, one locality of the gazetteer, 3-8 residents within 50 minutes. Posts arrive in
polls of ten simulated minutes, as `dozor run` hands them over: EmbeddedHandler (enrichment with the seed models,
detection, the risk tracker, the embedded ClickHouse opened as open_store opens it) with its wall clock and horizon
set to the simulated time; the tracker's tick (SLA marks, verdicts, sync with the store) runs every simulated hour.
Recorded per simulated day: RSS (VmRSS, anonymous), posts, milliseconds per post (wall, and the process's CPU time,
which a busy machine inflates less; of the wall time, how much went to calls into the store; the main thread's
CPU outside store calls, i.e. Python's; the CPU of each thread group), stories so far, the
sizes of the in-memory state, the engine's own memory figures (system.metrics), the threads by name, the store's
statements (calls, wall ms, the calling thread's CPU ms), the parts per table and the engine's merge counters
(system.events); with --trace, the Python heap (tracemalloc) and its top growers by file:line. At the end, how the stories match the incidents. Not a test: its figures go to
bench/results/soak.json and docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import platform
import re
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak_stream import soak_stream  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.sources import SourceConfig  # noqa: E402
from core.taxonomy import load_topics  # noqa: E402
from pipeline.kit import load_kit  # noqa: E402
from pipeline.live import EmbeddedHandler  # noqa: E402
from pipeline.stages import detector_factory, risk_tracker  # noqa: E402
from storage.clickhouse import open_store  # noqa: E402
from storage.risks import RiskStore  # noqa: E402

START = datetime(2026, 1, 12, tzinfo=timezone.utc)
SOURCES = 12


def rss() -> dict:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {k: round(int(status[k].split()[0]) / 1024, 1) for k in ("VmRSS", "RssAnon")}


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]


def pymalloc() -> dict:
    """Python's small-object allocator (its own 1 MiB arenas, outside malloc): arenas held, bytes in use."""
    with tempfile.TemporaryFile() as f:
        saved = os.dup(2)
        os.dup2(f.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        text = f.read().decode()
    arenas = re.search(r"(\d+) arenas \* (\d+) bytes/arena", text)
    used = re.search(r"# bytes in allocated blocks\s+=\s+([\d,]+)", text)
    return {"pymalloc_arenas": int(arenas[1]) * int(arenas[2]) / 2**20 if arenas else 0.0,
            "pymalloc_in_use": int(used[1].replace(",", "")) / 2**20 if used else 0.0}


def heaps(store) -> dict:
    """Where anonymous memory is (MB): Python's pymalloc arenas, glibc's malloc (Python's larger objects, numpy,
    scikit-learn: in use / free but kept), the engine's jemalloc (allocated / resident / retained), the engine's
    tracked memory and caches, its parts (all / active) and the process's threads."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    m = libc.mallinfo2()
    out = {**pymalloc(), "glibc_in_use": (m.uordblks + m.hblkhd) / 2**20, "glibc_free": m.fordblks / 2**20}
    stats = store.client.query("SELECT stats FROM system.jemalloc_stats").result_rows[0][0]
    found = re.search(r"Allocated: (\d+), active: \d+, metadata: (\d+).*?resident: (\d+), mapped: (\d+), "
                      r"retained: (\d+)", stats)
    if found:
        allocated, _, resident, _, retained = map(int, found.groups())
        out.update({"jemalloc_allocated": allocated / 2**20, "jemalloc_resident": resident / 2**20,
                    "jemalloc_retained": retained / 2**20})
    found = store.client.query("SELECT metric, value FROM system.metrics WHERE metric = 'MemoryTracking' "
                               "OR (metric LIKE '%Cache%Bytes%' AND value != 0)").result_rows
    out.update({f"engine_{name}": value / 2**20 for name, value in found})
    out = {k: round(v, 1) for k, v in out.items()}
    parts, active = store.client.query("SELECT count(), sum(active) FROM system.parts").result_rows[0]
    threads = Path("/proc/self/status").read_text().split("Threads:", 1)[1].split()[0]
    return {**out, "engine_parts": int(parts), "engine_active_parts": int(active), "threads": int(threads)}


def parts_by_table(store) -> dict[str, list[int]]:
    """database.table -> [parts, active parts], the tables with the most parts first."""
    found = store.client.query("SELECT database || '.' || table, count(), sum(active) FROM system.parts "
                               "GROUP BY 1 ORDER BY 2 DESC").result_rows
    return {name: [int(n), int(active)] for name, n, active in found}


ENGINE_EVENTS = ("Merge", "MergedRows", "MergedUncompressedBytes", "MergeTotalMilliseconds", "SelectedRows",
                 "SelectedMarks", "InsertQueryTimeMicroseconds", "SelectQueryTimeMicroseconds")


def engine_events(store) -> dict[str, int]:
    """The engine's counters since it started (system.events): merges, rows merged and read, query time."""
    return dict(store.client.query("SELECT event, toInt64(value) FROM system.events WHERE event IN {e:Array(String)}",
                                   parameters={"e": list(ENGINE_EVENTS)}).result_rows)


def thread_names() -> dict[str, int]:
    """The process's threads by name (digits dropped: ThreadPool, BgSchPool, MergeMutate, python, ...)."""
    names = defaultdict(int)
    for task in Path("/proc/self/task").iterdir():
        try:
            names[re.sub(r"\d+$", "", (task / "comm").read_text().strip())] += 1
        except OSError:                                            # the thread ended meanwhile
            pass
    return dict(sorted(names.items(), key=lambda kv: -kv[1]))


def thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) of the process's live threads by name, the main thread as "main": which threads
    the process CPU that is neither a store call's nor a merge's goes to (Python, or the engine's background)."""
    tick, main = os.sysconf("SC_CLK_TCK"), str(os.getpid())
    out = defaultdict(float)
    for task in Path("/proc/self/task").iterdir():
        try:
            name = re.sub(r"\d+$", "", (task / "comm").read_text().strip())
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:                                            # the thread ended meanwhile
            continue
        out["main" if task.name == main else name] += (int(fields[11]) + int(fields[12])) / tick
    return dict(out)


class StoreClock:
    """Wall time spent in the store's client calls (query, insert, command): the storage share of a post's time,
    and per statement (`by_statement`: "insert posts", "query SELECT uid, argMax(..." -> [calls, seconds]), so
    that a statement whose cost grows with the days shows in the day's figures."""

    def __init__(self, client):
        self.spent = 0.0
        self.cpu = 0.0                                             # the calling thread's CPU in those calls
        self.by_statement: dict[str, list] = defaultdict(lambda: [0, 0.0, 0.0])
        for name in ("query", "insert", "command"):
            setattr(client, name, self._timed(name, getattr(client, name)))

    def _timed(self, name, call):
        def timed(*args, **kwargs):
            started, cpu_started = time.perf_counter(), time.thread_time()
            try:
                return call(*args, **kwargs)
            finally:
                took, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
                self.spent += took
                self.cpu += cpu
                what = self.by_statement[f"{name} {' '.join(str(args[0] if args else kwargs).split())[:60]}"]
                what[0] += 1
                what[1] += took
                what[2] += cpu
        return timed

    def take(self) -> dict[str, dict]:
        """The statements since the last take: calls, wall milliseconds (and per call), and the calling thread's
        CPU milliseconds per call (the engine's work in this thread, not its background merges), costliest first."""
        out = {k: {"calls": n, "ms": round(1000 * s), "ms_per_call": round(1000 * s / n, 2),
                   "cpu_ms_per_call": round(1000 * c / n, 2)}
               for k, (n, s, c) in sorted(self.by_statement.items(), key=lambda kv: -kv[1][1])}
        self.by_statement.clear()
        return out


def sizes(handler: EmbeddedHandler) -> dict:
    d, r = handler.detector, handler.risks
    return {"handler_alerts": len(handler.alerts), "detector_recent": len(d.recent), "detector_stories": len(d.stories),
            "detector_pending": sum(len(q) for q in d.pending.values()), "detector_meaning": len(d.meaning),
            "rarity_days": len(d.rarity.by_day), "rarity_stems": len(d.rarity.total),
            "tracker_risks": len(r.risks), "tracker_seen": len(r.seen), "tracker_wake": len(r.wake),
            "tracker_linked": len(r.linked)}


def growers(before, after, top: int = 12) -> list[str]:
    def where(frame) -> str:
        return f"{frame.filename.removeprefix(str(ROOT) + '/').removeprefix(sys.prefix + '/')}:{frame.lineno}"
    return [f"{where(s.traceback[0])} {s.size_diff / 1024:+.0f} KiB ({s.count_diff:+d})"
            for s in after.compare_to(before, "lineno")[:top]]


def matching(alerts: dict[str, tuple[str, ...]], of_incident: dict[str, int], incidents: int) -> dict:
    """How the stories formed match the incidents generated."""
    stories_of = defaultdict(set)
    chatter = mixed = 0
    for alert_id, uids in alerts.items():
        found = {of_incident.get(u) for u in uids}
        chatter += found == {None}
        mixed += len(found - {None}) > 1
        for k in found - {None}:
            stories_of[k].add(alert_id)
    own = sum(1 for k, ids in stories_of.items() if len(ids) == 1
              and {of_incident.get(u) for u in alerts[next(iter(ids))]} <= {k, None})
    return {"incidents": incidents, "stories": len(alerts), "incidents_own_story": own,
            "incidents_without_story": incidents - len(stories_of),
            "incidents_split": sum(len(ids) > 1 for ids in stories_of.values()),
            "stories_joining_incidents": mixed, "stories_of_chatter_only": chatter}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--per-day", type=int, default=15_000, help="10x a busy district (about 1,500 posts a day)")
    ap.add_argument("--poll-min", type=float, default=10, help="simulated minutes between polls")
    ap.add_argument("--trace", action="store_true", help="tracemalloc: the Python heap and its growers per day")
    ap.add_argument("--models", type=Path, help="a models directory (default: trained from the seed corpus)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "soak.json")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dozor-soak-"))
    settings = Settings(data_dir=work, models_dir=args.models)
    topics = load_topics(settings.topics_file)
    kit = load_kit(settings)
    localities = [s.name for s in kit.gazetteer.settlements if not s.twin_of and "(" not in s.name]
    posts, of_incident, incidents = soak_stream(args.days, args.per_day, localities, START)
    print(f"{len(posts)} posts over {args.days} days, {len(incidents)} incidents in "
          f"{len({p for _, p in incidents})} localities", flush=True)

    clock = [START]
    now = lambda: clock[0]                                         # noqa: E731 - the simulated wall clock
    store = open_store(settings)
    store_clock = StoreClock(store.client)
    risks, _ = risk_tracker(settings, store, "soak", topics, horizon=now)
    handler = EmbeddedHandler(kit, detector_factory(settings, topics, kit.gazetteer)(horizon=now), store, "soak",
                              risks=risks, risk_store=RiskStore(store, "soak"), clock=now)
    sources = {f"vk:-{i + 1}": SourceConfig("vk", f"-{i + 1}") for i in range(SOURCES)}
    alerts: dict[str, tuple[str, ...]] = {}
    handler.on_alert = lambda alert, new: alerts.__setitem__(alert.alert_id, alert.post_uids)
    days, i, poll = [], 0, timedelta(minutes=args.poll_min)
    next_tick = START + timedelta(hours=1)
    if args.trace:
        tracemalloc.start(1)
    gc.collect()
    base = {**rss(), **heaps(store)}
    events = engine_events(store)
    store_clock.take()
    snap = tracemalloc.take_snapshot() if args.trace else None
    print("start", base, flush=True)
    for day in range(args.days):
        day_end, started, n = START + timedelta(days=day + 1), time.perf_counter(), 0
        cpu_started, store_started = time.process_time(), store_clock.spent
        main_started, store_cpu_started, threads_started = time.thread_time(), store_clock.cpu, thread_cpu()
        while clock[0] < day_end:
            clock[0] += poll
            batch = defaultdict(list)
            while i < len(posts) and posts[i].published_at <= clock[0]:
                batch[posts[i].source].append(posts[i])
                i += 1
                n += 1
            for source, mine in batch.items():
                handler(tuple(mine), sources[source])
            if clock[0] >= next_tick:
                handler.tick(clock[0])
                next_tick += timedelta(hours=1)
        took, cpu, in_store = (time.perf_counter() - started, time.process_time() - cpu_started,
                               store_clock.spent - store_started)
        python_cpu = time.thread_time() - main_started - (store_clock.cpu - store_cpu_started)
        threads_cpu = {k: v - threads_started.get(k, 0.0) for k, v in thread_cpu().items()}
        statements = store_clock.take()
        events, before = engine_events(store), events
        gc.collect()
        row = {"day": day + 1, "posts": n, "ms_per_post": round(1000 * took / max(n, 1), 2),
               "cpu_ms_per_post": round(1000 * cpu / max(n, 1), 2), "store_ms_per_post": round(1000 * in_store / max(n, 1), 2),
               "python_cpu_ms_per_post": round(1000 * python_cpu / max(n, 1), 2),
               "thread_cpu_ms_per_post": {k: round(1000 * v / max(n, 1), 2) for k, v in
                                          sorted(threads_cpu.items(), key=lambda kv: -kv[1]) if v > 0},
               "load_1m": round(os.getloadavg()[0], 1),
               "stories_so_far": len(alerts), **rss(), **heaps(store), **sizes(handler), "thread_names": thread_names(),
               "parts_by_table": parts_by_table(store), "store_statements": statements,
               "engine_events": {k: v - before.get(k, 0) for k, v in events.items()}}
        if args.trace:
            now_snap = tracemalloc.take_snapshot()
            row["python_heap_mb"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 1)
            row["top_growers"] = growers(snap, now_snap)
            snap = now_snap
        store_clock.take()                                         # the figures' own queries are not the day's
        days.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    result = {"what": "7 days of event time at 10x a busy district through EmbeddedHandler + RiskTracker "
                      f"(seed models, embedded ClickHouse via open_store), polls of {args.poll_min:g} simulated "
                      "minutes, hourly ticks" + (", tracemalloc on" if args.trace else ""),
              "machine": {"python": platform.python_version(), "cpus": 2},
              "posts": len(posts), "localities": len({p for _, p in incidents}),
              **matching(alerts, of_incident, len(incidents)), "rss_start_mb": base, "days": days,
              "growth_after_day1_mb": {k: round(max(d[k] for d in days) - days[0][k], 1)
                                       for k in ("VmRSS", "RssAnon", "glibc_in_use", "jemalloc_resident")
                                       if k in days[0]},
              "ms_per_post_day1_vs_last": [days[0]["ms_per_post"], days[-1]["ms_per_post"]],
              "cpu_ms_per_post_day1_vs_last": [days[0]["cpu_ms_per_post"], days[-1]["cpu_ms_per_post"]],
              "load_average_at_end": os.getloadavg()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "days"}, ensure_ascii=False))
    store.close()


if __name__ == "__main__":
    main()
