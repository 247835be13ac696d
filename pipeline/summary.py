"""The run summary staff and operators read after a replay or the demo, in Russian."""
from __future__ import annotations

from datetime import tzinfo

from alerting.render import local_time, plural
from core.taxonomy import Topic
from pipeline.embedded import RunSummary
from storage.clickhouse import ClickHouseStore, safe_dsn

EXAMPLE_SQL = ("SELECT topic, settlement, count() AS posts, round(avg(negative), 2) AS negativity\n"
               "  FROM posts WHERE topic != 'other' GROUP BY topic, settlement ORDER BY posts DESC LIMIT 10")


def summary_text(s: RunSummary, store: ClickHouseStore, topics: dict[str, Topic], tz: tzinfo) -> str:
    lines = ["── Итог ──"]
    period = f" за {local_time(s.first_at, tz)} – {local_time(s.last_at, tz)}" if s.first_at else ""
    lines.append(f"Прочитано {plural(s.read, 'сообщение', 'сообщения', 'сообщений')}{period}; "
                 f"новых в базе: {s.stored}; повторов во входе: {s.duplicates}")
    risky = [(t, n) for t, n in s.topics.most_common() if t != "other"]
    if risky:
        lines.append("По темам: " + ", ".join(f"{topics[t].name if t in topics else t} — {n}" for t, n in risky)
                     + f"; прочее — {s.topics.get('other', 0)}")
    levels: dict[str, int] = {}
    for a in s.alerts.values():
        levels[a.level] = levels.get(a.level, 0) + 1
    lines.append(f"Оповещений: {len(s.alerts)}"
                 + (" (" + ", ".join(f"{k} — {v}" for k, v in sorted(levels.items())) + ")" if levels else ""))
    lines.append(f"Отклонено записей (dead_letters): {s.dead_letters}")
    lines.append(f"База: {safe_dsn(store.dsn)}")
    lines.append("Пример запроса (dozor sql \"...\"):\n  " + EXAMPLE_SQL.replace("\n", "\n  "))
    return "\n".join(lines)
