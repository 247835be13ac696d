"""The query layer: the SQL cookbook (analytics/sql/*.sql, also at docs/sql/) run with parameters -> DataFrames.

    from analytics.queries import Cookbook
    book = Cookbook.connect("chdb:///path/to/clickhouse")           # or Cookbook(store), Cookbook.from_settings(s)
    book.names()                                                    # ['01_top_problems_by_settlement', ...]
    df = book.run("top_problems_by_settlement", days=7)             # the number prefix may be left out
    book.as_of()                                                    # the default "now": the latest post

Every query takes its parameters as ClickHouse placeholders ({days:UInt32}); the ones not given get the
defaults below; `as_of` defaults to the latest post's time, so "this week" on the demo week is that week.
From clickhouse-client: --param_as_of='2026-03-30 00:00:00' --param_days=7 ...
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources

import pandas as pd

from core.errors import NotFound, UsageError
from storage.clickhouse import ClickHouseStore
from storage.queries import described_table, latest_post_at

# norm / deadline: hours from a story's first post to the first answer (settings.risks.answer_norm_s /
# answer_deadline_s); official: sources of the administration's own posts (settings.risks.official_sources)
DEFAULTS = {"days": 7, "min_score": 0.55, "norm_hours": 8, "deadline_hours": 24, "limit": 20,
            "tz": "Europe/Moscow", "official": []}
PLACEHOLDER = re.compile(r"\{(\w+):[^}]+\}")


@dataclass(frozen=True)
class Query:
    name: str           # file name without .sql, e.g. 01_top_problems_by_settlement
    title: str          # the header's first line
    header: str         # the whole header comment
    sql: str
    params: tuple[str, ...]


def load_query(name: str, text: str) -> Query:
    header = [ln[2:].strip() for ln in text.splitlines() if ln.startswith("--")]
    if not header:
        raise ValueError(f"{name}: в начале запроса нет комментария-заголовка")
    params = tuple(dict.fromkeys(PLACEHOLDER.findall(text)))
    return Query(name=name, title=header[0], header="\n".join(header), sql=text, params=params)


def cookbook() -> dict[str, Query]:
    folder = resources.files("analytics").joinpath("sql")
    found = {}
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".sql"):
            name = f.name[:-4]
            found[name] = load_query(name, f.read_text(encoding="utf-8"))
    return found


def settings_defaults(settings) -> dict:
    risks = settings.risks
    return {"norm_hours": round(risks.answer_norm_s / 3600), "deadline_hours": round(risks.answer_deadline_s / 3600),
            "official": list(risks.official_sources), "tz": settings.timezone}


class Cookbook:
    def __init__(self, store, tz: str = DEFAULTS["tz"], defaults: dict | None = None):
        self.store = store
        self.tz = tz
        self.defaults = {**DEFAULTS, "tz": tz, **(defaults or {})}
        self.queries = cookbook()

    @classmethod
    def connect(cls, dsn: str, tz: str = DEFAULTS["tz"], defaults: dict | None = None) -> Cookbook:
        store = ClickHouseStore.connect(dsn)
        store.migrate()
        return cls(store, tz, defaults)

    @classmethod
    def from_settings(cls, settings, dsn: str | None = None) -> Cookbook:
        """The configured database, time zone, answer norms and official sources."""
        store = ClickHouseStore.from_settings(settings, dsn)
        store.migrate()
        return cls(store, settings.timezone, settings_defaults(settings))

    def names(self) -> list[str]:
        return list(self.queries)

    def query(self, name: str) -> Query:
        if name in self.queries:
            return self.queries[name]
        matches = [q for n, q in self.queries.items() if n.split("_", 1)[1] == name]
        if len(matches) != 1:
            raise NotFound(f"нет такого запроса: {name}; есть: {', '.join(self.queries)}")
        return matches[0]

    def as_of(self) -> datetime:
        """The latest post's time (UTC), the default end of every period; now if there are no posts."""
        return latest_post_at(self.store) or datetime.now(timezone.utc)

    def parameters(self, query: Query, given: dict) -> dict:
        unknown = set(given) - set(query.params)
        if unknown:
            raise UsageError(f"{query.name}: неизвестные параметры {sorted(unknown)}; есть {list(query.params)}")
        out = {}
        for p in query.params:
            if p in given and given[p] is not None:
                out[p] = given[p]
            elif p == "as_of":
                out[p] = self.as_of()
            else:
                out[p] = self.defaults[p]
        if isinstance(out.get("as_of"), datetime):
            at = out["as_of"]
            out["as_of"] = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
        return out

    def run(self, name: str, **params) -> pd.DataFrame:
        query = self.query(name)
        bound = self.parameters(query, params)
        columns, rows = described_table(self.store, query.sql, **bound)
        return pd.DataFrame(rows, columns=columns)
