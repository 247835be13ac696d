"""The bot's commands as staff read them (Telegram HTML): /risks, /risk ID, /digest, /help.

Each takes the risk records (alerting.store.RiskRecords) and returns the message text; the digest is a short
text one (the full HTML digest is the analysts' job, issue 7).
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta, tzinfo
from html import escape
from statistics import median

from alerting.card import card_html, topic_name
from alerting.lifecycle import STATE_NAMES, Sla, stored_risk
from alerting.render import local_time, place_text, plural
from alerting.risk_text import history_text, hours
from alerting.store import RiskRecords
from core.taxonomy import Topic

HELP = ("Команды Дозора:\n"
        "/risks — открытые риски\n"
        "/risk ID — карточка и история риска\n"
        "/digest — сводка за сутки\n"
        "/check текст — проверить черновик ответа жителям до публикации (ответом на карточку риска — "
        "со сверкой с жалобой)\n"
        "Ответ жителям регистрируется ответом на карточку риска: текст ответа, площадки "
        "(«Площадки: ВКонтакте, Telegram») и ссылки на публикации.")


LIMIT = 4000          # Telegram refuses a message over 4,096 characters; a page stays under it with room to spare


def fit(parts: list[str], limit: int = LIMIT, more: str = "\n…") -> str:
    """Whole HTML parts joined by newlines up to `limit` characters: a message is cut between parts, never inside
    a tag or an entity (Telegram answers "can't parse entities" to a cut one)."""
    out, size = [], 0
    for i, part in enumerate(parts):
        if size + len(part) + 1 + (len(more) if i < len(parts) - 1 else 0) > limit:
            return "\n".join(out) + more
        out.append(part)
        size += len(part) + 1
    return "\n".join(out)


def pages(lines: list[str], limit: int = LIMIT - 200) -> list[list[str]]:
    """Lines grouped into pages of at most `limit` characters each."""
    out, page, size = [], [], 0
    for line in lines:
        if page and size + len(line) + 1 > limit:
            out.append(page)
            page, size = [], 0
        page.append(line)
        size += len(line) + 1
    return out + [page] if page else out


def risks_text(store: RiskRecords, topics: dict[str, Topic], tz: tzinfo, page: int = 1) -> str:
    """The open risks, one line each, a page at a time within Telegram's limit: «/risks 2» for the next."""
    ids = store.open_ids()
    if not ids:
        return "Открытых рисков нет."
    lines = []
    for alert_id in ids:
        risk, alert = stored_risk(store, alert_id), store.alert(alert_id)
        if risk is None or alert is None:
            continue
        mark = " ⛔ эскалация" if "escalated" in risk.sla_done else (
            " ⚠ норматив нарушен" if "norm_missed" in risk.sla_done and risk.answered_at is None else "")
        lines.append(f"<code>{escape(alert_id)}</code> · {escape(topic_name(risk.topic or alert.topic, topics))} · "
                     f"{escape(place_text(alert))} · {STATE_NAMES[risk.state]} · "
                     f"с {local_time(risk.first_at, tz)}{mark}")
    split = pages(lines)
    page = min(max(page, 1), len(split)) if split else 1
    head = f"<b>Открытые риски: {len(ids)}</b>" + (f" (страница {page} из {len(split)})" if len(split) > 1 else "")
    tail = [f"Дальше: /risks {page + 1}"] if page < len(split) else []
    return "\n".join([head] + (split[page - 1] if split else []) + tail)


def risk_text(store: RiskRecords, alert_id: str, topics: dict[str, Topic], tz: tzinfo, sla: Sla) -> str:
    risk, alert = stored_risk(store, alert_id), store.alert(alert_id)
    if risk is None or alert is None:
        return f"Риск {escape(alert_id)} не найден. Список открытых: /risks"
    parts = [card_html(alert, risk, topics, tz, sla), "", "<b>История</b>"]
    parts += [escape(line) for line in history_text(risk, tz).splitlines()]
    for a in store.answers(alert_id):
        parts.append(f"Ответ ({escape(', '.join(a['platforms']))}): «{escape(a['text'][:200])}»")
    return fit(parts, more="\n… (история длиннее сообщения Telegram; полностью — в таблице risk_events)")


def missed(details: dict) -> bool:
    return details.get("kind") == "norm_missed"


def digest_text(store: RiskRecords, tz: tzinfo) -> str:
    """The day up to the latest risk event (event time: a replayed week digests its last day)."""
    end = store.latest_event_at()
    if end is None:
        return "Сводка: рисков пока нет."
    start = end - timedelta(days=1)
    rows = store.events_between(start, end)
    events = Counter(r.event for r in rows)
    took = [r.details.get("after_first_s") for r in rows if r.event == "answered"]
    took = [t for t in took if t is not None]
    lines = [f"<b>Сводка за {local_time(start, tz)} – {local_time(end, tz)}</b>",
             f"Новых рисков: {events['detected']}",
             f"Ответов зарегистрировано: {events['answered']}"
             + (f" (медиана {hours(median(took))} от первого сообщения)" if took else ""),
             f"Отработано: {events['worked_out']}, снова открыто: {events['reopened']}, "
             f"ложных срабатываний: {events['false_alarm']}",
             f"Нарушений норматива: {sum(1 for r in rows if r.event == 'reminder' and missed(r.details))}"
             f", эскалаций: {events['escalated']}",
             f"Сейчас открыто: {plural(len(store.open_ids()), 'риск', 'риска', 'рисков')}"]
    return "\n".join(lines)
