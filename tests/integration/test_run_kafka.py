"""`dozor run --kafka` against FakeVK and the real broker: collected posts land on posts.raw.v1 once; the cursor,
saved only after the broker acknowledged them, keeps a restart from sending them again."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid

from core.settings import Kafka
from pipeline.stream import codec
from pipeline.stream.broker import TopicNames
from tests.contract.fake_vk import FakeVK
from tests.contract.test_vk import TOKEN
from tests.contract.vk_fixtures import DEM, PODSLUSHANO
from tests.functional.test_run_crash import TEXTS, live_post


async def raw_uids(k: Kafka) -> list[str]:
    from aiokafka import AIOKafkaConsumer
    consumer = AIOKafkaConsumer(TopicNames.of(k).raw, bootstrap_servers=k.brokers, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        got = await consumer.getmany(timeout_ms=5000)
        return [codec.decode_post(r.value, 20_000).uid for records in got.values() for r in records]
    finally:
        await consumer.stop()


def test_run_hands_collected_posts_to_kafka_once(kafka_brokers, models_dir, tmp_path):
    prefix = f"r{uuid.uuid4().hex[:8]}."
    with FakeVK(token=TOKEN) as vk:
        vk.add_community({**PODSLUSHANO, "comments": {},
                          "posts": [live_post(100 + i, 20 - i, t, 700 + i) for i, t in enumerate(TEXTS)]})
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - {{platform: vk, id: {-DEM}, poll_s: 60}}\n", encoding="utf-8")
        env = {**os.environ, "DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_MODELS_DIR": str(models_dir),
               "DOZOR_VK__TOKEN": TOKEN, "DOZOR_VK__API_BASE": vk.api_base, "DOZOR_KAFKA__BROKERS": kafka_brokers,
               "DOZOR_KAFKA__PREFIX": prefix}
        run = [sys.executable, "-m", "pipeline.commands", "run", "--kafka", "--sources", str(sources), "--for", "2"]
        first = subprocess.run(run, env=env, capture_output=True, text=True, timeout=180)
        assert first.returncode == 0, first.stderr
        vk.add_post(DEM, live_post(200, 0.2, "Опять нет воды на Ленина!", 750))
        again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=180)
        assert again.returncode == 0, again.stderr

    uids = asyncio.run(raw_uids(Kafka(brokers=kafka_brokers, prefix=prefix)))
    assert sorted(uids) == sorted([f"vk:-{DEM}_{100 + i}" for i in range(len(TEXTS))] + [f"vk:-{DEM}_200"])
    polls = subprocess.run([sys.executable, "-m", "pipeline.commands", "sql", "--format", "jsonl",
                            "SELECT groupArray(posts) AS sent FROM (SELECT posts FROM source_polls ORDER BY polled_at)",
                            "--db", f"chdb://{tmp_path / 'data' / 'collector'}"], env=env, capture_output=True,
                           text=True, timeout=60)
    assert json.loads(polls.stdout)["sent"] == [len(TEXTS), 1]
