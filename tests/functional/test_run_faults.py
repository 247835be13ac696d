"""`dozor run` through a ClickHouse outage (issue 16, 3): polls fail softly while the database is away, the cursor
stays where it was, and once it is back the runner catches up — every post stored once, nothing lost."""
from __future__ import annotations

import threading

from clickhouse_connect.driver.exceptions import OperationalError

from storage.cursors import ClickHouseCursorStore
from tests.functional.test_live import DEM_SRC, counts, ft, make_runner, vk, vk_collector  # noqa: F401 - fixtures


class Outage:
    """The store's client refuses every call while `down`."""

    def __init__(self, client, monkeypatch):
        self.down = False
        for name in ("insert", "query", "command"):
            real = getattr(client, name)
            monkeypatch.setattr(client, name, self._guard(real))

    def _guard(self, real):
        def call(*args, **kwargs):
            if self.down:
                raise OperationalError("ClickHouse недоступен (перезапуск)")
            return real(*args, **kwargs)
        return call


def test_a_clickhouse_outage_loses_no_post_and_the_runner_catches_up(vk, ft, store, kit, monkeypatch):  # noqa: F811
    runner = make_runner([DEM_SRC], {"vk": vk_collector(vk, ft)}, store, kit, ft)
    outage = Outage(store.client, monkeypatch)
    outage.down = True
    runner.poll(DEM_SRC)                                     # the collector or the write fails: no exception
    stop = threading.Event()
    stop.set()
    runner.run(stop)                                         # the health line fails too: the loop ends normally
    assert runner.totals["failed"] == 1 and runner.totals["new"] == 0
    outage.down = False
    assert ClickHouseCursorStore(store).get(DEM_SRC.key) is None                # the cursor did not move
    ft.advance(seconds=DEM_SRC.poll_s + 1)
    runner.poll(DEM_SRC)
    stored = counts(store)
    assert stored[0] == stored[1] == runner.totals["new"] > 30


def test_a_failing_write_after_the_fetch_keeps_the_cursor(vk, ft, store, kit, monkeypatch):  # noqa: F811
    runner = make_runner([DEM_SRC], {"vk": vk_collector(vk, ft)}, store, kit, ft)
    real, calls = store.upsert_posts, []

    def flaky(enriched, dataset, known=None):
        calls.append(len(enriched))
        if len(calls) == 1:
            raise OperationalError("Code: 242. Table is in readonly mode")
        return real(enriched, dataset, known)

    monkeypatch.setattr(store, "upsert_posts", flaky)
    runner.poll(DEM_SRC)
    assert ClickHouseCursorStore(store).get(DEM_SRC.key) is None
    assert store.scalar("SELECT countIf(ok = 0) FROM source_polls") == 1
    ft.advance(seconds=DEM_SRC.poll_s + 1)
    runner.poll(DEM_SRC)
    stored = counts(store)
    assert stored[0] == stored[1] == calls[0] > 30
