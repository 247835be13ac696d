"""The analyst's side of the store: aggregate views, pseudonymised authors, raw-text retention."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from core.errors import ConfigError
from core.records import DeadLetter
from pipeline.commands import main
from storage.clickhouse import ClickHouseStore, pseudonym
from tests.conftest import make_enriched


def hourly(store, where: str = "1") -> dict:
    return dict(store.client.query(
        f"SELECT topic, uniqExactMerge(posts_state) FROM posts_hourly WHERE {where} GROUP BY topic").result_rows)


def test_aggregates_follow_inserts_and_count_a_reinserted_uid_once(store):
    posts = [make_enriched(f"p{i}", i * 10, topic="water" if i < 3 else "roads", settlement="Лычково")
             for i in range(5)]
    store.write_posts(posts, "t")
    assert hourly(store) == {"water": 3, "roads": 2}
    edited = replace(posts[0], post=replace(posts[0].post, text="нет воды уже сутки"))
    assert store.upsert_posts([edited], "t") == (0, 1)                   # an edit is a second insert of p0
    assert store.scalar("SELECT count() FROM posts") == 6
    assert hourly(store) == {"water": 3, "roads": 2}
    neg = store.scalar("SELECT uniqExactIfMerge(negative_state) FROM posts_hourly")
    assert neg == 5


def test_stories_aggregate_counts_a_story_once_across_its_versions(store):
    from alerting.detect import Detector
    from core.settings import Detection
    from core.taxonomy import load_topics
    det = Detector(Detection(), load_topics())
    alerts = []
    for i in range(6):
        e = make_enriched(f"s{i}", i * 10, settlement="Лычково", source=f"vk:-{i % 2 + 1}")
        alerts += det.process(e)
    assert alerts, "the detector raised no story"
    for version in alerts:                                               # every version of the story
        store.write_alerts([version], "t")
    assert store.scalar("SELECT count() FROM alerts") == len(alerts) > 1
    got = dict(store.client.query("SELECT source, uniqExactMerge(stories_state) FROM stories_hourly "
                                  "GROUP BY source").result_rows)
    assert got == {"vk:-1": 1, "vk:-2": 1}


def test_the_migration_fills_the_aggregates_from_existing_rows(dsn, monkeypatch):
    from storage import schema
    earlier = [m for m in schema.migrations() if m[0] < 5]
    monkeypatch.setattr(schema, "migrations", lambda: earlier)
    store = ClickHouseStore.connect(dsn)
    store.migrate()                                                      # a database from before 0005
    monkeypatch.undo()
    # rows as the writer of that time wrote them: the columns before 0008 (street, house, … came later, at the end)
    from datetime import datetime, timezone

    from storage import rows
    old = rows.POST_COLUMNS[:rows.POST_COLUMNS.index("street")]
    store.client.insert("posts", [rows.post_row(e, "t", datetime.now(timezone.utc))[:len(old)] for e in
                                  (make_enriched("old1", 0), make_enriched("old2", 5, topic="roads"))],
                        column_names=old)
    assert "0005_analytics.sql" in store.migrate()
    assert hourly(store) == {"water": 1, "roads": 1}


def test_authors_are_stored_as_salted_pseudonyms(dsn):
    store = ClickHouseStore.connect(dsn, author_salt="s3cret")
    store.migrate()
    store.write_posts([make_enriched("a1", 0, author="id123"), make_enriched("a2", 1, author="id123"),
                       make_enriched("a3", 2, author="id456")], "t")
    stored = dict(store.client.query("SELECT uid, author FROM posts").result_rows)
    expected = "p:" + hmac.new(b"s3cret", b"id123", hashlib.sha256).hexdigest()[:16]
    assert stored["a1"] == stored["a2"] == expected == pseudonym("id123", "s3cret")
    assert stored["a3"] != expected and "id123" not in str(stored)
    assert pseudonym("id123", "other") != expected and pseudonym("", "s3cret") == ""
    assert store.scalar("SELECT uniqExactMerge(authors_state) FROM posts_hourly") == 2


def test_the_salt_comes_from_the_secret_setting(dsn, monkeypatch):
    from core.settings import Settings
    monkeypatch.setenv("DOZOR_CLICKHOUSE__AUTHOR_SALT", "from-env")
    settings = Settings()
    assert "from-env" not in repr(settings)                              # a SecretStr is not printed
    store = ClickHouseStore.from_settings(settings, dsn)
    assert store.author_salt == "from-env"


def test_retention_clears_old_text_and_keeps_the_aggregates(store):
    now = datetime.now(timezone.utc)
    old = make_enriched("old", 0)
    old = replace(old, post=replace(old.post, published_at=now - timedelta(days=100)))
    new = make_enriched("new", 0)
    new = replace(new, post=replace(new.post, published_at=now - timedelta(days=1)))
    store.write_posts([old, new], "t")
    store.write_dead_letters([DeadLetter("f:1", "сырой текст", "пустой текст", now - timedelta(days=100))], "t")
    assert store.apply_retention(30)
    assert "toIntervalDay(30)" in store.column_ttl("posts", "text")
    store.client.command("OPTIMIZE TABLE posts FINAL")
    store.client.command("OPTIMIZE TABLE dead_letters FINAL")
    texts = dict(store.client.query("SELECT uid, text FROM posts").result_rows)
    assert texts == {"old": "", "new": "нет воды"}
    assert store.scalar("SELECT raw FROM dead_letters") == ""
    assert store.scalar("SELECT reason FROM dead_letters") == "пустой текст"
    assert hourly(store) == {"water": 2}                                 # the figures stay
    store.apply_retention(None)
    assert store.column_ttl("posts", "text") == ""
    with pytest.raises(ConfigError, match="не меньше 1 дня"):
        store.apply_retention(0)


def test_apply_ttl_command_uses_the_setting(dsn, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DOZOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DOZOR_CLICKHOUSE__RAW_TEXT_DAYS", "90")
    assert main(["storage", "apply-ttl", "--db", dsn]) == 0
    assert "старше 90 дн." in capsys.readouterr().out
    assert "toIntervalDay(90)" in ClickHouseStore.connect(dsn).column_ttl("posts", "text")
    assert main(["storage", "apply-ttl", "--db", dsn, "--days", "0"]) == 0
    assert "TTL снят" in capsys.readouterr().out
    assert ClickHouseStore.connect(dsn).column_ttl("dead_letters", "raw") == ""


def test_a_pseudonym_stays_itself():
    once = pseudonym("id123", "s")
    assert pseudonym(once, "s") == once == pseudonym(once, "other salt")
    assert pseudonym("p:not-a-hash", "s") != "p:not-a-hash"


def test_live_detection_counts_one_resident_once_across_a_restart(dsn, kit):
    """`dozor run` warms a fresh detector from stored posts (pseudonymised authors): live posts must carry the
    same pseudonyms, or one resident before and after a restart would count as two authors."""
    from alerting.detect import Detector
    from core.records import Post
    from core.settings import Settings
    from core.sources import SourceConfig
    from core.taxonomy import load_topics
    from pipeline.live import EmbeddedHandler
    from tests.conftest import T0

    store = ClickHouseStore.connect(dsn, author_salt="s3cret")
    store.migrate()
    source = SourceConfig("vk", "lychkovo_news", "Лычково — новости", "public", "Лычково", 600)
    text = "В Лычково опять нет воды, из крана ничего не течёт, когда дадут воду?"

    def post(n: int, author: str) -> Post:
        return Post(uid=f"vk:-1_{n}", platform="vk", source="vk:-1", published_at=T0 + timedelta(minutes=10 * n),
                    text=text, author=author)

    def handler():
        return EmbeddedHandler(kit, Detector(Settings().detection, load_topics()), store, "live")

    first = handler()
    first((post(1, "u1"), post(2, "u1")), source)                       # one resident, twice: no story
    assert store.scalar("SELECT count() FROM alerts") == 0
    assert set(store.client.query("SELECT DISTINCT author FROM posts").result_rows) == {(pseudonym("u1", "s3cret"),)}
    restarted = handler()
    assert restarted.warm(T0 - timedelta(days=1)) == 2
    restarted((post(3, "u1"),), source)                                  # the same resident after the restart
    assert store.scalar("SELECT count() FROM alerts") == 0
    restarted((post(4, "u2"),), source)                                  # a second resident: now a story
    assert store.scalar("SELECT count() FROM alerts FINAL") == 1
