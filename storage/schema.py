"""The schema: numbered migrations (storage/migrations/NNNN_*.sql), applied once each and recorded in
schema_migrations, and a baseline (storage/baseline_NNNN.sql) that builds an empty database in one statement per
table instead of replaying every file.

    migrate(client)                    # -> names of the migrations applied now ([] when the schema is current)
    migrate(client, baseline=False)    # always the numbered files (tests compare the two)

A schema that is current costs two statements (the CREATE … IF NOT EXISTS of schema_migrations and one SELECT).
On an empty database the baseline builds what its migrations would (tests/functional/test_schema_baseline.py) and
they are recorded as applied in one insert; later migrations then apply as usual. A database with any table of
ours already always takes the numbered files, so a crash half-way through the baseline ends in the same schema.
"""
from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources

MIGRATIONS_TABLE = ("CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, "
                    "applied_at DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY version")
COLUMNS = ("version", "name", "applied_at")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every numbered migration, in order."""
    folder = resources.files("storage").joinpath("migrations")
    out = []
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".sql"):
            out.append((int(f.name.split("_", 1)[0]), f.name, f.read_text(encoding="utf-8")))
    return out


def baseline() -> tuple[int, str]:
    """(the last migration the baseline covers, its SQL)."""
    (f,) = [f for f in resources.files("storage").iterdir() if f.name.startswith("baseline_") and
            f.name.endswith(".sql")]
    return int(f.name.removeprefix("baseline_").removesuffix(".sql")), f.read_text(encoding="utf-8")


def split_statements(sql: str) -> list[str]:
    """Statements of a migration file: `--` comments dropped (outside quotes), split at `;` outside quotes."""
    statements, current, quoted, i = [], [], False, 0
    while i < len(sql):
        ch = sql[i]
        if ch == "'":
            quoted = not quoted
        elif not quoted and sql.startswith("--", i):
            i = sql.find("\n", i)
            i = len(sql) if i < 0 else i
            continue
        elif not quoted and ch == ";":
            statements.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    statements.append("".join(current))
    return [s.strip() for s in statements if s.strip()]


def migrate(client, *, use_baseline: bool = True) -> list[str]:
    """Apply the numbered migrations not yet applied (client: a clickhouse-connect client); returns their names."""
    client.command(MIGRATIONS_TABLE)
    done = {r[0] for r in client.query("SELECT version FROM schema_migrations").result_rows}
    todo = [m for m in migrations() if m[0] not in done]
    applied = []
    if use_baseline and not done and todo and _empty(client):
        upto, sql = baseline()
        if todo[-1][0] >= upto:                      # the files reach what the baseline covers (tests may cut them)
            for statement in split_statements(sql):
                client.command(statement)
            now = datetime.now(timezone.utc)
            applied = [name for version, name, _ in todo if version <= upto]
            client.insert("schema_migrations", [(version, name, now) for version, name, _ in todo if version <= upto],
                          column_names=COLUMNS)
            todo = [m for m in todo if m[0] > upto]
    for version, name, sql in todo:
        for statement in split_statements(sql):
            client.command(statement)
        client.insert("schema_migrations", [(version, name, datetime.now(timezone.utc))], column_names=COLUMNS)
        applied.append(name)
    return applied


def _empty(client) -> bool:
    """No table in the database but schema_migrations."""
    return not client.query("SELECT count() FROM system.tables WHERE database = currentDatabase() "
                            "AND name != 'schema_migrations'").result_rows[0][0]
