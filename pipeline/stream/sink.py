"""`dozor sink`: enriched posts, alerts, dead letters and the risk workflow from Kafka into ClickHouse and the chat.

One consumer group reads posts.enriched.v1, alerts.v1, posts.dlq.v1 and risks.v1, collects a batch (sink_batch rows or
sink_within_s), writes it and only then commits the offsets. The writes are idempotent, so a redelivery (a crash
between write and commit) stores nothing twice: write_posts skips uids already stored (posts is also a
ReplacingMergeTree), alerts are versioned snapshots (ReplacingMergeTree by updated_at), and dead letters already
stored (same origin, reason, received_at) are skipped; the risk workflow's outputs are applied once per lane
and output number (pipeline/stream/risks.py: risk_events, risk_answers, the alert chat). While ClickHouse is unavailable the sink keeps the batch,
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

from alerting.outbox import WorkflowOutput
from core.records import DEAD_LETTER_RAW_BYTES as RAW_LIMIT
from core.records import Alert, DeadLetter, EnrichedPost
from core.settings import Kafka
from pipeline.stream import codec
from pipeline.stream.broker import TopicNames
from pipeline.stream.risks import WorkflowWriter

log = logging.getLogger(__name__)


@dataclass
class Batch:
    posts: list[EnrichedPost] = field(default_factory=list)
    alerts: dict[str, Alert] = field(default_factory=dict)     # the latest snapshot per alert id
    letters: list[DeadLetter] = field(default_factory=list)
    outputs: list[tuple[str, WorkflowOutput]] = field(default_factory=list)   # (lane, output), in arrival order
    records: int = 0

    @property
    def rows(self) -> int:
        return len(self.posts) + len(self.alerts) + len(self.letters) + len(self.outputs)


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
            elif r.topic == names.risks:
                batch.outputs.append(codec.decode_output(r.value))
        except codec.BadMessage as e:
            batch.letters.append(DeadLetter(origin=f"{r.topic}[{r.partition}]@{r.offset}",
                                            raw=codec.raw_text(r.value, RAW_LIMIT),
                                            reason=str(e),   # the broker's time: the same on a redelivery
                                            received_at=datetime.fromtimestamp(r.timestamp / 1000, timezone.utc)))
    return batch


def _ms(at: datetime) -> int:
    return round(at.timestamp() * 1000)


def write_batch(store, batch: Batch, dataset: str, workflow: WorkflowWriter) -> int:
    """Write idempotently (the workflow's outputs last: the chat's cards find their alerts stored); returns how
    many posts were new."""
    new = store.write_posts(batch.posts, dataset)
    store.write_alerts(list(batch.alerts.values()), dataset)
    if batch.letters:
        known = {(r["origin"], r["reason"], r["ms"]) for r in store.query_dicts(
            "SELECT origin, reason, toUnixTimestamp64Milli(received_at) AS ms FROM dead_letters "
            "WHERE origin IN {origins:Array(String)}", origins=sorted({d.origin for d in batch.letters}))}
        store.write_dead_letters([d for d in batch.letters if (d.origin, d.reason, _ms(d.received_at)) not in known],
                                 dataset)
    if batch.outputs:
        workflow.write(store, batch.outputs)
    workflow.flush()
    return new


def counts(store, dataset: str) -> dict:
    return {"posts": store.scalar("SELECT count() FROM posts WHERE dataset = {d:String}", d=dataset),
            "alerts": store.scalar("SELECT uniqExact(alert_id) FROM alerts WHERE dataset = {d:String}", d=dataset),
            "dead_letters": store.scalar("SELECT count() FROM dead_letters WHERE dataset = {d:String}", d=dataset),
            "risk_events": store.scalar("SELECT count() FROM risk_events FINAL WHERE dataset = {d:String}", d=dataset)}


async def run_sink(k: Kafka, consumer, connect: Callable[[], object], stop: asyncio.Event, workflow: WorkflowWriter,
                   status: Path | None = None, sleep=asyncio.sleep) -> dict:
    """Consume until stop is set. consumer: started aiokafka consumer (getmany, commit); connect() -> a store;
    workflow: the risk workflow's writer (closed here at the end, so merged card edits go out)."""
    try:
        return await _consume(k, consumer, connect, stop, workflow, status, sleep)
    finally:
        await _quietly(workflow.close)


async def _quietly(fn) -> None:
    """The chat's pending edits (they write chat_messages): a failing database must not stop the sink."""
    try:
        await asyncio.get_running_loop().run_in_executor(None, fn)
    except Exception as e:
        log.warning("правки карточек в чате не отправлены (%s)", str(e).splitlines()[0])


async def _consume(k: Kafka, consumer, connect, stop: asyncio.Event, workflow: WorkflowWriter, status, sleep) -> dict:
    names = TopicNames.of(k)
    loop = asyncio.get_running_loop()
    store = None
    stats = {"batches": 0, "records": 0, "new_posts": 0, "snapshots": 0, "letters": 0, "risk_outputs": 0,
             "failures": 0}
    while not stop.is_set():
        batch, deadline = Batch(), time.monotonic() + k.sink_within_s
        while batch.rows < k.sink_batch and time.monotonic() < deadline and not stop.is_set():
            got = await consumer.getmany(timeout_ms=max(1, int((deadline - time.monotonic()) * 1000)),
                                         max_records=k.sink_batch - batch.rows)   # a message has a row or more
            for part in got.values():
                decode_batch(part, names, batch)
        if not batch.records:
            if store is not None:        # card edits merged for edit_interval_s go out in a quiet stream too
                await _quietly(workflow.flush)
            continue
        delay = 0.5
        while True:                      # the same batch until it is written: nothing skipped, no offset moved
            try:
                if store is None:
                    store = await loop.run_in_executor(None, connect)
                stats["new_posts"] += await loop.run_in_executor(None, write_batch, store, batch, k.sink_dataset,
                                                                 workflow)
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
        stats["risk_outputs"] += len(batch.outputs)
        if status is not None:
            doc = {**stats, **await loop.run_in_executor(None, counts, store, k.sink_dataset), "at": time.time()}
            tmp = status.with_suffix(".tmp")
            tmp.write_text(json.dumps(doc))
            tmp.replace(status)
    return stats
