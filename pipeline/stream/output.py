"""The worker's outputs: a plain aiokafka producer that sends record batches, not single messages.

Faust's own sends cost ~1 ms per message, and even aiokafka's `send` hashes every key in pure Python and
creates a future per message. A batch's records are grouped by partition (the key's partition, as the default
partitioner computes it, cached per key) and appended to record batches; `deliver` returns once the broker has
acknowledged all of them (acks=all, idempotent), so an agent acks its input only after its outputs are out.

    out = Output(brokers)
    await out.deliver(topic, [(key, value), ...])
    await out.stop()
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterable

BATCH_BYTES = 1_000_000        # below the broker's default message.max.bytes (1 MiB)
KEYS_CACHED = 4096


class Output:
    def __init__(self, brokers: str):
        self.brokers = brokers
        self._producer = None
        self._partitions: dict[tuple[str, bytes], int] = {}

    async def producer(self):
        if self._producer is None:
            from aiokafka import AIOKafkaProducer
            p = AIOKafkaProducer(bootstrap_servers=self.brokers, acks="all", enable_idempotence=True, linger_ms=5,
                                 max_batch_size=BATCH_BYTES, max_request_size=8_000_000)
            await p.start()
            self._producer = p
        return self._producer

    async def partition(self, topic: str, key: bytes) -> int:
        """The partition the default partitioner (murmur2, as Java's) gives the key."""
        part = self._partitions.get((topic, key))
        if part is None:
            p = await self.producer()
            every = sorted(await p.partitions_for(topic))
            part = p._partitioner(key, every, every)
            if len(self._partitions) >= KEYS_CACHED:
                self._partitions.clear()
            self._partitions[(topic, key)] = part
        return part

    async def deliver(self, topic: str, records: Iterable[tuple[bytes, bytes]]) -> int:
        """Send the records; returns their number once the broker acknowledged every one."""
        p = await self.producer()
        open_batches: dict[int, object] = {}
        sent: list[asyncio.Future] = []
        n = 0
        for key, value in records:
            part = await self.partition(topic, key)
            batch = open_batches.get(part)
            if batch is None or batch.append(timestamp=None, key=key, value=value) is None:
                if batch is not None:
                    sent.append(await p.send_batch(batch, topic, partition=part))
                batch = open_batches[part] = p.create_batch()
                if batch.append(timestamp=None, key=key, value=value) is None:
                    raise ValueError(f"{topic}: a message of {len(value)} bytes is larger than a batch")
            n += 1
        for part, batch in open_batches.items():
            sent.append(await p.send_batch(batch, topic, partition=part))
        await asyncio.gather(*sent)
        return n

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
