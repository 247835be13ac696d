"""Runs Дозор's Kafka-mode processes (`dozor worker`, `dozor sink`, `dozor publish`) as subprocesses for tests,
reads their status files and queries the sink's database with `dozor sql` once the sink has stopped. The alert
chat is a fake Bot API on loopback (tests/fakes/bot_api.py) that records what the sink sends."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "pipeline" / "data" / "demo" / "posts.jsonl"
DEMO_POSTS = sum(1 for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip())   # all valid
BOT_TOKEN, CHAT = "4242:stream", -1004242
# every card change is an edit at once (no merging by wall time) and no throttling: what the chat receives is a
# function of the input alone, so the embedded and the Kafka runs can be compared request by request
CHAT_SETTINGS = {"BOT_TOKEN": BOT_TOKEN, "ALERT_CHAT_ID": str(CHAT), "EDIT_INTERVAL_S": "0",
                 "MAX_MESSAGES_PER_MINUTE": "100000"}
RISK_EVENTS = ("SELECT alert_id, event_id, seq, toString(at) AS at, event, state, actor, details FROM risk_events "
               "FINAL ORDER BY alert_id, at, seq, event_id")
RISK_ANSWERS = ("SELECT alert_id, answer_id, toString(answered_at) AS at, text, platforms, links, linked_uids, author, "
                "origin FROM risk_answers FINAL ORDER BY alert_id, answer_id")


def chat_requests(tg) -> list[tuple]:
    """What a fake Bot API received, as (method, text, message edited, message replied to, buttons)."""
    return [(c.method, c.params.get("text"), c.params.get("message_id"),
             (c.params.get("reply_parameters") or {}).get("message_id"), json.dumps(c.params.get("reply_markup")))
            for c in tg.calls()]


class Harness:
    def __init__(self, brokers: str, prefix: str, models_dir: Path, work: Path, bot_api_base: str = "",
                 **settings: str):
        self.prefix, self.work = prefix, work
        self.env = {**os.environ, "DOZOR_KAFKA__BROKERS": brokers, "DOZOR_KAFKA__PREFIX": prefix,
                    "DOZOR_MODELS_DIR": str(models_dir), "DOZOR_DATA_DIR": str(work / "data"),
                    "DOZOR_CLICKHOUSE__DSN": f"chdb://{work / 'sinkdb'}", "OPENBLAS_NUM_THREADS": "1",
                    # a raw partition silent this long stops holding detection back: it must exceed how far one
                    # worker's enrichment can lag another's. 2 s (the default) once let a late-starting second
                    # worker's posts arrive behind the watermark on the loaded 2-core CI machine
                    "DOZOR_KAFKA__IDLE_S": "10",
                    **({f"DOZOR_TELEGRAM__{k}": v for k, v in {**CHAT_SETTINGS, "BOT_API_BASE": bot_api_base}.items()}
                       if bot_api_base else {}),
                    **{f"DOZOR_KAFKA__{k.upper()}": str(v) for k, v in settings.items()}}
        self.procs: dict[str, subprocess.Popen] = {}

    def set(self, **settings) -> None:
        self.env.update({f"DOZOR_KAFKA__{k.upper()}": str(v) for k, v in settings.items()})

    def dozor(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pipeline.commands", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.work / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen([sys.executable, "-m", "pipeline.commands", "-v", *args,
                                             "--status", str(self.status_path(name))],
                                            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        return self.procs[name]

    def start_worker(self, name: str = "worker") -> subprocess.Popen:
        return self.start(name, "worker")

    def start_sink(self) -> subprocess.Popen:
        return self.start("sink", "sink")

    def status_path(self, name: str) -> Path:
        return self.work / f"{name}.json"

    def status(self, name: str) -> dict:
        try:
            return json.loads(self.status_path(name).read_text())
        except (OSError, ValueError):
            return {}

    def kill(self, name: str) -> None:
        """kill -9, as a crash."""
        p = self.procs.pop(name)
        p.kill()
        p.wait()
        self.status_path(name).unlink(missing_ok=True)

    def stop(self, name: str, timeout: float = 30) -> None:
        p = self.procs.pop(name)
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise AssertionError(f"{name} did not stop on SIGTERM in {timeout} s") from None

    def log(self, name: str) -> str:
        return (self.work / f"{name}.log").read_text(errors="replace")

    def wait(self, what: str, cond, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, p in self.procs.items():
                if p.poll() is not None:
                    raise AssertionError(f"{name} exited ({p.returncode}) while waiting for {what}:\n"
                                         + self.log(name)[-3000:])
            if cond():
                return
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}; statuses: "
                             + "; ".join(f"{n}={self.status(n)}" for n in self.procs))

    def wait_quiet(self, posts: int, quiet_s: float | None = None, timeout: float = 180) -> None:
        """Until the sink has stored `posts` posts and written nothing new for quiet_s (default: idle_s + 5 s,
        so the lane's end-of-input release has happened)."""
        quiet_s = quiet_s if quiet_s is not None else float(self.env["DOZOR_KAFKA__IDLE_S"]) + 5
        self.wait(f"{posts} posts stored", lambda: self.status("sink").get("posts") == posts, timeout)
        last, since = None, time.monotonic()
        while time.monotonic() - since < quiet_s:
            s = self.status("sink")
            now = (s.get("new_posts"), s.get("snapshots"), s.get("letters"))
            if now != last:
                last, since = now, time.monotonic()
            time.sleep(0.3)

    def query(self, sql: str) -> list[dict]:
        """Through `dozor sql` (the sink must be stopped: the embedded database is single-process)."""
        done = self.dozor("sql", sql, "--format", "jsonl")
        assert done.returncode == 0, done.stderr
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    def result(self) -> tuple[dict[str, int], dict[str, frozenset], int]:
        """(rows per post uid, alert id -> post uids, alert rows after FINAL) from the sink's database."""
        posts = {r["uid"]: int(r["n"]) for r in self.query("SELECT uid, count() AS n FROM posts GROUP BY uid")}
        alerts = self.query("SELECT alert_id, post_uids FROM alerts FINAL")
        return posts, {a["alert_id"]: frozenset(a["post_uids"]) for a in alerts}, len(alerts)

    def workflow(self) -> tuple[list[dict], list[dict]]:
        """(risk events, risk answers) from the sink's database."""
        return self.query(RISK_EVENTS), self.query(RISK_ANSWERS)

    def close(self) -> None:
        for name in list(self.procs):
            p = self.procs.pop(name)
            if p.poll() is None:
                p.kill()
                p.wait()
