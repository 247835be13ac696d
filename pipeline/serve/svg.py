"""Charts and the district map as inline SVG, drawn here (no chart library, no tile server). Pure: data in,
markup out, every text escaped.

    timeline_svg(posts, answer_at, start, end)        # a risk's posts as dots on a time axis, the answer a line
    reaction_svg(hours, answer_at)                    # posts per hour before / after the answer, negative apart
    map_svg(points)                                   # settlements placed by their coordinates
"""
from __future__ import annotations

import math
from datetime import datetime, tzinfo
from html import escape

from analytics.place_map import project
from core.html import http_url

W, H, PAD = 720, 160, 28


def _x(at: datetime, start: datetime, end: datetime) -> float:
    span = max(1.0, (end - start).total_seconds())
    return PAD + (W - 2 * PAD) * min(1.0, max(0.0, (at - start).total_seconds() / span))


def _axis(start: datetime, end: datetime, tz: tzinfo, y: float) -> str:
    parts = [f'<line x1="{PAD}" y1="{y}" x2="{W - PAD}" y2="{y}" class="axis"/>']
    for i in range(5):
        at = start + (end - start) * (i / 4)
        x = _x(at, start, end)
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        parts.append(f'<text x="{x:.0f}" y="{y + 16}" class="tick" text-anchor="{anchor}">'
                     f'{at.astimezone(tz):%d.%m %H:%M}</text>')
    return "".join(parts)


def timeline_svg(posts: list[dict], answer_at: datetime | None, start: datetime, end: datetime, tz: tzinfo) -> str:
    dots = []
    for i, p in enumerate(posts):
        x, y = _x(p["published_at"], start, end), 30 + (i % 5) * 16
        cls = "neg" if p.get("negative", 0) >= 0.5 else "post"
        title = escape(f"{p['published_at'].astimezone(tz):%d.%m %H:%M} {p.get('source_name') or p['source']}: "
                       f"{p['text'][:120]}")
        dot = f'<circle cx="{x:.1f}" cy="{y}" r="6" class="{cls}"><title>{title}</title></circle>'
        url = http_url(p.get("url"))
        dots.append(f'<a href="{escape(url)}" target="_blank" rel="noopener">{dot}</a>' if url else dot)
    answer = ""
    if answer_at is not None:
        x = _x(answer_at, start, end)
        answer = (f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{H - 34}" class="answer"/>'
                  f'<text x="{x + 4:.1f}" y="14" class="label">ответ</text>')
    return (f'<svg viewBox="0 0 {W} {H}" class="chart" role="img" aria-label="Сообщения сюжета на оси времени">'
            f'{"".join(dots)}{answer}{_axis(start, end, tz, H - 30)}</svg>')


def reaction_svg(hours: list[dict], answer_at: datetime | None, tz: tzinfo) -> str:
    """Bars per hour: all posts (light) and negative ones (dark); the answer's hour marked."""
    if not hours:
        return '<p class="muted">Сообщений по теме сюжета в этом окне нет.</p>'
    start, end = hours[0]["hour"], hours[-1]["hour"]
    top = max(h["posts"] for h in hours) or 1
    n = max(1, round((end - start).total_seconds() / 3600) + 1)
    bar = (W - 2 * PAD) / n
    parts = []
    for h in hours:
        x = PAD + bar * round((h["hour"] - start).total_seconds() / 3600)
        for value, cls in ((h["posts"], "bar"), (h["negative"], "bar neg")):
            height = (H - 60) * value / top
            parts.append(f'<rect x="{x:.1f}" y="{H - 30 - height:.1f}" width="{max(1.0, bar - 1):.1f}" '
                         f'height="{height:.1f}" class="{cls}"><title>{h["hour"].astimezone(tz):%d.%m %H:00}: '
                         f'{h["posts"]} сообщ., негативных {h["negative"]}</title></rect>')
    if answer_at is not None and start <= answer_at:
        x = PAD + bar * ((answer_at - start).total_seconds() / 3600)
        parts.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{H - 30}" class="answer"/>'
                     f'<text x="{x + 4:.1f}" y="14" class="label">ответ</text>')
    parts.append(f'<text x="{PAD}" y="14" class="tick">макс. {top} в час</text>')
    end_axis = end if end > start else start.replace(minute=59)
    return (f'<svg viewBox="0 0 {W} {H}" class="chart" role="img" aria-label="Реакция до и после ответа">'
            f'{"".join(parts)}{_axis(start, end_axis, tz, H - 30)}</svg>')


def map_svg(points: list[dict], width: int = 640, height: int = 520) -> str:
    """points: {"name", "lat", "lon", "open", "volume", "href"}. Equirectangular, scaled by cos(latitude); the
    circle's area follows the volume, its colour the open risks."""
    placed = [p for p in points if p.get("lat") is not None and p.get("lon") is not None]
    if not placed:
        return '<p class="muted">В газеттире нет координат населённых пунктов.</p>'
    placed = sorted(placed, key=lambda p: -p.get("volume", 0))
    xy = project([(p["lat"], p["lon"]) for p in placed], width, height, 60)     # the digest's projection
    top_volume = max([p.get("volume", 0) for p in placed] + [1])
    parts = []
    for p, (x, y) in zip(placed, xy, strict=True):
        r = 5 + 25 * math.sqrt(p.get("volume", 0) / top_volume)
        cls = "crit" if p.get("open", 0) >= 3 else "high" if p.get("open", 0) else "calm"
        label = escape(p["name"]) + (f" ({p['open']})" if p.get("open") else "")
        title = escape(f"{p['name']}: открытых рисков {p.get('open', 0)}, сообщений за 7 дней {p.get('volume', 0)}")
        circle = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" class="place {cls}"><title>{title}</title></circle>'
                  f'<text x="{x + r + 3:.1f}" y="{y + 4:.1f}" class="place-label">{label}</text>')
        parts.append(f'<a href="{escape(p["href"])}">{circle}</a>' if p.get("href") else circle)
    return (f'<svg viewBox="0 0 {width} {height}" class="map" role="img" aria-label="Карта округа">'
            f'{"".join(parts)}</svg>')
