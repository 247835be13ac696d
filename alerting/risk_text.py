"""What staff read about a risk's lifecycle, in Russian: one line per event, the SLA line, the state line.

Pure functions of lifecycle records; plain text (the chat adapter escapes it for HTML).
"""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from alerting.lifecycle import STATE_NAMES, Risk, RiskEvent, Sla, sla_marks
from alerting.render import local_time, plural

ORIGINS = {"chat": "в чате", "official_page": "страница администрации"}


def hours(seconds: float) -> str:
    """7200 -> "2 ч"; 5400 -> "1 ч 30 мин"; 600 -> "10 мин"."""
    minutes = round(seconds / 60)
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} ч {m} мин"
    return f"{h} ч" if h else f"{m} мин"


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def reaction_text(d: dict) -> str:
    """The figures behind a verdict: after the answer against the hours before it."""
    new = d.get("new_sources") or []
    return (f"после ответа {plural(d['after_posts'], 'сообщение', 'сообщения', 'сообщений')} "
            f"({d['after_per_hour']:g} в час, негативных {percent(d['after_negative_share'])}), "
            f"до ответа {d['before_per_hour']:g} в час (негативных {percent(d['before_negative_share'])}); "
            + (f"новые источники: {', '.join(new)}" if new else "новых источников нет"))


def event_text(ev: RiskEvent, tz: tzinfo) -> str:
    d = ev.details
    when = local_time(ev.at, tz)
    who = "" if ev.actor == "dozor" else f" ({ev.actor})"
    if ev.event == "detected":
        return f"{when} Риск {ev.alert_id} зарегистрирован"
    if ev.event == "taken":
        return f"{when} Взят в работу{who}"
    if ev.event == "answered":
        links = d.get("links", [])
        return (f"{when} Ответ зарегистрирован ({ORIGINS.get(d.get('origin'), d.get('origin', ''))}): "
                f"{', '.join(d.get('platforms', [])) or 'площадки не указаны'}; "
                f"{plural(len(links), 'ссылка', 'ссылки', 'ссылок')}"
                + (f", через {hours(d['after_first_s'])} после первого сообщения" if "after_first_s" in d else ""))
    if ev.event == "watching":
        return f"{when} Наблюдение за реакцией: {reaction_text(d)}"
    if ev.event == "worked_out":
        if ev.actor == "dozor":
            return (f"{when} Предлагается вердикт «отработан»: {hours(d['quiet_s'])} без распространения и "
                    f"негативной реакции; {reaction_text(d)}")
        return f"{when} Отмечен как отработанный{who}"
    if ev.event == "reopened":
        complaints = plural(d.get('complaints', 0), 'новая жалоба', 'новые жалобы', 'новых жалоб')
        return (f"{when} Риск снова открыт: {complaints}"
                f" после вердикта «отработан»" + (f" ({who.strip(' ()')})" if who else ""))
    if ev.event == "false_alarm":
        return f"{when} Отмечен как ложное срабатывание{who}"
    if ev.event == "topic_changed":
        return f"{when} Тема изменена: {d.get('from_name', d.get('from'))} → {d.get('to_name', d.get('to'))}{who}"
    if ev.event == "reminder":
        due = datetime.fromisoformat(d["due"])
        if d.get("kind") == "norm_missed":
            norm = hours(d.get('norm_s', 8 * 3600))
            return f"{when} ⚠ Норматив ответа нарушен: ответа нет с первого сообщения ({norm})"
        target = "норматива" if d.get("kind") == "norm_soon" else "крайнего срока"
        left_s = d.get('left_s', 7200)
        deadline = local_time(due + timedelta(seconds=left_s), tz)
        return f"{when} Напоминание: до {target} ответа осталось {hours(left_s)} (до {deadline})"
    if ev.event == "escalated":
        return f"{when} ⛔ Эскалация: ответа нет {hours(d.get('deadline_s', 24 * 3600))} с первого сообщения"
    return f"{when} {ev.event}"


def sla_text(risk: Risk, sla: Sla, tz: tzinfo) -> str:
    """The SLA line of the card: deadlines counted from the first post, and how they stand."""
    marks = {kind: at for kind, _, at in sla_marks(risk, sla)}
    if risk.answered_at is not None:
        took = (risk.answered_at - risk.first_at).total_seconds()
        verdict = "в норматив" if took <= sla.norm_s else ("в срок" if took <= sla.deadline_s else "с опозданием")
        return f"Ответ дан {local_time(risk.answered_at, tz)}, через {hours(took)} после первого сообщения ({verdict})"
    line = (f"Ответ: норматив до {local_time(marks['norm_missed'], tz)}, "
            f"крайний срок до {local_time(marks['escalated'], tz)}")
    if "escalated" in risk.sla_done:
        return line + " — ⛔ срок истёк, эскалация"
    if "norm_missed" in risk.sla_done:
        return line + " — ⚠ норматив нарушен"
    return line


def state_text(risk: Risk) -> str:
    line = f"Статус: {STATE_NAMES[risk.state]}"
    if risk.taken_by and risk.state in ("in_work", "answered", "watching"):
        line += f" · ответственный: {risk.taken_by}"
    return line


def history_text(risk: Risk, tz: tzinfo) -> str:
    return "\n".join(event_text(ev, tz) for ev in risk.history)
