"""The digest as one self-contained HTML page in Russian (charts embedded as PNG data URIs).

Every headline figure carries data-k="<key>" so a test (and a script) can read it back from the page.
"""
from __future__ import annotations

import base64
from datetime import datetime
from html import escape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pandas as pd

from analytics.charts import mood_chart, topics_chart
from analytics.digest import Digest

STATES = {"new": "новый", "in_work": "в работе", "answered": "дан ответ", "watching": "наблюдение",
          "worked_out": "отработан", "false_alarm": "ложная тревога"}
EVENTS = {"worked_out": "отработан", "false_alarm": "ложная тревога", "reopened": "возобновлён",
          "watching": "поставлен на наблюдение", "escalated": "эскалирован"}   # verdicts (answers have their section)
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")
STYLE = """body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:980px;margin:24px auto;color:#1b2631;
font-size:14px}h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;border-bottom:2px solid #1f5fa8;
padding-bottom:3px;margin-top:28px}.sub{color:#566573}table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid #d5dbdb;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eaf2f8}
.kpis{display:flex;flex-wrap:wrap;gap:10px}.kpi{border:1px solid #d5dbdb;border-radius:6px;padding:8px 12px;
min-width:140px}.kpi b{display:block;font-size:22px}.bad{color:#c0392b}.good{color:#1e8449}.muted{color:#808b96}
blockquote{margin:8px 0;padding:6px 10px;border-left:3px solid #c0392b;background:#fbeee6}img{max-width:100%}"""


def _when(at: datetime, tz: ZoneInfo, time: bool = True) -> str:
    local = at.astimezone(tz)
    text = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{text}, {local:%H:%M}" if time else text


def _short(at, tz: ZoneInfo) -> str:
    return pd.Timestamp(at).tz_localize("UTC").tz_convert(tz).strftime("%d.%m %H:%M")


def _k(key: str, value) -> str:
    shown = "—" if value is None else (f"{value:.0%}" if isinstance(value, float) and key.endswith("share")
                                       else str(value))
    return f'<span data-k="{key}">{escape(shown)}</span>'


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _trend(delta: int) -> str:
    if delta > 0:
        return f'<span class="bad">▲ +{delta}</span>'
    if delta < 0:
        return f'<span class="good">▼ {delta}</span>'
    return '<span class="muted">= 0</span>'


def _place(name: str) -> str:
    return escape(name) if name else '<span class="muted">не указан</span>'


def quote_link(url) -> str:
    """« ссылка» to the post for an http(s) URL only: a replayed file's `javascript:` or `data:` URL stays text."""
    if not url or urlsplit(str(url).strip()).scheme.lower() not in ("http", "https"):
        return ""
    return f' <a href="{escape(str(url).strip(), quote=True)}">ссылка</a>'


def quote_html(q, name, tz: ZoneInfo) -> str:
    """One resident's quote (a row of notable_quotes) as a blockquote."""
    text = q.text if len(q.text) <= 400 else q.text[:400].rsplit(" ", 1)[0] + "…"
    return (f"<blockquote>«{escape(text)}»<br><span class=\"sub\">{_place(q.settlement)} · "
            f"{name(q.topic)} · {escape(q.source_name)} · {_short(q.published_at, tz)} · "
            f"реакций: {q.engagement}{quote_link(q.url)}</span></blockquote>")


def render_html(d: Digest, topic_names: dict[str, str], district: str, tz: ZoneInfo,
                charts: dict[str, bytes] | None = None) -> str:
    """charts: filled with the PNGs made (name -> bytes), for writing them beside the page."""
    charts = {} if charts is None else charts
    name = lambda t: escape(topic_names.get(t, t))  # noqa: E731
    label = "сутки" if d.period == "day" else "неделю"
    a = d.answers
    overdue = d.open_risks[d.open_risks.overdue == 1]
    kpis = [("Сообщений за период", _k("posts", d.posts)),
            ("Доля негатива", _k("negative_share", d.negative_share)),
            ("Новых рисков", _k("new_risks", len(d.new_risks))),
            ("Открытых рисков", _k("open_risks", len(d.open_risks))),
            (f"Просрочено (нет ответа > {d.deadline_hours} ч)", _k("overdue", len(overdue))),
            (f"Ответы в норму {d.norm_hours} ч", _k("within_norm", a["within_norm"])
             + f" из {len(d.new_risks) - (a['false_alarms'] or 0)}")]
    parts = [f"<h1>Дайджест информационных рисков: {escape(district)}</h1>",
             f'<p class="sub">За {label}: {_when(d.start, tz)} — {_when(d.as_of, tz)} (местное время). '
             f"Подготовлено системой «Дозор» по сообщениям из открытых источников.</p>",
             '<div class="kpis">' + "".join(f'<div class="kpi"><b>{v}</b>{escape(t)}</div>' for t, v in kpis)
             + "</div>"]

    parts.append("<h2>Новые риски за период</h2>")
    parts.append(_table(["Тема", "Населённый пункт", "Уровень", "Первое сообщение", "Первый ответ", "Статус"], [
        [name(r.topic), _place(r.settlement), escape(r.level), _short(r.first_post_at, tz),
         "—" if pd.isna(r.answer_hours) else f"через {float(r.answer_hours):.1f} ч", escape(r.status)]
        for r in d.new_risks.itertuples()], "Новых рисков за период нет."))

    parts.append("<h2>Открытые риски</h2>")
    parts.append(_table(["Тема", "Населённый пункт", "Уровень", "Первое сообщение", "Состояние", "Возраст",
                         "Ответ"], [
        [name(r.topic), _place(r.settlement), escape(r.level), _short(r.first_post_at, tz),
         escape(STATES.get(r.state, r.state)), f"{float(r.age_hours):.0f} ч",
         '<span class="bad">нет, просрочено</span>' if r.overdue else ("есть" if r.answers else "ждём")]
        for r in d.open_risks.itertuples()], "Открытых рисков нет."))

    parts.append("<h2>Главные проблемы: темы и населённые пункты</h2>")
    if len(d.topics):
        labels = ("эти сутки", "предыдущие сутки") if d.period == "day" else ("эта неделя", "предыдущая неделя")
        charts["topics.png"] = topics_chart(d.topics, topic_names, *labels)
        parts.append(_img(charts["topics.png"], "Сообщения о проблемах по темам"))
    growth = {(r.topic, r.settlement): int(r.delta) for r in d.growth.itertuples()}
    parts.append(_table(["Населённый пункт", "Тема", "Сообщений", "Жителей", "Негатив", "К прошлому периоду"], [
        [_place(r.settlement), name(r.topic), str(r.posts), str(r.authors), f"{float(r.negative_share):.0%}",
         _trend(growth.get((r.topic, r.settlement), 0))] for r in d.problems.itertuples()],
        "Сообщений о проблемах за период нет."))

    parts.append(f"<h2>Сроки ответов (норма — {d.norm_hours} ч, крайний срок — {d.deadline_hours} ч "
                 "от первого сообщения сюжета)</h2>")
    parts.append(f"<p>Рисков за период: {_k('risks', a['risks'])}; с ответом: {_k('answered', a['answered'])}; "
                 f"в норму: {_k('within_norm_2', a['within_norm'])}; в крайний срок: "
                 f"{_k('within_deadline', a['within_deadline'])}; позже крайнего срока: {_k('late', a['late'])}; "
                 f"без ответа после крайнего срока: {_k('overdue_new', a['overdue'])}; ждут ответа: "
                 f"{_k('waiting', a['waiting'])}; ложных тревог без ответа: {_k('false_alarms', a['false_alarms'])}. "
                 f"Медианное время ответа: {_k('median_hours', a['median_hours'])} ч, "
                 f"наибольшее: {_k('max_hours', a['max_hours'])} ч.</p>")
    if len(overdue):
        parts.append("<p><b>Просроченные:</b> " + "; ".join(
            f"{name(r.topic)} — {_place(r.settlement)} (первое сообщение {_short(r.first_post_at, tz)})"
            for r in overdue.itertuples()) + ".</p>")

    parts.append("<h2>Решения по рискам</h2>")
    parts.append(_table(["Решение", "Автоматически", "Сотрудниками", "Всего"], [
        [escape(EVENTS.get(r.event, r.event)), str(r.automatic), str(r.staff), f'<span data-k="verdict_{r.event}">'
         f"{r.total}</span>"] for r in d.verdicts.itertuples() if r.event != "answered"],
        "Решений за период не было."))
    if len(d.states):
        worked, false = int(d.states.worked_out.sum()), int(d.states.false_alarm.sum())
        real = int(d.states.risks.sum()) - false
        parts.append(f"<p>Отработано рисков этого периода: {_k('worked_out', worked)} из {real} "
                     f"(ложных тревог: {false}).</p>")

    parts.append("<h2>Настроения жителей</h2>")
    if len(d.mood):
        charts["mood.png"] = mood_chart(d.mood)
        parts.append(_img(charts["mood.png"], "Сообщения и доля негатива по дням"))
        last = d.mood.iloc[-1]
        parts.append(f'<p>Последний день ({last.day:%d.%m}): сообщений {last.posts}, '
                     f"негатив {float(last.negative_share):.0%}.</p>")

    parts.append("<h2>Характерные сообщения жителей</h2>")
    if len(d.quotes):
        parts.extend(quote_html(q, name, tz) for q in d.quotes.itertuples())
    else:
        parts.append('<p class="muted">Негативных сообщений о проблемах за период нет.</p>')
    parts.append(f'<p class="sub">Запросы, из которых собраны цифры: docs/sql/ (параметры as_of = '
                 f"{d.as_of:%Y-%m-%d %H:%M:%S} UTC, days = {d.days}).</p>")
    return ('<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Дайджест «Дозор»</title>'
            f"<style>{STYLE}</style></head><body>" + "\n".join(parts) + "</body></html>\n")


def caption_html(d: Digest, topic_names: dict[str, str], tz: ZoneInfo) -> str:
    """The digest's headline figures for the chat message that carries the HTML file (Telegram HTML, short)."""
    a = d.answers
    label = "сутки" if d.period == "day" else "неделю"
    lines = [f"<b>Дайджест «Дозор» за {label}</b> ({_short_aware(d.start, tz)} — {_short_aware(d.as_of, tz)})",
             f"Сообщений: {d.posts}" + (f", негативных {d.negative_share:.0%}" if d.negative_share is not None
                                        else ""),
             f"Новых рисков: {len(d.new_risks)}, открытых: {len(d.open_risks)}, "
             f"просрочено: {int((d.open_risks.overdue == 1).sum()) if len(d.open_risks) else 0}",
             f"Ответы в норму {d.norm_hours} ч: {a['within_norm']} из {len(d.new_risks) - (a['false_alarms'] or 0)}"]
    if len(d.problems):
        top = d.problems.iloc[0]
        lines.append(f"Больше всего сообщений: {escape(topic_names.get(top.topic, top.topic))}"
                     + (f" — {escape(top.settlement)}" if top.settlement else "") + f" ({top.posts})")
    return "\n".join(lines)


def _short_aware(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%d.%m %H:%M")
