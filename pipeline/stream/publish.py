"""`dozor publish`: replay JSONL / Telegram exports onto posts.raw.v1, in event time, keyed by source.

Posts are deduplicated by uid and sent sorted by (published_at, uid), as the embedded runner orders them, so
every raw partition is in event time on its own; records that cannot be read go to posts.dlq.v1 (and from
there to dead_letters) with the reason.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from core.records import DeadLetter, Post
from core.settings import Kafka
from pipeline.stream import codec
from pipeline.stream.broker import TopicNames, ensure_topics


@dataclass
class Published:
    posts: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    sent_at: dict[str, float] = field(default_factory=dict)   # uid -> wall time (time.time()) it was sent


def event_order(items: Iterable[Post | DeadLetter]) -> tuple[list[Post], list[DeadLetter], int]:
    """(posts deduplicated by uid and sorted in event time, dead letters, duplicates dropped), pure."""
    posts: dict[str, Post] = {}
    letters: list[DeadLetter] = []
    duplicates = 0
    for item in items:
        if isinstance(item, DeadLetter):
            letters.append(item)
        elif item.uid in posts:
            duplicates += 1
        else:
            posts[item.uid] = item
    return sorted(posts.values(), key=lambda p: (p.published_at, p.uid)), letters, duplicates


async def publish(k: Kafka, items: Iterable[Post | DeadLetter], rate: float | None = None,
                  record_times: bool = False, pause: Callable[[int], float] | None = None) -> Published:
    """Send items; rate (posts/s) spaces them out in wall time (benchmarks); None = as fast as possible."""
    from aiokafka import AIOKafkaProducer

    names = TopicNames.of(k)
    await ensure_topics(k)
    posts, letters, duplicates = event_order(items)
    out = Published(duplicates=duplicates)
    producer = AIOKafkaProducer(bootstrap_servers=k.brokers, acks="all", enable_idempotence=True, linger_ms=20,
                                max_request_size=8_000_000)
    await producer.start()
    try:
        started = time.monotonic()
        pending = []
        for i, p in enumerate(posts):
            if rate:
                ahead = started + i / rate - time.monotonic()
                if ahead > 0:
                    await asyncio.sleep(ahead)
            if record_times:
                out.sent_at[p.uid] = time.time()
            pending.append(await producer.send(names.raw, key=p.source.encode(), value=codec.encode_post(p)))
            if len(pending) >= 1000:
                await asyncio.gather(*pending)
                pending.clear()
        for d in letters:
            pending.append(await producer.send(names.dlq, key=d.origin.encode(), value=codec.encode_dead_letter(d)))
        await asyncio.gather(*pending)
        out.posts, out.dead_letters = len(posts), len(letters)
    finally:
        await producer.stop()
    return out
