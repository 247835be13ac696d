"""What grows without bound (issue 16, 9): dead letters on a rerun, a re-dated edit in `posts FINAL`, the health
tick reading the whole poll log, the engine's threads removing merged-away parts."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from core.records import DeadLetter
from storage.cursors import source_stats
from tests.conftest import make_enriched


def test_the_same_dead_letters_written_twice_are_stored_once(store):
    now = datetime.now(timezone.utc)
    letters = [DeadLetter("f.jsonl:2", "{oops", "некорректный JSON", now),
               DeadLetter("f.jsonl:3", "", "пустой текст", now)]
    assert store.write_dead_letters(letters, "t") == 2
    later = [replace(d, received_at=now + timedelta(minutes=5)) for d in letters]
    assert store.write_dead_letters(later + later, "t") == 0
    assert store.write_dead_letters([replace(letters[0], raw="{other")], "t") == 1     # another record there now
    assert store.write_dead_letters(letters, "other-dataset") == 2
    assert store.scalar("SELECT count() FROM dead_letters") == 5


def test_a_re_sent_post_with_another_date_stays_one_row(store):
    post = make_enriched("vk:-1_7", 0, text="нет воды")
    store.write_posts([post], "t")
    moved = replace(post, post=replace(post.post, published_at=post.post.published_at + timedelta(days=3),
                                       text="нет воды второй день"))
    assert store.upsert_posts([moved], "t") == (0, 1)
    assert store.scalar("SELECT (count(), any(text)) FROM posts FINAL") == (1, "нет воды второй день")


def test_the_health_tick_reads_the_window_of_the_poll_log_not_all_of_it(store):
    now = datetime.now(timezone.utc)
    store.client.command("INSERT INTO source_polls (source, polled_at, ok) SELECT 'vk:-1', "
                         "now64(3) - INTERVAL 30 DAY - toIntervalSecond(number * 5), 1 FROM numbers(300000)")
    store.client.command("INSERT INTO source_polls (source, polled_at, ok) SELECT 'vk:-1', "
                         "now64(3) - toIntervalSecond(number * 300), 1 FROM numbers(100)")
    store.client.command("OPTIMIZE TABLE source_polls FINAL")
    asked, real = [], store.client.query

    def query(sql, parameters=None, **kwargs):
        if "FROM source_polls" in sql:
            asked.append((sql, parameters))
        return real(sql, parameters=parameters, **kwargs)

    store.client.query = query
    stats = source_stats(store, ["vk:-1"], now, 7)
    store.client.query = real
    assert stats["vk:-1"].last_success_at is not None
    estimated = [sum(r[3] for r in real("EXPLAIN ESTIMATE " + sql, parameters=p).result_rows) for sql, p in asked]
    assert asked and max(estimated) < 50_000, estimated          # granules of the window, not 300,000 rows


_POOL_PROBE = """
import sys, time
from pathlib import Path
from storage.clickhouse import ClickHouseStore
store = ClickHouseStore.connect("chdb://" + sys.argv[1])
store.migrate()
store.client.command("ALTER TABLE posts MODIFY SETTING old_parts_lifetime = 1, cleanup_delay_period = 1, "
                     "max_cleanup_delay_period = 1")
for i in range(400):
    store.client.command(f"INSERT INTO posts (uid, published_at) VALUES ('vk:-1_{i}', now64(3))")
deadline = time.monotonic() + 60
while store.scalar("SELECT count() FROM system.parts WHERE table = 'posts' AND NOT active") > 5 \\
        and time.monotonic() < deadline:
    time.sleep(0.5)
# threads of the engine's global pool in this process (idle ones keep their name)
print(sum((t / "comm").read_text().startswith("ThreadPool") for t in Path("/proc/self/task").iterdir()))
"""


def test_merged_away_parts_are_removed_without_a_pool_of_threads(store, tmp_path):
    """Issue 16: more than 100 merged-away parts at once were removed on up to 128 threads of the engine's global
    pool, which keeps them idle for good (the soak: 29 -> 154 threads, +56 MB). Migration 0014 removes them one by
    one on every table; here hundreds of one-row inserts leave hundreds of merged-away parts, removed after 1 s —
    in a fresh process, so that no earlier test's engine threads are counted (131 without the migration)."""
    tables = store.client.query("SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() "
                                "AND engine LIKE '%MergeTree' AND name != 'schema_migrations'").result_rows
    assert len(tables) > 10
    assert [name for name, engine_full in tables if "concurrent_part_removal_threshold = 1000000" not in engine_full] \
        == []
    out = subprocess.run([sys.executable, "-c", _POOL_PROBE, str(tmp_path / "ch")], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2]).stdout
    assert int(out.strip().splitlines()[-1]) < 48


def _posts_and_lookups(store) -> tuple[list, object]:
    """300,000 stored posts (vk:-1_0 …), and the store's client made to record every query of posts it is sent:
    (the list it records into, the client's own query to restore)."""
    store.client.command("INSERT INTO posts (uid, published_at, text) SELECT concat('vk:-1_', toString(number)), "
                         "toDateTime64('2026-01-12 00:00:00', 3, 'UTC') + toIntervalSecond(number * 5), 'текст' "
                         "FROM numbers(300000)")
    store.client.command("OPTIMIZE TABLE posts FINAL")
    asked, real = [], store.client.query

    def query(sql, parameters=None, **kwargs):
        if "FROM posts" in sql:
            asked.append((sql, parameters))
        return real(sql, parameters=parameters, **kwargs)

    store.client.query = query
    return asked, real


def test_a_poll_asking_for_its_uids_reads_the_granules_that_may_hold_them_not_all_posts(store):
    """Issue 16: every poll asks which of its uids are stored; uid is not the sort key's prefix, so without the skip
    index (migration 0015) the lookup read every granule's uids and its cost grew with the table."""
    asked, real = _posts_and_lookups(store)
    found = store.known_posts(["vk:-1_17", "vk:-1_250000", "vk:-2_new"])
    store.client.query = real
    assert set(found) == {"vk:-1_17", "vk:-1_250000"}
    estimated = [sum(r[3] for r in real("EXPLAIN ESTIMATE " + sql, parameters=p).result_rows) for sql, p in asked]
    assert len(asked) == 1 and max(estimated) < 50_000, estimated    # two granules' worth, not 300,000 rows


def test_small_inserts_do_not_merge_the_whole_table_again_every_few_inserts(store):
    """Issue 16: with MergeTree's default merge_selector_base (5) a table's biggest part, while under ~5 MB, was
    merged again with every few small parts, so the merge work per insert grew with the table (the soak's per-post
    time rose over days 1-4). Migration 0016 raises the base to 20 on the tables written in small inserts: after
    300 one-row inserts the biggest part has been through a few merges, not a hundred (~60-100 with the default;
    a part's level counts the merges behind it)."""
    for i in range(300):
        store.client.command(f"INSERT INTO posts (uid, published_at, text) VALUES ('vk:-1_{i}', "
                             f"toDateTime64('2026-01-12 00:00:00', 3, 'UTC') + {i * 60}, 'нет воды')")
    level = store.scalar("SELECT max(level) FROM system.parts WHERE database = currentDatabase() AND table = 'posts'")
    assert level < 35, level                                     # 19 here with 0016, 61 without


def test_a_poll_of_new_uids_reads_few_granules_as_the_table_grows(store):
    """Issue 16: a live poll's uids are mostly new, so the granules the lookup reads are the bloom filter's false
    positives — with bloom_filter(0.01) about 9 % of all granules for 9 uids, so the rows read per poll grew with the
    table (the soak: rows read by its queries 0.6 -> 6.7 thousand per poll, days 1-7). Migration 0017 makes it
    0.001: 40 polls of 9 new uids each over 300,000 stored posts read 1/11 of what they read with 0.01."""
    asked, real = _posts_and_lookups(store)
    found = [store.known_posts([f"vk:-{2 + poll % 11}_{poll * 9 + i}" for i in range(9)]) for poll in range(40)]
    store.client.query = real
    assert found == [{}] * 40 and len(asked) == 40
    estimated = sum(sum(r[3] for r in real("EXPLAIN ESTIMATE " + sql, parameters=p).result_rows) for sql, p in asked)
    assert estimated < 120_000, estimated     # 40,960 (5 granules) with 0.001, 450,560 (55) with 0.01
