"""The digest as one self-contained HTML page in Russian: Jinja2 templates with autoescape (core/html.py, the same
setup as the web console) in analytics/templates/digest/, charts embedded as PNG data URIs.

    html = render_html(digest, topic_names, "Демянский муниципальный округ", ZoneInfo("Europe/Moscow"), charts)
    caption_html(digest, topic_names, tz)            # the headline figures for the chat message carrying the file

page.html draws the title and the headline figures, then includes digest/<name>.html for every section of
analytics.digest.SECTIONS in order, with `d` (the Digest), `data` (what the section's gather function returned,
d.extra[name]; None for the sections that read the Digest's own fields) and the helpers below: filters `topic`,
`short` (a naive-UTC time as local «30.03 14:05»), `when` («30 марта 2026, 14:05»), `pct`, `figure`, `excerpt`,
`answered_in`, `http_url` (a link only to http(s)), and macros `k` (a headline figure as <span data-k="key">,
so a test or a script can read it back), `place`, `trend`, `quote` in digest/_macros.html.

To add a section: write analytics/templates/digest/<name>.html (text in Russian; every {{ value }} is escaped)
and add Section("<name>", gather) to analytics.digest.SECTIONS, where gather(book, scope) runs the cookbook
queries it needs (add the query to analytics/sql/ if it is new) and returns what the template reads as `data`.
"""
from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import pandas as pd

from analytics.charts import mood_chart, topics_chart
from analytics.digest import SECTIONS, Digest
from core.html import environment

STATES = {"new": "новый", "in_work": "в работе", "answered": "дан ответ", "watching": "наблюдение",
          "worked_out": "отработан", "false_alarm": "ложная тревога"}
EVENTS = {"worked_out": "отработан", "false_alarm": "ложная тревога", "reopened": "возобновлён",
          "watching": "поставлен на наблюдение", "escalated": "эскалирован"}   # verdicts (answers have their section)
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")
QUOTE_CHARS = 400


def _when(at: datetime, tz: ZoneInfo, time: bool = True) -> str:
    local = at.astimezone(tz)
    text = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{text}, {local:%H:%M}" if time else text


def _short(at, tz: ZoneInfo) -> str:
    """A naive-UTC time from a query (pandas/datetime) as local «30.03 14:05»."""
    return pd.Timestamp(at).tz_localize("UTC").tz_convert(tz).strftime("%d.%m %H:%M")


def figure(value, key: str = "") -> str:
    """A headline figure as shown: — for none, a share as a percentage."""
    if value is None:
        return "—"
    return f"{value:.0%}" if isinstance(value, float) and key.endswith("share") else str(value)


def excerpt(text: str, limit: int = QUOTE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def answered_in(hours) -> str:
    return "—" if pd.isna(hours) else f"через {float(hours):.1f} ч"


def _environment() -> jinja2.Environment:
    env = environment(Path(__file__).parent / "templates")
    env.filters.update(
        figure=figure, excerpt=excerpt, answered_in=answered_in, pct=lambda v: f"{float(v):.0%}",
        topic=jinja2.pass_context(lambda ctx, code: ctx["topic_names"].get(code, code)),
        short=jinja2.pass_context(lambda ctx, at: _short(at, ctx["tz"])),
        when=jinja2.pass_context(lambda ctx, at: _when(at, ctx["tz"])))
    return env


ENV = _environment()


def _png_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def render_html(d: Digest, topic_names: dict[str, str], district: str, tz: ZoneInfo,
                charts: dict[str, bytes] | None = None) -> str:
    """charts: filled with the PNGs made (name -> bytes), for writing them beside the page."""
    charts = {} if charts is None else charts
    if len(d.topics):
        labels = ("эти сутки", "предыдущие сутки") if d.period == "day" else ("эта неделя", "предыдущая неделя")
        charts["topics.png"] = topics_chart(d.topics, topic_names, *labels)
    if len(d.mood):
        charts["mood.png"] = mood_chart(d.mood)
    return ENV.get_template("digest/page.html").render(
        d=d, district=district, tz=tz, topic_names=topic_names, sections=SECTIONS, states=STATES, events=EVENTS,
        images={name: _png_uri(png) for name, png in charts.items()},
        overdue=d.open_risks[d.open_risks.overdue == 1],
        growth={(r.topic, r.settlement): int(r.delta) for r in d.growth.itertuples()}) + "\n"


def quote_html(q, topic_names: dict[str, str], tz: ZoneInfo) -> str:
    """One resident's quote (a row of notable_quotes) as a blockquote; the link only to an http(s) URL."""
    return ENV.from_string('{% from "digest/_macros.html" import quote with context %}{{ quote(q) }}').render(
        q=q, topic_names=topic_names, tz=tz)


def caption_html(d: Digest, topic_names: dict[str, str], tz: ZoneInfo) -> str:
    """The digest's headline figures for the chat message that carries the HTML file (Telegram HTML, short)."""
    return ENV.get_template("digest/caption.txt").render(
        d=d, tz=tz, topic_names=topic_names, overdue=int((d.open_risks.overdue == 1).sum()) if len(d.open_risks)
        else 0, top=d.problems.iloc[0] if len(d.problems) else None,
        start=d.start.astimezone(tz).strftime("%d.%m %H:%M"), end=d.as_of.astimezone(tz).strftime("%d.%m %H:%M"))
