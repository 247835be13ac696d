"""Kafka mode against a real broker: the same posts, alerts, risk events and alert-chat messages as the embedded
runner, exactly once, through a worker crash, with two workers, through a rebalance and through a sink outage;
bad messages become dead letters."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid

import pytest

from tests.fakes.bot_api import FakeBotApi
from tests.integration.harness import (
    BOT_TOKEN,
    CHAT_SETTINGS,
    DEMO,
    DEMO_POSTS,
    RISK_ANSWERS,
    RISK_EVENTS,
    ROOT,
    chat_requests,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def embedded(chdb_root, models_dir):
    """The demo week as `dozor replay` runs it (embedded runner), with the alert chat: (post uids, alert id -> post
    uids, risk events, risk answers, chat requests)."""
    import json

    from collectors.files import read_files
    from core.settings import Settings
    from pipeline.commands.replay import replay_items
    from storage.clickhouse import ClickHouseStore

    with FakeBotApi(BOT_TOKEN) as tg:
        telegram = {k.lower(): v for k, v in {**CHAT_SETTINGS, "BOT_API_BASE": tg.base}.items()}
        settings = Settings(models_dir=models_dir, telegram=telegram)
        store = ClickHouseStore.connect(f"chdb://{chdb_root}?database=embedded_{uuid.uuid4().hex[:8]}")
        store.migrate()
        replay_items(settings, read_files([DEMO]), store, "embedded", print_new=False)
        sent = chat_requests(tg)
    uids = {r["uid"] for r in store.query_dicts("SELECT uid FROM posts")}
    alerts = {a["alert_id"]: frozenset(a["post_uids"]) for a in store.alerts()}
    # as `dozor sql --format jsonl` gives them to the Kafka side
    events, answers = (json.loads(json.dumps(store.query_dicts(q), default=str)) for q in (RISK_EVENTS, RISK_ANSWERS))
    assert len(uids) == DEMO_POSTS and len(alerts) >= 5     # the demo week has stories to compare
    assert {"answered", "watching", "worked_out"} <= {e["event"] for e in events} and answers
    assert sum(1 for r in sent if r[0] == "sendMessage" and r[4] != "null") == len(alerts)     # a card per story
    return uids, alerts, events, answers, sent


def cards(sent: list[tuple]) -> list[str]:
    return [r[1] for r in sent if r[0] == "sendMessage" and r[4] != "null"]


def assert_same_as_embedded(harness, embedded, chat, once: bool = True) -> None:
    """Posts, alerts, risk events and answers as in the embedded run; the chat received exactly the embedded
    run's requests (once=False, after a sink killed mid-stream: the same messages, a message at most twice)."""
    uids, alerts, events, answers, sent = embedded
    stored, kafka_alerts, alert_rows = harness.result()
    assert set(stored) == uids
    assert {u: n for u, n in stored.items() if n != 1} == {}          # every post stored exactly once
    assert alert_rows == len(kafka_alerts)
    assert kafka_alerts == alerts                                      # same ids, same post sets
    assert harness.workflow() == (events, answers)
    got = chat_requests(chat)
    if once:
        assert got == sent
    else:
        assert {r[:2] for r in got} == {r[:2] for r in sent}
        assert sorted(set(cards(got))) == sorted(cards(sent)) and len(cards(got)) <= len(cards(sent)) + 1


async def _produce_bad(brokers: str, topic: str) -> None:
    from aiokafka import AIOKafkaProducer
    producer = AIOKafkaProducer(bootstrap_servers=brokers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"\xff\xfe not utf-8", key=b"vk:-1")
        await producer.send_and_wait(topic, b'{"platform": "vk", "text": "no id"}', key=b"vk:-1")
        await producer.send_and_wait(topic, b"{broken json", key=b"vk:-1")
    finally:
        await producer.stop()


def test_kafka_mode_gives_the_embedded_result_and_dead_letters(harness, embedded, kafka_brokers, chat):
    harness.start_sink()
    harness.start_worker()
    done = harness.dozor("publish", str(DEMO))
    assert done.returncode == 0, done.stderr
    assert str(DEMO_POSTS) in done.stdout
    asyncio.run(_produce_bad(kafka_brokers, f"{harness.prefix}posts.raw.v1"))
    harness.wait("dead letters stored", lambda: harness.status("sink").get("dead_letters") == 3)
    harness.wait_quiet(posts=DEMO_POSTS)
    assert harness.status("worker")["enriched"] == DEMO_POSTS
    harness.stop("worker")
    harness.stop("sink")
    assert_same_as_embedded(harness, embedded, chat)
    letters = harness.query("SELECT origin, reason FROM dead_letters ORDER BY origin")
    reasons = sorted(r["reason"] for r in letters)
    assert len(reasons) == 3
    assert any(r.startswith("некорректный JSON") for r in reasons)
    assert any(r.startswith("неверная кодировка") for r in reasons)
    assert any(r.startswith("нет обязательного поля: source, id, published_at") for r in reasons)
    assert all(r["origin"].startswith(f"{harness.prefix}posts.raw.v1[") for r in letters)


def _halves(folder):
    """The demo week split in event time: the first 350 posts and the rest, as two replay files."""
    import json
    lines = sorted(DEMO.read_text(encoding="utf-8").splitlines(), key=lambda line: json.loads(line)["published_at"])
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    first.write_text("\n".join(lines[:350]) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines[350:]) + "\n", encoding="utf-8")
    return first, second


def test_worker_killed_mid_stream_loses_and_doubles_nothing(harness, embedded, tmp_path, chat):
    first, second = _halves(tmp_path)
    harness.set(enrich_batch=20)             # small batches: the kill lands between many commits
    harness.start_sink()
    harness.start_worker("worker")
    assert harness.dozor("publish", str(first)).returncode == 0
    harness.wait("the first half detected", lambda: harness.status("worker").get("detected", 0) >= 300)
    time.sleep(2)                            # its lane saved to the changelog, offsets committed
    publishing = subprocess.Popen([sys.executable, "-m", "pipeline.commands", "publish", str(second)],
                                  env=harness.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    harness.wait("the second half in flight", lambda: harness.status("worker").get("enriched", 0) >= 400)
    harness.kill("worker")                   # kill -9 mid-stream
    assert publishing.wait(60) == 0
    assert harness.status("sink").get("posts", 0) < DEMO_POSTS
    harness.start_worker("worker2")
    harness.wait_quiet(posts=DEMO_POSTS)
    assert harness.status("worker2")["detected"] < DEMO_POSTS   # it resumed from the changelog, not from the start
    harness.stop("worker2")
    harness.stop("sink")
    assert_same_as_embedded(harness, embedded, chat)


def test_two_workers_share_partitions_and_give_one_workers_result(harness, embedded, chat):
    harness.set(enrich_batch=20)
    harness.start_sink()
    harness.start_worker("a")
    harness.start_worker("b")

    def split() -> bool:
        a, b = harness.status("a").get("raw_partitions"), harness.status("b").get("raw_partitions")
        return bool(a) and bool(b) and sorted(a + b) == [0, 1, 2, 3]
    harness.wait("both workers assigned raw partitions", split)
    assert harness.dozor("publish", str(DEMO)).returncode == 0
    harness.wait_quiet(posts=DEMO_POSTS)
    a, b = harness.status("a")["enriched"], harness.status("b")["enriched"]
    assert a > 0 and b > 0 and a + b >= DEMO_POSTS
    harness.stop("a")
    harness.stop("b")
    harness.stop("sink")
    assert_same_as_embedded(harness, embedded, chat)


def test_rebalance_while_posts_flow_loses_and_doubles_nothing(harness, embedded, tmp_path, chat):
    """A second worker joins while posts flow, then the first leaves: raw partitions, the detection lane and its
    table move between live workers twice, and the result is still one worker's."""
    first, second = _halves(tmp_path)
    harness.set(enrich_batch=10)
    harness.start_sink()
    harness.start_worker("a")
    assert harness.dozor("publish", str(first)).returncode == 0
    harness.wait("the first half detected", lambda: harness.status("a").get("detected", 0) >= 300)
    publishing = subprocess.Popen([sys.executable, "-m", "pipeline.commands", "publish", str(second), "--rate", "15"],
                                  env=harness.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    harness.wait("the second half flowing", lambda: harness.status("a").get("enriched", 0) >= 380)
    harness.start_worker("b")                # joins mid-stream: partitions are reassigned while posts flow

    def shared() -> bool:
        a, b = harness.status("a").get("raw_partitions"), harness.status("b").get("raw_partitions")
        return bool(a) and bool(b) and sorted(a + b) == [0, 1, 2, 3]
    harness.wait("the raw partitions shared", shared)
    harness.wait("b enriching", lambda: harness.status("b").get("enriched", 0) > 0)
    assert publishing.poll() is None, "the second half was published before the rebalance: slow it down"
    harness.stop("a")                        # leaves mid-stream: everything, the lane too, moves to b
    harness.wait("b took every raw partition", lambda: harness.status("b").get("raw_partitions") == [0, 1, 2, 3])
    assert publishing.wait(120) == 0
    harness.wait_quiet(posts=DEMO_POSTS)
    assert harness.status("b")["enriched"] < DEMO_POSTS - 300   # b did not start over
    harness.stop("b")
    harness.stop("sink")
    assert_same_as_embedded(harness, embedded, chat)


def test_sink_outage_mid_stream_loses_nothing(harness, embedded, chat):
    harness.set(sink_batch=50, enrich_batch=20)
    harness.start_sink()
    harness.start_worker()
    assert harness.dozor("publish", str(DEMO)).returncode == 0
    harness.wait("some posts stored", lambda: harness.status("sink").get("posts", 0) >= 100)
    harness.kill("sink")                     # the database's only writer is gone (kill -9)
    harness.wait("the worker done", lambda: harness.status("worker").get("enriched") == DEMO_POSTS)
    harness.start_sink()
    harness.wait_quiet(posts=DEMO_POSTS)
    harness.stop("worker")
    harness.stop("sink")
    assert_same_as_embedded(harness, embedded, chat, once=False)   # killed between a send and its record


def test_sink_and_replay_store_the_same_author_pseudonyms_for_one_salt(harness, tmp_path):
    """DOZOR_CLICKHOUSE__AUTHOR_SALT reaches the posts `dozor sink` writes (storage.open_store) as it reaches those
    `dozor replay` writes: the same author is the same pseudonym in both, and not the raw id or an unsalted hash."""
    import hashlib
    import hmac
    import json

    from storage.clickhouse import pseudonym

    def unsalted(author: str) -> str:          # what an empty key gave (pseudonym() now refuses one)
        return "p:" + hmac.new(b"", author.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    harness.env["DOZOR_CLICKHOUSE__AUTHOR_SALT"] = "соль МЦУ для теста"
    harness.start_sink()
    harness.start_worker()
    assert harness.dozor("publish", str(DEMO)).returncode == 0
    harness.wait_quiet(posts=DEMO_POSTS)
    harness.stop("worker")
    harness.stop("sink")
    through_kafka = {r["uid"]: r["author"] for r in harness.query("SELECT uid, author FROM posts")}
    db = f"chdb://{tmp_path / 'replaydb'}"
    done = harness.dozor("replay", str(DEMO), "--db", db, "--quiet")
    assert done.returncode == 0, done.stderr
    done = harness.dozor("sql", "SELECT uid, author FROM posts", "--db", db, "--format", "jsonl")
    replayed = {r["uid"]: r["author"] for r in map(json.loads, done.stdout.splitlines())}
    raw = {d["id"]: d["author"] for d in map(json.loads, DEMO.read_text(encoding="utf-8").splitlines())
           if d.get("author")}
    assert len(through_kafka) == DEMO_POSTS and through_kafka == replayed and len(raw) > 600
    assert all(through_kafka[uid] == pseudonym(author, "соль МЦУ для теста") != unsalted(author)
               for uid, author in raw.items())
