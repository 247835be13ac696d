"""The analysts' SQL page: one SELECT, run read-only, with row and time limits.

    check_select("SELECT count() FROM posts")          # None, or why it is refused (Russian)
    ReadOnlySql(connect).run(sql, max_rows=1000, timeout_s=10)   # -> SqlResult(columns, rows, truncated)

Two guards. First ours: one statement, starting with SELECT or WITH. Then ClickHouse's own: the query runs with
the `readonly = 1` setting (set last, so the limits before it still apply), which refuses any write, DDL,
table functions that touch files or the network, and a change of settings inside the query. It runs on a
connection of its own that is opened anew after any error (a refused query can leave the embedded engine's
session unusable).
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from storage.schema import split_statements

FIRST_WORD = re.compile(r"^\s*(\w+)", re.UNICODE)
SETTINGS = re.compile(r"\bSETTINGS\b", re.IGNORECASE)
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")


@dataclass(frozen=True)
class SqlResult:
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    truncated: bool                     # more rows than max_rows: only the first max_rows are here


class SqlRefused(ValueError):
    """The query is not allowed or failed; the message is for the analyst, in Russian."""


def check_select(sql: str) -> str | None:
    statements = split_statements(sql)
    if not statements:
        return "Пустой запрос."
    if len(statements) > 1:
        return "Разрешён только один запрос (без «;» между запросами)."
    word = FIRST_WORD.match(statements[0])
    if word is None or word.group(1).upper() not in ("SELECT", "WITH"):
        return (f"Разрешены только запросы SELECT (страница только для чтения), а не "
                f"«{word.group(1).upper() if word else statements[0][:20]}».")
    if SETTINGS.search(QUOTED.sub("''", statements[0])):
        return "Настройки ClickHouse (SETTINGS) в запросе не меняются: лимиты страницы действуют всегда."
    return None


class ReadOnlySql:
    def __init__(self, connect: Callable[[], object]):
        self.connect = connect                      # -> a clickhouse_connect client
        self._client = None
        self._lock = threading.Lock()

    def run(self, sql: str, max_rows: int = 1000, timeout_s: int = 10, parameters: dict | None = None,
            check: bool = True) -> SqlResult:
        """check=False for our own queries (the cookbook's, which may carry a SETTINGS clause): ClickHouse's
        readonly guard still applies."""
        if check and (why := check_select(sql)) is not None:
            raise SqlRefused(why)
        body = split_statements(sql)[0] if split_statements(sql) else sql
        word = FIRST_WORD.match(body)
        if word is not None and word.group(1).upper() in ("SELECT", "WITH"):
            body = f"SELECT * FROM ({body}) LIMIT {int(max_rows) + 1}"      # the row limit, exact
        settings = {"max_execution_time": timeout_s, "max_result_rows": max_rows + 1,
                    "result_overflow_mode": "break", "readonly": 1}
        with self._lock:
            if self._client is None:
                self._client = self.connect()
            try:
                result = self._client.query(body, parameters=parameters or {}, settings=settings)
            except Exception as e:                  # noqa: BLE001 - the analyst sees ClickHouse's reason
                self._close()
                raise SqlRefused(_reason(e)) from e
        rows = tuple(tuple(r) for r in result.result_rows)
        return SqlResult(tuple(result.column_names), rows[:max_rows], len(rows) > max_rows)

    def _close(self) -> None:
        try:
            self._client.close()
        except Exception:                          # noqa: BLE001 - it is being replaced anyway
            pass
        self._client = None


def _reason(e: Exception) -> str:
    text = str(e)
    if "READONLY" in text or "readonly" in text:
        return "ClickHouse отказал: база открыта только для чтения (readonly), запись и изменение настроек запрещены."
    if "TIMEOUT_EXCEEDED" in text or "Timeout exceeded" in text:
        return "Запрос выполнялся слишком долго и был остановлен."
    m = re.search(r"DB::Exception: (.*?)(?: \(version|$)", text, re.S)
    return "Ошибка ClickHouse: " + (m.group(1).strip() if m else text.splitlines()[0])[:500]
