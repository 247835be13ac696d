"""The consumer guard of pipeline/stream/offsets.py, on a recording fake of Faust's consumer: a fetch that began
before a seek must not make the commit skip records, and a partition never stalls on the guard."""
from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import pytest

from pipeline.stream.offsets import MAX_RESEEKS, DenseOffsets, GuardedApp, stalled_changelogs

RAW = "posts.raw.v1"


class TP(NamedTuple):
    topic: str
    partition: int


class Msg(NamedTuple):
    offset: int


class FakeConsumer:
    """Faust's consumer as far as the guard touches it; records seeks, serves scripted fetches."""

    def __init__(self, committed: dict):
        self.fetches: list[list[tuple[TP, int]]] = []
        self.seeks: list[tuple[TP, int]] = []
        self.committed = committed
        self._read_offset: dict = defaultdict(lambda: None)
        self._acked: dict = defaultdict(list)
        self._committed_offset: dict = defaultdict(lambda: None)
        self.revoked: list = []

    def assignment(self):
        return set(self.committed)

    async def getmany(self, timeout):
        for tp, offset in self.fetches.pop(0):
            yield tp, Msg(offset)

    async def perform_seek(self):
        self._read_offset.update(self.committed)
        self._committed_offset.update(self.committed)

    async def seek(self, tp, offset):
        self.seeks.append((tp, offset))
        self._read_offset[tp] = offset

    def _new_offset(self, tp):
        return "faust's answer"

    async def on_partitions_revoked(self, revoked):
        self.revoked.append(revoked)


P0, P1, OTHER = TP(RAW, 0), TP(RAW, 1), TP("dozor-lanes-changelog", 0)


def guarded(committed):
    consumer = FakeConsumer(committed)
    consumer.guard = DenseOffsets(consumer, {RAW}).install()
    return consumer


def fetch(consumer, *records):
    consumer.fetches.append(list(records))

    async def drain():
        return [(tp.partition if tp.topic == RAW else tp.topic, m.offset) async for tp, m in consumer.getmany(1.0)]
    return asyncio.run(drain())


def test_a_fetch_from_before_the_seek_is_dropped_and_the_partition_read_again():
    c = guarded({P0: 495, P1: 10})
    asyncio.run(c.perform_seek())
    # a fetch issued before the rebalance returns after the seek to 495: it starts at 520
    got = fetch(c, (P0, 520), (P1, 10), (P0, 521), (P1, 11), (OTHER, 7))
    assert got == [(1, 10), (1, 11), ("dozor-lanes-changelog", 7)]
    assert c.seeks == [(P0, 495)]            # once per stale batch, back to the first record not delivered
    assert fetch(c, (P0, 495), (P0, 496)) == [(0, 495), (0, 496)]


def test_records_read_already_go_on_to_faust_which_keeps_the_last_one():
    """A stream skips a record delivered while the flow is stopped; its second copy must not be dropped here."""
    c = guarded({P0: 100})
    asyncio.run(c.perform_seek())
    assert fetch(c, (P0, 100), (P0, 101)) == [(0, 100), (0, 101)]
    assert fetch(c, (P0, 101), (P0, 102)) == [(0, 101), (0, 102)]
    assert fetch(c, (P0, 103)) == [(0, 103)]       # what is expected did not move back
    assert c.seeks == []


def test_a_seek_by_faust_resets_what_is_expected():
    c = guarded({P0: 100})
    asyncio.run(c.perform_seek())
    assert fetch(c, (P0, 100), (P0, 101)) == [(0, 100), (0, 101)]
    asyncio.run(c.perform_seek())                       # a rebalance: back to the committed 100
    assert fetch(c, (P0, 100)) == [(0, 100)]
    asyncio.run(c.seek(P0, 50))
    assert fetch(c, (P0, 50)) == [(0, 50)]


def test_a_partition_without_committed_offsets_takes_what_comes():
    c = guarded({P0: None})
    asyncio.run(c.perform_seek())
    assert fetch(c, (P0, 3), (P0, 4)) == [(0, 3), (0, 4)]     # the log's start after retention


def test_a_hole_that_stays_is_let_through_after_the_reseeks():
    c = guarded({P0: 10})
    asyncio.run(c.perform_seek())
    for _ in range(MAX_RESEEKS):
        assert fetch(c, (P0, 40), (P0, 41)) == []
    assert fetch(c, (P0, 40), (P0, 41)) == [(0, 40), (0, 41)]
    assert c.seeks == [(P0, 10)] * MAX_RESEEKS


def test_no_commit_past_an_offset_that_was_not_acked():
    c = guarded({P0: 31, P1: None})
    asyncio.run(c.perform_seek())
    c._acked[P0] = [32, 33, 34]             # 31 itself never acked: Faust's own rule would commit 35
    assert c._new_offset(P0) is None
    c._acked[P0] = [31, 32]
    assert c._new_offset(P0) == "faust's answer"
    assert fetch(c, (P1, 5), (P1, 6), (P1, 7)) == [(1, 5), (1, 6), (1, 7)]   # nothing committed: from 5
    c._acked[P1] = [6, 7]
    assert c._new_offset(P1) is None
    c._acked[OTHER] = [9]
    c._committed_offset[OTHER] = 7
    assert c._new_offset(OTHER) == "faust's answer"     # other topics keep Faust's rule


def test_a_head_left_unacked_while_later_offsets_are_acked_is_found_after_a_while():
    c = guarded({P0: 102, P1: 10})
    asyncio.run(c.perform_seek())
    c._acked[P0] = [103, 104]               # 102 was skipped by the stream
    c._acked[P1] = [10, 11]                 # P1 is fine
    assert c.guard.holes(0.0, 10.0) == {}
    assert c.guard.holes(5.0, 10.0) == {}
    assert c.guard.holes(10.0, 10.0) == {P0: 102}
    assert c.guard.holes(11.0, 10.0) == {}                 # found once; the clock starts again
    c._acked[P0] = [102, 103, 104]
    assert c.guard.holes(30.0, 10.0) == {}


def test_revoked_partitions_are_forgotten():
    c = guarded({P0: 100})
    asyncio.run(c.perform_seek())
    asyncio.run(c.on_partitions_revoked({P0}))
    assert c.revoked == [{P0}]
    assert fetch(c, (P0, 300)) == [(0, 300)]      # nothing expected of a partition given away


class FakeRecovery:
    def __init__(self, **kw):
        self.in_recovery, self._recovery_started_at = True, 100.0
        self.active_tps = {CL3, CL2}
        self.active_highwaters = {CL3: 25, CL2: -1}          # CL2: an empty changelog, nothing to wait for
        self.active_offsets = {CL3: -1, CL2: -1}
        self._active_events_received_at: dict = {}
        self.__dict__.update(kw)


CL2, CL3 = TP("dozor-lanes-changelog", 2), TP("dozor-lanes-changelog", 3)


def test_a_recovery_that_receives_nothing_is_read_again_from_its_last_offset():
    rec = FakeRecovery()
    assert stalled_changelogs(rec, 110.0, 15.0, {}) == {}              # not yet
    assert stalled_changelogs(rec, 115.0, 15.0, {}) == {CL3: 0}        # nothing ever came: from the start
    assert stalled_changelogs(rec, 125.0, 15.0, {CL3: 115.0}) == {}    # mended 10 s ago: give it time
    rec.active_offsets[CL3], rec._active_events_received_at[CL3] = 11, 120.0
    assert stalled_changelogs(rec, 130.0, 15.0, {}) == {}
    assert stalled_changelogs(rec, 135.0, 15.0, {}) == {CL3: 11}       # stuck after offset 11
    rec.active_offsets[CL3] = 25
    assert stalled_changelogs(rec, 500.0, 15.0, {}) == {}              # caught up
    assert stalled_changelogs(FakeRecovery(in_recovery=False), 500.0, 15.0, {}) == {}


def test_the_watch_resumes_and_seeks_a_stalled_changelog_once_per_period():
    calls = []

    class Consumer:
        def resume_partitions(self, tps):
            calls.append(("resume", list(tps)))

        async def seek_wait(self, offsets):
            calls.append(("seek", dict(offsets)))

    app = SimpleNamespace(tables=SimpleNamespace(recovery=FakeRecovery()), consumer=Consumer(), recovery_stall_s=15.0)
    mended: dict = {}
    for now in (120.0, 125.0, 136.0):
        asyncio.run(GuardedApp.mend_recovery(app, mended, now))
    assert calls == [("resume", [CL3]), ("seek", {CL3: 0}), ("resume", [CL3]), ("seek", {CL3: 0})]


def test_the_worker_consumer_waits_at_most_fetch_max_wait_ms_for_a_fetch_not_fausts_fixed_1500():
    app = GuardedApp("t-fetch-wait", broker="kafka://127.0.0.1:1", store="memory://", web_enabled=False)

    async def main():
        consumer = app.consumer._thread._create_worker_consumer(app.transport)   # as the consumer thread does
        try:
            return consumer._fetch_max_wait_ms, consumer._max_partition_fetch_bytes
        finally:
            await consumer.stop()

    assert asyncio.run(main()) == (GuardedApp.fetch_max_wait_ms, app.conf.consumer_max_fetch_size)
    assert GuardedApp.fetch_max_wait_ms == 100


def test_the_pinned_faust_and_aiokafka_are_the_checked_ones():
    from importlib.metadata import version

    from pipeline.stream.offsets import CHECKED, check_versions
    pinned = dict(line.strip().split("==") for line in (Path(__file__).parents[2] / "constraints.txt")
                  .read_text().splitlines() if "==" in line and not line.startswith("#"))
    assert {p: pinned[p] for p in CHECKED} == {p: v[-1] for p, v in CHECKED.items()}
    assert {p: version(p) for p in CHECKED} == {p: pinned[p] for p in CHECKED}
    check_versions()                                     # what is installed passes


@pytest.mark.parametrize("package", ["faust-streaming", "aiokafka"])
def test_an_unchecked_faust_or_aiokafka_is_refused_at_start_in_russian(monkeypatch, package, capsys):
    from importlib import metadata

    from pipeline.commands import main
    from pipeline.stream import offsets
    real = metadata.version
    monkeypatch.setattr(offsets, "installed_version", lambda p: "0.99.0" if p == package else real(p))
    with pytest.raises(offsets.UncheckedVersion, match=f"режим Kafka не запущен: {package} 0.99.0 "
                                                       r"\(проверены: "):
        GuardedApp("t-unchecked", broker="kafka://127.0.0.1:1", store="memory://", web_enabled=False)
    assert main(["worker"]) == 2                         # before the models load or the broker is asked
    err = capsys.readouterr().err
    assert err.startswith(f"Ошибка: режим Kafka не запущен: {package} 0.99.0") and "constraints.txt" in err
