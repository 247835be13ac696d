"""docs/schema.md stays true: every table and column of a migrated database is documented, and the server
DDL in deploy/clickhouse parses as ClickHouse SQL (chdb has no access control to run it against)."""
from __future__ import annotations

import re
from pathlib import Path

from storage.schema import split_statements

ROOT = Path(__file__).parents[2]


def test_every_table_and_column_is_documented(store):
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (\w+)\n(.*?)(?=^### |\Z)", doc, flags=re.S | re.M))
    tables = store.client.query("SELECT name, engine FROM system.tables WHERE database = currentDatabase()").result_rows
    missing = []
    for name, engine in tables:
        if engine == "MaterializedView":
            assert name in doc, name
            continue
        if name not in sections:
            missing.append(name)
            continue
        documented = set(re.findall(r"`(\w+)`", sections[name]))
        for (column,) in store.client.query(f"SELECT name FROM system.columns WHERE database = currentDatabase() "
                                            f"AND table = '{name}'").result_rows:
            if column not in documented:
                missing.append(f"{name}.{column}")
    assert not missing, f"docs/schema.md does not describe: {missing}"


def test_server_roles_ddl_parses(store):
    sql = (ROOT / "deploy" / "clickhouse" / "roles.sql").read_text(encoding="utf-8")
    statements = split_statements(sql)
    assert len(statements) >= 5
    for statement in statements:
        formatted = store.scalar("SELECT formatQuery({q:String})", q=statement)
        assert formatted.split()[0] in ("CREATE", "GRANT")
    assert any("GRANT SELECT ON dozor.* TO dozor_analyst" in s for s in statements)
    assert not any("INSERT" in s for s in statements if "dozor_analyst" in s)


def _ttl(text: str) -> str:
    """A TTL expression as comparable text: `INTERVAL 90 DAY` and the server's `toIntervalDay(90)` alike."""
    text = re.sub(r"INTERVAL\s+(\d+)\s+DAY", r"toIntervalDay(\1)", text.strip(), flags=re.I)
    return re.sub(r"\s+", "", text).lower()


def test_table_ttls_are_what_the_doc_says(store):
    """Issue 16: the doc promised 90 days for source_polls while no table had a TTL."""
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (\w+)\n(.*?)(?=^### |\Z)", doc, flags=re.S | re.M))
    promised = {name: _ttl(m.group(1)) for name, body in sections.items()
                if (m := re.search(r"`TTL ([^`]+)`", body.split("\n|", 1)[0]))}
    assert "source_polls" in promised
    actual = {}
    for name, engine_full in store.client.query("SELECT name, engine_full FROM system.tables "
                                                "WHERE database = currentDatabase()").result_rows:
        m = re.search(r"\bTTL (.*?)(?: SETTINGS |$)", engine_full)
        if m:
            actual[name] = _ttl(m.group(1))
    assert actual == promised


def _promised_and_actual(store, heading: str, setting: str) -> tuple[set[str], set[str]]:
    """(the tables docs/schema.md's section `heading` lists after «have it:», the tables whose engine has `setting`)."""
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    section = re.search(rf"^## {heading}\n(.*?)(?=^## )", doc, flags=re.S | re.M).group(1)
    promised = set(re.findall(r"`(\w+)`", section.split("have it:", 1)[1]))
    actual = {name for name, engine_full in store.client.query(
        "SELECT name, engine_full FROM system.tables WHERE database = currentDatabase()").result_rows
        if re.search(rf"\b{setting}\b", engine_full)}
    return promised, actual


def test_continuously_written_tables_clean_merged_parts_after_a_minute(store):
    """Issue 16: merged-away parts waited the default 480 s of wall time; the doc names the tables that drop them
    after 60 s, and every one of them (no other) has the setting after the migrations."""
    promised, actual = _promised_and_actual(store, "Merged-away parts", "old_parts_lifetime = 60")
    assert "posts" in promised and "source_polls" in promised
    assert actual == promised


def test_continuously_written_tables_merge_their_big_part_less_often(store):
    """Issue 16: the merge selector's default base (5) merged a small table's biggest part again every few inserts;
    the doc names the tables with merge_selector_base = 20 (migration 0016), and exactly those have it."""
    promised, actual = _promised_and_actual(store, "Merges of small inserts", "merge_selector_base = 20")
    assert "posts" in promised and "posts_hourly" in promised
    assert actual == promised
