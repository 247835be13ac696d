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
        "Ответ жителям регистрируется ответом на карточку риска: текст ответа, площадки "
        "(«Площадки: ВКонтакте, Telegram») и ссылки на публикации.")


def risks_text(store: RiskRecords, topics: dict[str, Topic], tz: tzinfo) -> str:
    ids = store.open_ids()
    if not ids:
        return "Открытых рисков нет."
    lines = [f"<b>Открытые риски: {len(ids)}</b>"]
    for alert_id in ids:
        risk, alert = stored_risk(store, alert_id), store.alert(alert_id)
        if risk is None or alert is None:
            continue
        mark = " ⛔ эскалация" if "escalated" in risk.sla_done else (
            " ⚠ норматив нарушен" if "norm_missed" in risk.sla_done and risk.answered_at is None else "")
        lines.append(f"<code>{escape(alert_id)}</code> · {escape(topic_name(risk.topic or alert.topic, topics))} · "
                     f"{escape(place_text(alert))} · {STATE_NAMES[risk.state]} · "
                     f"с {local_time(risk.first_at, tz)}{mark}")
    return "\n".join(lines)


def risk_text(store: RiskRecords, alert_id: str, topics: dict[str, Topic], tz: tzinfo, sla: Sla) -> str:
    risk, alert = stored_risk(store, alert_id), store.alert(alert_id)
    if risk is None or alert is None:
        return f"Риск {escape(alert_id)} не найден. Список открытых: /risks"
    parts = [card_html(alert, risk, topics, tz, sla), "", "<b>История</b>", escape(history_text(risk, tz))]
    for a in store.answers(alert_id):
        parts.append(f"Ответ ({escape(', '.join(a['platforms']))}): «{escape(a['text'][:200])}»")
    return "\n".join(parts)[:4000]


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
