"""Alert cards and summaries as staff read them, in Russian; pure functions of records."""
from __future__ import annotations

from datetime import datetime, tzinfo

from core.records import Alert
from core.taxonomy import Topic

LEVEL_MARK = {"низкий": "⚪", "средний": "🟡", "высокий": "🟠", "критический": "🔴"}
SNIPPET_CHARS = 160


def plural(n: int, one: str, few: str, many: str) -> str:
    """plural(1, "сообщение", "сообщения", "сообщений") -> "1 сообщение"; 3 -> сообщения; 11 -> сообщений."""
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def local_time(at: datetime, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%d.%m %H:%M")


def shorten(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def place_text(alert: Alert) -> str:
    """«Демянск, ул. Ленина», «Лычково, школа», «ул. Садовая» (no settlement known), «место не указано»."""
    parts = [p for p in (alert.settlement, alert.street, alert.object) if p]
    return ", ".join(parts) if parts else "место не указано"


def card_text(alert: Alert, topics: dict[str, Topic], tz: tzinfo) -> str:
    topic = topics[alert.topic].name if alert.topic in topics else alert.topic
    place = place_text(alert)
    kind = "срочное сообщение" if alert.kind == "instant" and len(alert.post_uids) == 1 else "сюжет"
    lines = [
        f"{LEVEL_MARK.get(alert.level, '')} {alert.level.upper()} · {topic} · {place}",
        f"Риск {alert.alert_id} ({kind}): {plural(len(alert.post_uids), 'сообщение', 'сообщения', 'сообщений')}"
        f" из {plural(len(alert.sources), 'источника', 'источников', 'источников')},"
        f" негативных {round(alert.negative_share * 100)}%",
        f"Первое: {local_time(alert.first_at, tz)} · последнее: {local_time(alert.last_at, tz)}"
        f" · поднят: {local_time(alert.created_at, tz)}",
    ]
    if alert.why:
        lines.append(f"Почему один сюжет: {alert.why}")
    for text, url in alert.snippets:
        lines.append(f"  «{shorten(text)}»" + (f" — {url}" if url else ""))
    return "\n".join(lines)
