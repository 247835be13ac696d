"""The ClickHouse sink without a broker: a recording fake consumer, the real embedded store, and a store that
is unavailable for a while."""
from __future__ import annotations

import asyncio
from collections import namedtuple
from datetime import datetime, timezone

from alerting.detect import Detector
from core.records import DeadLetter
from core.settings import Detection, Kafka, Settings
from core.taxonomy import load_topics
from pipeline.stream import codec
from pipeline.stream.broker import TopicNames
from pipeline.stream.risks import WorkflowWriter
from pipeline.stream.sink import decode_batch, run_sink, write_batch
from storage.clickhouse import StoreError
from tests.conftest import make_enriched as post

Record = namedtuple("Record", "topic partition offset value timestamp", defaults=(1774328400123,))
K = Kafka(prefix="t.", sink_batch=3, sink_within_s=0.05, sink_backoff_max_s=0.2)
NAMES = TopicNames.of(K)


def writer() -> WorkflowWriter:
    return WorkflowWriter(Settings(), load_topics(), "stream", NAMES.risks)


def records():
    alert = Detector(Detection(), load_topics()).process(post("e", 0, topic="emergency", score=0.99))[0]
    letter = DeadLetter(origin="x.jsonl:2", raw="{", reason="некорректный JSON: …",
                        received_at=datetime(2026, 3, 24, 5, 0, 0, 123000, tzinfo=timezone.utc))
    return [Record(NAMES.enriched, 0, 0, codec.encode_enriched([post("a", 0)], 1)[0]),
            Record(NAMES.enriched, 0, 1, codec.TICK),
            Record(NAMES.enriched, 0, 2, codec.encode_enriched([post("b", 5)], 2)[0]),
            Record(NAMES.alerts, 1, 0, codec.encode_alert(alert)),
            Record(NAMES.dlq, 2, 0, codec.encode_dead_letter(letter)),
            Record(NAMES.alerts, 1, 1, b"{not json")]


class FakeConsumer:
    """Hands out the records in polls of up to max_records; records every commit with what was handed out."""

    def __init__(self, items, stop: asyncio.Event):
        self.items, self.given, self.commits, self.stop = list(items), 0, [], stop

    async def getmany(self, timeout_ms, max_records):
        if self.given >= len(self.items):
            self.stop.set()
            await asyncio.sleep(0.01)
            return {}
        part = self.items[self.given:self.given + max_records]
        self.given += len(part)
        return {"tp": part}

    async def commit(self):
        self.commits.append(self.given)


def test_a_batch_decodes_posts_alerts_letters_and_turns_bad_messages_into_dead_letters():
    batch = decode_batch(records(), NAMES)
    assert [p.post.uid for p in batch.posts] == ["a", "b"]
    assert list(batch.alerts) == ["A-" + __import__("hashlib").sha1(b"e").hexdigest()[:10]]
    assert [d.origin for d in batch.letters] == ["x.jsonl:2", "t.alerts.v1[1]@1"]
    assert batch.letters[1].reason.startswith("некорректный JSON")


def test_writing_the_same_batch_twice_stores_everything_once(store):
    batch = decode_batch(records(), NAMES)
    assert write_batch(store, batch, "stream", writer()) == 2
    assert write_batch(store, batch, "stream", writer()) == 0           # a redelivery after a crash before the commit
    assert store.scalar("SELECT count() FROM posts") == 2
    assert store.scalar("SELECT count() FROM dead_letters") == 2
    assert len(store.alerts()) == 1


def test_while_the_store_is_unavailable_the_sink_retries_the_same_batch_and_commits_only_after_it(store):
    class FlakyStore:
        """The real store behind a switch: the first `down` writes fail as an unreachable server would."""

        def __init__(self, down):
            self.down, self.writes = down, []

        def __getattr__(self, name):
            return getattr(store, name)

        def write_posts(self, enriched, dataset):
            self.writes.append([e.post.uid for e in enriched])
            if self.down > 0:
                self.down -= 1
                raise StoreError("Не удалось подключиться к ClickHouse http://db:8123: Connection refused")
            return store.write_posts(enriched, dataset)

    flaky = FlakyStore(down=3)
    connects, sleeps = [], []

    def connect():
        connects.append(1)
        return flaky

    async def fake_sleep(s):
        sleeps.append(s)

    async def main():
        stop = asyncio.Event()
        consumer = FakeConsumer(records(), stop)
        stats = await run_sink(K, consumer, connect, stop, writer(), sleep=fake_sleep)
        return consumer, stats

    consumer, stats = asyncio.run(main())
    assert flaky.writes[:4] == [["a", "b"]] * 4                  # the same batch until it was written
    assert sleeps == [0.5, 0.2, 0.2]                             # backoff, capped by sink_backoff_max_s
    assert len(connects) == 4                                    # a fresh connection after each failure
    assert consumer.commits == [4, 6]           # offsets only after successful writes; batches of 3 rows (a tick
    #                                             is no row), the last one short
    assert stats["failures"] == 3 and stats["new_posts"] == 2
    assert store.scalar("SELECT count() FROM posts") == 2
    assert store.scalar("SELECT count() FROM dead_letters") == 2


def test_a_sink_asked_to_stop_while_the_store_is_down_leaves_the_batch_uncommitted():
    def connect():
        raise StoreError("Не удалось подключиться к ClickHouse http://db:8123: Connection refused")

    async def main():
        stop = asyncio.Event()
        consumer = FakeConsumer(records(), stop)

        async def sleep_then_stop(s):
            stop.set()                           # SIGTERM arrives during the back-off
        stats = await run_sink(K, consumer, connect, stop, writer(), sleep=sleep_then_stop)
        return consumer, stats

    consumer, stats = asyncio.run(main())
    assert consumer.commits == [] and stats["failures"] == 1 and stats["batches"] == 0
