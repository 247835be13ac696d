"""The ClickHouse store: one adapter for embedded chdb:// and http(s):// servers, same SQL.

    store = ClickHouseStore.connect("chdb:///var/lib/dozor/clickhouse")   # or "http://user:pw@host:8123/dozor"
    # chdb:///path?database=name picks a database inside the embedded engine (one engine path per process)
    store.migrate()
    store.write_posts(enriched, dataset="live")
    store = ClickHouseStore.from_settings(settings)   # the same, with the author salt and retention settings

Authors are stored pseudonymised: "p:" + HMAC-SHA256(salt, author)[:16] (pseudonym()); detection works on the
raw authors in memory before the write. `apply_retention(days)` sets the TTL that clears old raw text.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import sys
from dataclasses import replace
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import clickhouse_connect
from clickhouse_connect.driver import options as _driver_options

from core.errors import ConfigError, DozorError
from core.records import Alert, DeadLetter, EnrichedPost
from storage import rows, schema
from storage.salt import author_salt, process_salt


class _PandasIfLoaded:
    """clickhouse-connect asks `if options.pd and isinstance(data, options.pd.DataFrame)` on every insert, and
    answering imports pandas (measured: +0.8 s start-up and ~20 MB resident in `dozor replay`, which never
    inserts a DataFrame). This stands in for the module: false until someone has imported pandas (a DataFrame
    cannot exist before that), the real module for every attribute (query_df, insert_df work as before)."""

    def __bool__(self) -> bool:
        return "pandas" in sys.modules

    def __getattr__(self, name: str):
        import pandas
        return getattr(pandas, name)


if "pd" not in vars(_driver_options):
    _driver_options.pd = _PandasIfLoaded()
    _driver_options.pd_time_test = _driver_options._pd_time_test

log = logging.getLogger(__name__)


class StoreError(DozorError):
    """The database cannot be reached or used; the message says where and why."""


def safe_dsn(dsn: str) -> str:
    """The DSN with any password masked, for logs and messages."""
    parts = urlsplit(dsn)
    if parts.password:
        return dsn.replace(f":{parts.password}@", ":***@")
    return dsn


PSEUDONYM = re.compile(r"p:[0-9a-f]{16}")


def pseudonym(author: str, salt: str) -> str:
    """The stored form of an author id: stable for one salt, not reversible without it; empty stays empty.
    Idempotent: a pseudonym stays itself (posts read back from the store, e.g. to warm `dozor run`'s detector)."""
    if not author or PSEUDONYM.fullmatch(author):
        return author or ""
    if not salt:
        raise ValueError("пустой ключ псевдонимов: авторы были бы обратимы (storage/salt.py)")
    return "p:" + hmac.new(salt.encode("utf-8"), author.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


# Raw text columns cleared by the retention TTL; aggregates (posts_hourly, stories_hourly) keep no text.
RETENTION_COLUMNS = (("posts", "text", "String", "published_at"),
                     ("dead_letters", "raw", "String", "received_at"))


class ClickHouseStore:
    def __init__(self, client, dsn: str, author_salt: str = ""):
        self.client = client
        self.dsn = dsn
        self.author_salt = author_salt or process_salt()       # never an empty key (storage/salt.py)

    @classmethod
    def from_settings(cls, settings, dsn: str | None = None) -> ClickHouseStore:
        """The store every writer of posts should use: the configured DSN and the author salt (configured, or
        the one generated into the data directory on first start)."""
        return cls.connect(dsn or settings.clickhouse_dsn, author_salt(settings), settings.clickhouse.embedded_session)

    @classmethod
    def connect(cls, dsn: str, author_salt: str = "",
                embedded_session: dict[str, str] | None = None) -> ClickHouseStore:
        """embedded_session: settings of this connection's session when the engine is embedded (chdb://)."""
        try:
            if dsn.startswith("chdb://"):
                parts = urlsplit(dsn)
                database = parse_qs(parts.query).get("database", [None])[0]
                client = clickhouse_connect.get_client(dsn=parts._replace(query="").geturl(),
                                                       settings=dict(embedded_session or {}))
                if database:
                    client.command(f"CREATE DATABASE IF NOT EXISTS `{database}`")
                    client.database = database
            else:
                parts = urlsplit(dsn)
                database = parts.path.strip("/") or "default"
                client = clickhouse_connect.get_client(
                    host=parts.hostname, port=parts.port or (8443 if parts.scheme == "https" else 8123),
                    username=parts.username or "default", password=parts.password or "",
                    secure=parts.scheme == "https")
                client.command(f"CREATE DATABASE IF NOT EXISTS `{database}`")
                client.database = database
        except Exception as e:  # the driver raises many kinds; the message is what matters
            raise StoreError(f"Не удалось подключиться к ClickHouse {safe_dsn(dsn)}: {e}") from e
        return cls(client, dsn, author_salt)

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied (storage/schema.py); returns their names."""
        return schema.migrate(self.client)

    def known_uids(self, uids: list[str]) -> set[str]:
        return set(self.known_texts(uids))

    def known_texts(self, uids: list[str]) -> dict[str, str]:
        """uid -> the text stored last, for the uids we have."""
        return {uid: text for uid, (text, _) in self.known_posts(uids).items()}

    def known_posts(self, uids: list[str]) -> dict[str, tuple[str, datetime]]:
        """uid -> (the text stored last, its published_at), for the uids we have. The uid is not the sort key's
        prefix; the skip index of migration 0015 keeps a lookup to the granules that may hold the uids asked."""
        if not uids:
            return {}
        result = self.client.query("SELECT uid, argMax(text, ingested_at), argMax(published_at, ingested_at) FROM posts"
                                   " WHERE uid IN {uids:Array(String)} GROUP BY uid", parameters={"uids": uids})
        return {uid: (text, rows.aware(at)) for uid, text, at in result.result_rows}

    def write_posts(self, enriched: list[EnrichedPost], dataset: str) -> int:
        """Insert posts not stored yet and new versions of edited ones; returns how many were new."""
        return self.upsert_posts(enriched, dataset)[0]

    def upsert_posts(self, enriched: list[EnrichedPost], dataset: str,
                     known: dict[str, tuple[str, datetime]] | None = None) -> tuple[int, int]:
        """(new, edited): a known uid with the same text is skipped; with another text (an edit) it is written
        again and the newer ingested_at wins in the ReplacingMergeTree. An edit keeps the stored published_at: the
        date is in the sort key, so a re-sent post with another date would otherwise stay two rows in `posts FINAL`.
        known: known_posts() of these uids when the caller has just asked (the live handler: one lookup a poll)."""
        fresh: dict[str, EnrichedPost] = {}
        for e in enriched:
            fresh[e.post.uid] = e                     # within one call the last version of a uid wins
        known = self.known_posts(list(fresh)) if known is None else known
        edited = [_dated(e, known[uid][1]) for uid, e in fresh.items() if uid in known and known[uid][0] != e.post.text]
        new = [e for uid, e in fresh.items() if uid not in known]
        if new or edited:
            now = datetime.now(timezone.utc)
            self.client.insert("posts", [rows.post_row(e, dataset, now, self.pseudonym(e.post.author))
                                         for e in new + edited], column_names=rows.POST_COLUMNS)
        return len(new), len(edited)

    def pseudonym(self, author: str | None) -> str:
        """How this store writes an author id (see pseudonym())."""
        return pseudonym(author or "", self.author_salt)

    def write_alerts(self, alerts: list[Alert], dataset: str) -> None:
        self.insert_rows("alerts", [rows.alert_row(a, dataset) for a in alerts], rows.ALERT_COLUMNS)

    def write_dead_letters(self, letters: list[DeadLetter], dataset: str) -> int:
        """Insert the dead letters not stored yet for this dataset (same origin, reason and raw input): a rerun of
        the same file adds none. Returns how many were written."""
        fresh = {}
        for d in letters:
            row = rows.dead_letter_row(d, dataset)
            fresh.setdefault((row[1], row[2], row[3]), row)
        if fresh:
            stored = set(self.client.query(
                "SELECT origin, reason, raw FROM dead_letters WHERE dataset = {d:String} AND origin IN "
                "{o:Array(String)}", parameters={"d": dataset, "o": sorted({k[0] for k in fresh})}).result_rows)
            fresh = {k: row for k, row in fresh.items() if k not in stored}
        if fresh:
            self.insert_rows("dead_letters", list(fresh.values()), rows.DEAD_LETTER_COLUMNS)
        return len(fresh)

    def write_labels(self, labels: list[dict]) -> int:
        """labels: dicts with uid, task, label, text, who, labelled_at (aware), source. The latest per (task, uid)
        wins."""
        if labels:
            cols = ("uid", "task", "label", "text", "who", "labelled_at", "source")
            self.client.insert("labels", [tuple(rows.utc(v) if k == "labelled_at" else v for k, v in
                                                ((c, lab[c]) for c in cols)) for lab in labels], column_names=cols)
        return len(labels)

    def labels(self, task: str | None = None) -> list[dict]:
        """Current labels; a label's text falls back to the stored post's text when the label carries none."""
        where = "WHERE l.task = {task:String}" if task else ""
        found = self.query_dicts(
            "SELECT l.uid AS uid, l.task AS task, l.label AS label, if(l.text != '', l.text, p.text) AS text, "
            "l.who AS who, l.labelled_at AS labelled_at, l.source AS source "
            "FROM (SELECT * FROM labels FINAL) AS l LEFT JOIN (SELECT uid, any(text) AS text FROM posts GROUP BY uid) "
            f"AS p ON p.uid = l.uid {where} ORDER BY l.labelled_at, l.uid", task=task)
        for row in found:
            row["labelled_at"] = row["labelled_at"].replace(tzinfo=timezone.utc)
        return found

    def apply_retention(self, days: int | None) -> list[str]:
        """Raw text older than `days` (event time) is cleared by a column TTL at merges; None removes the TTL.
        Returns the statements run. Aggregates and every other column stay."""
        done = []
        for table, column, type_, time_col in RETENTION_COLUMNS:
            if days is None:
                sql = f"ALTER TABLE {table} MODIFY COLUMN {column} REMOVE TTL"
                if not self.column_ttl(table, column):
                    continue
            else:
                if days < 1:
                    raise ConfigError(f"срок хранения текста должен быть не меньше 1 дня, а не {days}")
                sql = (f"ALTER TABLE {table} MODIFY COLUMN {column} {type_} "
                       f"TTL toDateTime({time_col}) + INTERVAL {int(days)} DAY")
            self.client.command(sql)
            done.append(sql)
        return done

    def column_ttl(self, table: str, column: str) -> str:
        """The column's TTL expression as the server shows it, or ''."""
        ddl = self.scalar("SELECT create_table_query FROM system.tables WHERE database = currentDatabase() "
                          "AND name = {t:String}", t=table)
        for part in re.split(r"[(,] ?`", ddl):
            if part.startswith(f"{column}` ") and " TTL " in part:
                return part.split(" TTL ", 1)[1].strip()
        return ""

    def insert_rows(self, table: str, values: list[tuple], columns: tuple[str, ...]) -> None:
        """Insert rows (tuples in `columns` order); nothing happens for none."""
        if values:
            self.client.insert(table, values, column_names=columns)

    def scalar(self, sql: str, **parameters):
        return self.client.query(sql, parameters=parameters).result_rows[0][0]

    def query_table(self, sql: str, **parameters) -> tuple[list[str], list[tuple]]:
        """(column names, rows) of one statement; without parameters the text is sent as it is (`dozor sql`)."""
        result = self.client.query(sql, parameters=parameters or None)
        return list(result.column_names), list(result.result_rows)

    def query_dicts(self, sql: str, **parameters) -> list[dict]:
        result = self.client.query(sql, parameters=parameters)
        return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]

    def alerts(self, dataset: str | None = None, alert_id: str | None = None) -> list[dict]:
        """Stored alerts (times aware), oldest first; only one dataset's or one alert's when given."""
        where = " AND ".join(cond for cond, value in (("dataset = {dataset:String}", dataset),
                                                      ("alert_id = {alert_id:String}", alert_id)) if value)
        found = self.query_dicts(
            f"SELECT {', '.join(rows.ALERT_COLUMNS)} FROM alerts FINAL {'WHERE ' + where if where else ''} "
            "ORDER BY created_at, alert_id", dataset=dataset, alert_id=alert_id)
        for a in found:
            for key in ("created_at", "updated_at", "first_at", "last_at"):
                a[key] = a[key].replace(tzinfo=timezone.utc)
        return found

    def close(self) -> None:
        self.client.close()


def _dated(e: EnrichedPost, published_at: datetime) -> EnrichedPost:
    """The edit with the stored date (see upsert_posts)."""
    if e.post.published_at == published_at:
        return e
    return replace(e, post=replace(e.post, published_at=published_at))


def open_store(settings, dsn: str | None = None, *, migrate: bool = True) -> ClickHouseStore:
    """The one way every command and runner opens the database: the configured (or given) DSN, the configured
    author salt, the migrations applied. Use ClickHouseStore.connect directly only in tests and benchmarks."""
    store = ClickHouseStore.from_settings(settings, dsn)
    if migrate:
        store.migrate()
    return store
