"""Offsets that only move over processed posts: a guard around Faust's consumer for dense topics.

Faust (faust-streaming 0.15) tracks a per-partition *read offset* and, when a fetched record's offset jumps
above it, records the skipped offsets as a "gap" that its commit counts as acked. Gaps are meant for compacted
or transactional topics. Ours (posts.raw.v1, posts.enriched.v1) have neither: every offset holds a record, so a
jump only means the record came from a fetch that started before a seek. That happens at a rebalance: a fetch
issued before it returns after Faust has sought back to the committed offsets, and Faust delivers it. The
records between the committed offset and that stale batch were then committed unprocessed. A rebalance test
lost posts so (11 of 705 in a CI run); an offset trace of a failing local run showed a worker seek
posts.enriched.v1 back to 495 and then receive 520.

The guard keeps, per partition of a dense topic, the next offset it expects:
- a record at that offset, or below it, is passed on (Faust drops what it read already);
- one above it is dropped and the partition is sought back to the expected offset, so the records in between
  are fetched again. Should the same offset be missing after `MAX_RESEEKS` fetches (the log was truncated
  under us by retention), the jump is let through as Faust would have, with an error in the log;
- Faust's seeks (to committed offsets after every rebalance) reset the expectation.

Commits never pass an offset that was not acked: `_new_offset` tolerated one missing offset (with the last
committed offset C, the next one to read, acked offsets from C + 1 committed past C). And a record Faust
delivered while its flow was stopped is skipped by the stream, unacked; should it never come again, the
partition's commits would stop at it for good while later posts went on. `holes` finds such a head that stays
unacked while later offsets are acked, and the app seeks back to it (the posts after it are processed twice,
which the lane and the sink ignore by uid).

GuardedApp also watches table recovery and shortens Faust's fixed fetch wait (see its docstring).

    app = GuardedApp(...); app.dense_topics = {"posts.raw.v1", "posts.enriched.v1"}

Why private internals, and which versions. Faust offers no hook for any of the above: the no-loss guarantee of
Kafka mode rests on replacing methods of Faust's consumer (`getmany`, `perform_seek`, `seek`, `_new_offset`,
`on_partitions_revoked`) and reading its bookkeeping (`_committed_offset`, `_read_offset`, `_acked`), on the
table recovery's (`in_recovery`, `active_tps`, `active_highwaters`, `active_offsets`,
`_active_events_received_at`, `_recovery_started_at`), on the consumer thread's `_create_worker_consumer` and
aiokafka's `_fetch_max_wait_ms`; the worker (worker.py) also holds Faust's messages with `incref`/`decref` and
asks the producer for `_ensure_producer()` and `key_partition`, and output.py uses aiokafka's `_partitioner`,
`create_batch` and `send_batch`. Any of these may change meaning in a minor release without notice, and a changed
one would not fail loudly: the worker would commit offsets over unprocessed posts again. They were read and
tested (the unit tests beside this module; the kill -9, two-worker and rebalance integration tests) against the
versions in CHECKED, the ones pinned in constraints.txt. `check_versions()` refuses to start a worker with any
other: to upgrade, read the patched code paths in the new release, run tests/unit/test_stream_offsets.py and
tests/integration (DOZOR_TEST_KAFKA_PORT), then add the version here and pin it.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from typing import Any

import faust

from core.errors import DozorError

log = logging.getLogger(__name__)
MAX_RESEEKS = 5
CHECKED = {"faust-streaming": ("0.15.3",), "aiokafka": ("0.14.0",)}     # = constraints.txt


class UncheckedVersion(DozorError):
    """The installed Faust or aiokafka is not a version this module was checked against; the message is Russian."""


def check_versions(version: Callable[[str], str] | None = None) -> None:
    """Refuse (UncheckedVersion) a faust-streaming or aiokafka this module was not checked against; version(package)
    gives an installed version (default: importlib.metadata's)."""
    version = version or installed_version
    wrong = []
    for package, checked in CHECKED.items():
        try:
            found = version(package)
        except PackageNotFoundError:
            found = "не установлен"
        if found not in checked:
            wrong.append(f"{package} {found} (проверены: {', '.join(checked)})")
    if wrong:
        raise UncheckedVersion(
            "режим Kafka не запущен: " + "; ".join(wrong) + ". Защита смещений (pipeline/stream/offsets.py) "
            "опирается на внутренние части этих библиотек, и с непроверенной версией воркер может подтвердить "
            "необработанные сообщения. Установите версии из constraints.txt "
            "(pip install -c constraints.txt faust-streaming aiokafka) или проверьте новую версию, как описано "
            "в pipeline/stream/offsets.py, и добавьте её в CHECKED.")


class DenseOffsets:
    def __init__(self, consumer: Any, topics: set[str]) -> None:
        self.consumer, self.topics = consumer, topics
        self.expected: dict[Any, int | None] = {}
        self.first: dict[Any, int] = {}                    # first offset read where nothing was committed
        self.reseeks: dict[Any, tuple[int, int]] = {}     # tp -> (expected offset, seeks made for it)
        self.since: dict[Any, tuple[int, float]] = {}     # tp -> (unacked head, first seen at)
        self._getmany, self._perform_seek = consumer.getmany, consumer.perform_seek
        self._seek, self._new_offset = consumer.seek, consumer._new_offset
        self._revoked = consumer.on_partitions_revoked

    def install(self) -> "DenseOffsets":
        c = self.consumer
        c.getmany, c.perform_seek, c.seek = self.getmany, self.perform_seek, self.seek
        c._new_offset, c.on_partitions_revoked = self.new_offset, self.on_partitions_revoked
        return self

    def jumped(self, tp: Any, offset: int) -> bool:
        """True if records before this one are missing (and it is not yet time to give up on them)."""
        want = self.expected.get(tp)
        if want is None or offset <= want:
            return False
        seen_for, n = self.reseeks.get(tp, (want, 0))
        n = n + 1 if seen_for == want else 1
        self.reseeks[tp] = (want, n)
        if n > MAX_RESEEKS:
            log.error("%s[%d]: смещения %d..%d не пришли после %d запросов; пропуск принят", tp.topic, tp.partition,
                      want, offset - 1, MAX_RESEEKS)
            return False
        return True

    async def getmany(self, timeout: float):
        reseek: dict[Any, int] = {}
        async for tp, message in self._getmany(timeout):
            if tp.topic not in self.topics:
                yield tp, message
            elif tp in reseek:
                continue                         # the rest of a stale batch
            elif self.jumped(tp, message.offset):
                reseek[tp] = self.expected[tp]
                log.info("%s[%d]: пришло смещение %d вместо %d (выборка до перехода); перечитываем", tp.topic,
                         tp.partition, message.offset, reseek[tp])
                await self._seek(tp, reseek[tp])
            else:
                want = self.expected.get(tp)
                if want is None and self.consumer._committed_offset[tp] is None:
                    self.first.setdefault(tp, message.offset)
                if want is None or message.offset >= want:       # a record read again leaves it where it is
                    self.expected[tp] = message.offset + 1
                yield tp, message

    async def perform_seek(self) -> None:
        await self._perform_seek()
        for tp in self.consumer.assignment():
            if tp.topic in self.topics:       # Faust's read offset after its seek is the committed offset
                self.expected[tp] = self.consumer._read_offset.get(tp)

    async def seek(self, partition: Any, offset: int) -> None:
        await self._seek(partition, offset)
        if partition.topic in self.topics:
            self.expected[partition] = offset

    def head(self, tp: Any) -> int | None:
        """The next offset to commit: the committed one, or the first read where none was committed."""
        committed = self.consumer._committed_offset[tp]
        return committed if committed is not None else self.first.get(tp)

    def new_offset(self, tp: Any) -> int | None:
        if tp.topic in self.topics:
            acked, head = self.consumer._acked[tp], self.head(tp)
            if acked and head is not None and min(acked) > head:
                return None                    # the head itself is not processed yet
        return self._new_offset(tp)

    def holes(self, now: float, after_s: float) -> dict[Any, int]:
        """Partitions whose head has stayed unacked for after_s while later offsets were acked: tp -> head."""
        out = {}
        for tp in self.consumer.assignment():
            acked = self.consumer._acked.get(tp) if tp.topic in self.topics else None
            head = self.head(tp) if acked else None
            if head is None or min(acked) <= head:
                self.since.pop(tp, None)
                continue
            seen, at = self.since.get(tp, (None, now))
            if seen != head:
                self.since[tp] = (head, now)
            elif now - at >= after_s:
                out[tp] = head
                self.since.pop(tp)
        return out

    async def on_partitions_revoked(self, revoked: set) -> None:
        for tp in revoked:
            for known in (self.expected, self.first, self.reseeks, self.since):
                known.pop(tp, None)
        await self._revoked(revoked)


def stalled_changelogs(recovery: Any, now: float, after_s: float, mended: dict) -> dict[Any, int]:
    """Changelog partitions a table recovery still needs records from, from which nothing arrived for after_s
    (nor since they were last mended): partition -> offset to read again from (Faust's own rule: the offset last
    applied, -1 meaning none; applying a changelog record twice is harmless)."""
    if not recovery.in_recovery or recovery._recovery_started_at is None:
        return {}
    out = {}
    for tp in list(recovery.active_tps):
        highwater, offset = recovery.active_highwaters.get(tp), recovery.active_offsets.get(tp)
        offset = -1 if offset is None else offset
        if highwater is None or highwater - offset <= 0:
            continue
        last = max(recovery._active_events_received_at.get(tp) or recovery._recovery_started_at, mended.get(tp, 0.0))
        if now - last >= after_s:
            out[tp] = max(offset, 0)
    return out


class GuardedApp(faust.App):
    """faust.App whose consumer never commits over records it did not process (see the module docstring),
    whose table recovery does not wait forever for changelog records a rebalance swallowed, and whose fetches
    wait at most `fetch_max_wait_ms` for new records.

    A rebalance test under CPU load once left a worker in recovery for good: no record of the lanes' changelog
    partition arrived, though aiokafka reported no fetch trouble. A trace shows, at every rebalance, the
    changelog's records fetched once while Faust's flow is stopped (Faust discards that fetch and seeks back only
    partitions with committed offsets, which changelogs have not) and then fetched again after recovery's own
    seek; when the seek comes first, nothing brings them back. The watch seeks such a partition again when no
    record came for `recovery_stall_s`."""
    dense_topics: set[str] = set()
    recovery_stall_s: float = 15.0
    hole_s: float = 10.0
    watch_s: float = 2.0
    # Faust asks aiokafka for a 1.5 s fetch_max_wait and offers no setting. aiokafka keeps one fetch in flight
    # per broker, so a fetch waiting on partitions with nothing new (the changelog, a drained topic) held up
    # partitions that had been drained meanwhile: one worker went from ~650-700 to ~825 posts/s with 100 ms.
    fetch_max_wait_ms: int = 100

    def __init__(self, *args, **kwargs) -> None:
        check_versions()                   # before anything of Faust's starts: see the module docstring
        super().__init__(*args, **kwargs)

    def _new_consumer(self):
        consumer = super()._new_consumer()
        self.offsets = DenseOffsets(consumer, self.dense_topics).install()
        thread = consumer._thread                  # Faust's AIOKafkaConsumerThread, before it starts
        create = thread._create_worker_consumer

        def create_worker_consumer(transport):
            aiokafka_consumer = create(transport)
            aiokafka_consumer._fetch_max_wait_ms = self.fetch_max_wait_ms     # read by its start()
            return aiokafka_consumer
        thread._create_worker_consumer = create_worker_consumer
        return consumer

    async def on_start(self) -> None:
        await super().on_start()
        self.add_future(self._watch())     # Faust's timers start only after the first recovery

    async def _watch(self) -> None:
        mended: dict = {}
        while not self.should_stop:
            await self.sleep(self.watch_s)
            now = time.monotonic()
            await self.mend_recovery(mended, now)
            if not self.rebalancing:       # a rebalance ends with a seek to the committed offsets anyway
                await self.mend_holes(now)

    async def mend_recovery(self, mended: dict, now: float) -> None:
        for tp, offset in stalled_changelogs(self.tables.recovery, now, self.recovery_stall_s, mended).items():
            log.warning("%s[%d]: восстановление таблицы не получает записей %.0f с; перечитываем с %d",
                        tp.topic, tp.partition, self.recovery_stall_s, offset)
            mended[tp] = now
            self.consumer.resume_partitions([tp])
            await self.consumer.seek_wait({tp: offset})

    async def mend_holes(self, now: float) -> None:
        for tp, offset in self.offsets.holes(now, self.hole_s).items():
            log.warning("%s[%d]: смещение %d не обработано, а следующие обработаны; перечитываем с него",
                        tp.topic, tp.partition, offset)
            await self.consumer.seek(tp, offset)
