"""storage/baseline_NNNN.sql builds what its migrations build: on two empty databases of one engine, the baseline
and the numbered files give every table and view the same DDL as the server shows it (columns in order with their
types and defaults, indexes, engine, keys, TTL, settings), and record the same migrations as applied."""
from __future__ import annotations

import uuid

from storage import schema
from storage.clickhouse import ClickHouseStore


def _fresh(chdb_root) -> ClickHouseStore:
    return ClickHouseStore.connect(f"chdb://{chdb_root}?database=b_{uuid.uuid4().hex[:12]}")


def _ddl(store: ClickHouseStore) -> dict[str, str]:
    database = store.client.database
    found = store.client.query("SELECT name, create_table_query FROM system.tables "
                               "WHERE database = currentDatabase()").result_rows
    return {name: ddl.replace(f"{database}.", "") for name, ddl in found}


def test_the_baseline_builds_what_its_migrations_build(chdb_root):
    by_files, by_baseline = _fresh(chdb_root), _fresh(chdb_root)
    names = [name for _, name, _ in schema.migrations()]
    assert schema.migrate(by_files.client, use_baseline=False) == names
    assert schema.migrate(by_baseline.client) == names
    upto, sql = schema.baseline()
    assert len(schema.split_statements(sql)) < sum(len(schema.split_statements(s)) for v, _, s in schema.migrations()
                                                   if v <= upto)
    files, base = _ddl(by_files), _ddl(by_baseline)
    assert set(files) == set(base) and len(files) > 15
    for table in sorted(files):
        assert base[table] == files[table], table
    recorded = "SELECT groupArray(name) FROM (SELECT name FROM schema_migrations ORDER BY version)"
    assert by_baseline.scalar(recorded) == by_files.scalar(recorded) == names
    assert schema.migrate(by_baseline.client) == schema.migrate(by_files.client) == []


def _tables(store: ClickHouseStore) -> set[str]:
    return {r[0] for r in store.client.query("SHOW TABLES").result_rows}


def test_a_database_with_a_table_takes_the_numbered_files(chdb_root, monkeypatch):
    store = _fresh(chdb_root)
    store.client.command("CREATE TABLE notes (x String) ENGINE = MergeTree ORDER BY x")        # not one of ours
    used = []
    monkeypatch.setattr(schema, "baseline", lambda real=schema.baseline: used.append(1) or real())
    assert schema.migrate(store.client) == [name for _, name, _ in schema.migrations()]
    assert used == [] and {"notes", "posts", "appeal_links"} <= _tables(store)


def test_files_that_stop_before_the_baseline_are_applied_one_by_one(chdb_root, monkeypatch):
    """A test that migrates to an older schema (cuts migrations()) gets that schema, not the baseline's."""
    store = _fresh(chdb_root)
    early = [m for m in schema.migrations() if m[0] <= 2]
    monkeypatch.setattr(schema, "migrations", lambda: early)
    assert schema.migrate(store.client) == ["0001_initial.sql", "0002_labels.sql"]
    assert _tables(store) == {"schema_migrations", "posts", "alerts", "dead_letters", "labels"}
    assert "street" not in {r[0] for r in store.client.query("DESCRIBE TABLE posts").result_rows}
