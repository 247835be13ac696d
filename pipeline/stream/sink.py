"""`dozor sink`: enriched posts, alerts and dead letters from Kafka into ClickHouse.

One consumer group reads posts.enriched.v1, alerts.v1 and posts.dlq.v1, collects a batch (sink_batch rows or
sink_within_s), writes it and only then commits the offsets. The writes are idempotent, so a redelivery (a crash
between write and commit) stores nothing twice: write_posts skips uids already stored (posts is also a
ReplacingMergeTree), alerts are versioned snapshots (ReplacingMergeTree by updated_at), and dead letters already
stored (same origin, reason, received_at) are skipped. While ClickHouse is unavailable the sink keeps the batch,
backs off (doubling up to sink_backoff_max_s) and retries it: nothing is skipped and no offset moves.

Embedded ClickHouse (chdb://) allows one process per path: run one sink; with a server, any number.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from core.records import DEAD_LETTER_RAW_BYTES as RAW_LIMIT
from core.records import Alert, DeadLetter, EnrichedPost
from core.settings import Kafka
from pipeline.stream import codec
from pipeline.stream.broker import TopicNames

log = logging.getLogger(__name__)


@dataclass
class Batch:
    posts: list[EnrichedPost] = field(default_factory=list)
    alerts: dict[str, Alert] = field(default_factory=dict)     # the latest snapshot per alert id
    letters: list[DeadLetter] = field(default_factory=list)
    records: int = 0

    @property
    def rows(self) -> int:
        return len(self.posts) + len(self.alerts) + len(self.letters)


def decode_batch(records, names: TopicNames, batch: Batch | None = None) -> Batch:
    """Kafka records (topic, partition, offset, timestamp ms, value) -> rows to write (added to `batch` if
    given), pure. Undecodable -> dead letters."""
    batch = batch if batch is not None else Batch()
    for r in records:
        batch.records += 1
        try:
            if r.topic == names.enriched:
                batch.posts.extend(e for _, e in codec.decode_enriched(r.value))
            elif r.topic == names.alerts:
                a = codec.decode_alert(r.value)
                batch.alerts[a.alert_id] = a
            elif r.topic == names.dlq:
                batch.letters.append(codec.decode_dead_letter(r.value))
        except codec.BadMessage as e:
            batch.letters.append(DeadLetter(origin=f"{r.topic}[{r.partition}]@{r.offset}",
                                            raw=codec.raw_text(r.value, RAW_LIMIT),
                                            reason=str(e),   # the broker's time: the same on a redelivery
                                            received_at=datetime.fromtimestamp(r.timestamp / 1000, timezone.utc)))
    return batch


def _ms(at: datetime) -> int:
    return round(at.timestamp() * 1000)


def write_batch(store, batch: Batch, dataset: str) -> int:
    """Write idempotently; returns how many posts were new."""
    new = store.write_posts(batch.posts, dataset)
    store.write_alerts(list(batch.alerts.values()), dataset)
    if batch.letters:
        known = {(r["origin"], r["reason"], r["ms"]) for r in store.query_dicts(
            "SELECT origin, reason, toUnixTimestamp64Milli(received_at) AS ms FROM dead_letters "
            "WHERE origin IN {origins:Array(String)}", origins=sorted({d.origin for d in batch.letters}))}
        store.write_dead_letters([d for d in batch.letters if (d.origin, d.reason, _ms(d.received_at)) not in known],
                                 dataset)
    return new


def counts(store, dataset: str) -> dict:
    return {"posts": store.scalar("SELECT count() FROM posts WHERE dataset = {d:String}", d=dataset),
            "alerts": store.scalar("SELECT uniqExact(alert_id) FROM alerts WHERE dataset = {d:String}", d=dataset),
            "dead_letters": store.scalar("SELECT count() FROM dead_letters WHERE dataset = {d:String}", d=dataset)}


async def run_sink(k: Kafka, consumer, connect: Callable[[], object], stop: asyncio.Event,
                   status: Path | None = None, sleep=asyncio.sleep) -> dict:
    """Consume until stop is set. consumer: started aiokafka consumer (getmany, commit); connect() -> a store."""
    names = TopicNames.of(k)
    loop = asyncio.get_running_loop()
    store = None
    stats = {"batches": 0, "records": 0, "new_posts": 0, "snapshots": 0, "letters": 0, "failures": 0}
    while not stop.is_set():
        batch, deadline = Batch(), time.monotonic() + k.sink_within_s
        while batch.rows < k.sink_batch and time.monotonic() < deadline and not stop.is_set():
            got = await consumer.getmany(timeout_ms=max(1, int((deadline - time.monotonic()) * 1000)),
                                         max_records=k.sink_batch - batch.rows)   # a message has a row or more
            for part in got.values():
                decode_batch(part, names, batch)
        if not batch.records:
            continue
        delay = 0.5
        while True:                      # the same batch until it is written: nothing skipped, no offset moved
            try:
                if store is None:
                    store = await loop.run_in_executor(None, connect)
                stats["new_posts"] += await loop.run_in_executor(None, write_batch, store, batch, k.sink_dataset)
                break
            except Exception as e:       # any driver error: the database is unavailable or failing
                stats["failures"] += 1
                log.warning("ClickHouse недоступен (%s); повтор через %.1f с", str(e).splitlines()[0], delay)
                store = None
                await sleep(delay)
                delay = min(delay * 2, k.sink_backoff_max_s)
                if stop.is_set():        # asked to stop while the database is down: leave the batch uncommitted
                    return stats
        try:
            await consumer.commit()
        except Exception as e:           # e.g. the group rebalanced: the batch comes again and is skipped
            log.warning("смещения не сохранены (%s); пакет придёт повторно и будет пропущен как записанный", e)
        stats["batches"] += 1
        stats["records"] += batch.records
        stats["snapshots"] += len(batch.alerts)
        stats["letters"] += len(batch.letters)
        if status is not None:
            doc = {**stats, **await loop.run_in_executor(None, counts, store, k.sink_dataset), "at": time.time()}
            tmp = status.with_suffix(".tmp")
            tmp.write_text(json.dumps(doc))
            tmp.replace(status)
    return stats
