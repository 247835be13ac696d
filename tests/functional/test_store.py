"""The ClickHouse store on an embedded chdb:// database: migrations, idempotent writes, alert versions."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from alerting.detect import Detector
from core.records import DeadLetter
from core.settings import Detection
from core.taxonomy import load_topics
from storage.clickhouse import ClickHouseStore
from storage.rows import alert_from_row
from tests.conftest import make_enriched


def test_migrations_apply_once(dsn):
    store = ClickHouseStore.connect(dsn)
    from storage.schema import migrations
    assert store.migrate() == [name for _, name, _ in migrations()]
    assert {"0001_initial.sql", "0002_labels.sql", "0003_sources.sql", "0004_risks.sql", "0006_chat.sql"} <= {
        name for _, name, _ in migrations()}
    assert store.migrate() == []
    assert {"posts", "alerts", "dead_letters", "labels", "schema_migrations", "source_cursors", "source_polls",
            "risk_events", "risk_answers", "chat_messages", "chat_offsets"} <= {
        r[0] for r in store.client.query("SHOW TABLES").result_rows}


def test_split_statements_ignores_semicolons_in_comments_and_quotes():
    from storage.schema import split_statements
    sql = "-- a; comment\nCREATE TABLE a (x String DEFAULT 'a;b' -- c; d\n);\n\nSELECT 1; -- tail;"
    assert split_statements(sql) == ["CREATE TABLE a (x String DEFAULT 'a;b' \n)", "SELECT 1"]


def test_an_edited_post_replaces_its_text_and_a_repeat_changes_nothing(store):
    first = make_enriched("e1", 0, text="нет воды на Ленина")
    assert store.upsert_posts([first, make_enriched("e2", 1)], "t") == (2, 0)
    assert store.upsert_posts([first], "t") == (0, 0)
    edited = replace(first, post=replace(first.post, text="нет воды на Ленина и Садовой"))
    assert store.upsert_posts([edited], "t") == (0, 1)
    assert store.scalar("SELECT text FROM posts FINAL WHERE uid = 'e1'") == "нет воды на Ленина и Садовой"
    assert store.scalar("SELECT count() FROM posts FINAL") == 2


def test_a_post_is_stored_once_however_often_it_is_written(store):
    posts = [make_enriched(f"p{i}", i, settlement="Лычково") for i in range(5)]
    assert store.write_posts(posts, "test") == 5
    assert store.write_posts(posts + posts[:2], "test") == 0
    assert store.scalar("SELECT count() FROM posts") == 5
    row = store.query_dicts("SELECT uid, topic, settlement, published_at, dataset FROM posts WHERE uid = 'p3'")[0]
    assert row["topic"] == "water" and row["settlement"] == "Лычково" and row["dataset"] == "test"
    assert row["published_at"] == datetime(2026, 3, 24, 5, 3)        # stored in UTC


def test_alert_versions_collapse_to_the_latest(store):
    detector = Detector(Detection(), load_topics())
    events = []
    for i in range(5):
        events += detector.process(make_enriched(f"p{i}", i * 10))
    for e in events:
        store.write_alerts([e], "test")
    (row,) = store.alerts()
    assert row["alert_id"] == events[-1].alert_id
    assert list(row["post_uids"]) == ["p0", "p1", "p2", "p3", "p4"]
    restored = alert_from_row(row)
    assert restored.post_uids == events[-1].post_uids and restored.snippets == events[-1].snippets
    assert restored.created_at == events[-1].created_at


def test_dead_letters_keep_raw_and_reason(store):
    now = datetime.now(timezone.utc)
    store.write_dead_letters([DeadLetter("f.jsonl:3", '{"bad": ', "некорректный JSON", now),
                              DeadLetter("f.jsonl:4", "x" * 2_000_000, "слишком длинный текст", now)], "test")
    rows = store.query_dicts("SELECT origin, reason, length(raw) AS n FROM dead_letters ORDER BY origin")
    assert [(r["origin"], r["reason"]) for r in rows] == [("f.jsonl:3", "некорректный JSON"),
                                                          ("f.jsonl:4", "слишком длинный текст")]
    assert rows[0]["n"] == 8 and 0 < rows[1]["n"] <= 1_100_000


def test_labels_round_trip_and_take_post_text(store):
    store.write_posts([make_enriched("vk:-1_5", 0, text="Нет воды в Лычкове")], "test")
    at = datetime(2026, 3, 24, 9, 0, tzinfo=timezone.utc)
    store.write_labels([
        {"uid": "vk:-1_5", "task": "topics", "label": "emergency", "text": "", "who": "oper1", "labelled_at": at,
         "source": "alert_button"},
        {"uid": "vk:-1_5", "task": "topics", "label": "water", "text": "", "who": "oper2",
         "labelled_at": at + timedelta(minutes=5), "source": "alert_button"},       # a later label replaces it
        {"uid": "imp-1", "task": "sentiment", "label": "negative", "text": "ужас", "who": "import", "labelled_at": at,
         "source": "import"},
    ])
    assert store.labels("topics") == [{"uid": "vk:-1_5", "task": "topics", "label": "water",
                                       "text": "Нет воды в Лычкове", "who": "oper2",
                                       "labelled_at": at + timedelta(minutes=5), "source": "alert_button"}]
    assert [r["text"] for r in store.labels("sentiment")] == ["ужас"]


def _condition_cache_bytes(store: ClickHouseStore) -> int:
    return store.scalar("SELECT sum(value) FROM system.metrics WHERE metric = 'QueryConditionCacheBytes'")


def test_the_stores_lookups_leave_nothing_in_the_engines_query_condition_cache(dsn, tmp_path):
    """A 24/7 process asks for new uid lists every poll; the engine cached a filter result per query and part
    (the soak: +0.7 MB a simulated day). The store opened from settings turns that off for its session."""
    from core.settings import ClickHouse, Settings

    def lookups(store: ClickHouseStore, tag: str) -> int:
        for batch in range(3):                                     # a few parts, as polls make them
            store.upsert_posts([make_enriched(f"{tag}{batch}-{i}", i) for i in range(20)], "t")
        before = _condition_cache_bytes(store)
        for i in range(30):
            store.known_texts([f"{tag}0-{i % 20}", f"{tag}-absent-{i}"])
        return _condition_cache_bytes(store) - before

    plain = ClickHouseStore.connect(dsn)                           # the engine's defaults: the cache grows
    plain.migrate()
    assert lookups(plain, "p") > 0
    ours = ClickHouseStore.from_settings(Settings(data_dir=tmp_path, clickhouse=ClickHouse(dsn=dsn)))
    assert ours.scalar("SELECT value FROM system.settings WHERE name = 'use_query_condition_cache'") == "0"
    assert lookups(ours, "o") == 0
