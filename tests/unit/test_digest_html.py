"""The digest page from a Digest built here (no database): what a post or a place name carries is text, never
markup, and a quote links only to http(s) (issue 19, 4: the digest on autoescaping templates)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from analytics.digest import Digest
from analytics.digest_html import caption_html, render_html
from analytics.place_map import map_svg, place_map

AS_OF = datetime(2026, 3, 30, 20, 0, tzinfo=timezone.utc)
NAIVE = datetime(2026, 3, 30, 9, 0)
EVIL = '<script>alert("x")</script><b onmouseover=alert(1)>'
TZ = ZoneInfo("Europe/Moscow")
LOCALITIES = (("Демянск", 57.65, 32.466667), ("Лычково", 57.916667, 32.4), ("Игожево", 57.598056, 32.435833),
              ("Полново", None, None), ("Кневицы", None, None))


def frame(columns: str, *rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns.split())


def make_digest(place: str = "Лычково", text: str = "Нет воды", url: str | None = "https://vk.com/wall-1_2",
                source: str = "Чат Лычково", unverified=(), localities=LOCALITIES) -> Digest:
    found = place_map(localities, {place: (4, 1), "Полново": (2, 0)})
    risk = ("a1", "water", place, "ул. Вокзальная", "школа", "high", NAIVE)
    return Digest(
        period="week", days=7, as_of=AS_OF, start=AS_OF - timedelta(days=7),
        new_risks=frame("alert_id topic settlement street object level first_post_at answer_hours status",
                        (*risk, 2.5, "в норму")),
        open_risks=frame("alert_id topic settlement street object level first_post_at state age_hours answers overdue",
                         (*risk, "in_work", 30.0, 0, 1)),
        answers={"risks": 1, "answered": 1, "within_norm": 1, "within_deadline": 1, "late": 0, "overdue": 0,
                 "waiting": 0, "false_alarms": 0, "median_hours": 2.5, "max_hours": 2.5},
        problems=frame("settlement topic posts authors negative_share", (place, "water", 4, 3, 0.75)),
        growth=frame("topic settlement this_period previous_period delta", ("water", place, 4, 1, 3)),
        topics=frame("topic this_period previous_period delta", ("water", 4, 1, 3)),
        verdicts=frame("event automatic staff total", ("worked_out", 0, 1, 1), ("answered", 0, 1, 1)),
        states=frame("topic risks worked_out false_alarm", ("water", 1, 1, 0)),
        mood=frame("day posts negative_share", (NAIVE.date(), 10, 0.4)),
        quotes=frame("published_at settlement street object topic source_name text url engagement",
                     (NAIVE, place, "ул. Ленина", "", "water", source, text, url, 7)),
        norm_hours=8, deadline_hours=24, posts=10, negative_share=0.4,
        extra={"places_map": {"map": found, "svg": map_svg(found)},
               "unverified_places": frame("place posts first_at last_at", *unverified)})


def page(**kw) -> str:
    return render_html(make_digest(**kw), {"water": "Водоснабжение"}, "Демянский округ", TZ)


def test_the_page_has_its_sections_and_figures():
    html = page()
    figures = dict(re.findall(r'data-k="(\w+)">([^<]*)<', html))
    assert (figures["posts"], figures["negative_share"], figures["new_risks"], figures["overdue"]) == (
        "10", "40%", "1", "1")
    assert figures["verdict_worked_out"] == "1" and "verdict_answered" not in figures
    for text in ("Дайджест информационных рисков: Демянский округ", "Новые риски за период", "через 2.5 ч",
                 "нет, просрочено", "▲ +3", "<b>Просроченные:</b> Водоснабжение — Лычково, ул. Вокзальная, школа",
                 "<td>Лычково, ул. Вокзальная, школа</td>", "Лычково, ул. Ленина · Водоснабжение", "«Нет воды»",
                 '<a href="https://vk.com/wall-1_2">ссылка</a>', "30 марта 2026, 23:00", "data:image/png;base64,"):
        assert text in html, text


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", " JavaScript:alert(1)",
                                 "data:text/html;base64,PHNjcmlwdD4=", ""])
def test_a_quote_with_a_non_http_url_is_not_a_link(url):
    html = page(url=url)
    assert "«Нет воды»" in html and "ссылка" not in html and "<a " not in html
    assert "javascript" not in html.lower()


def test_markup_in_a_post_text_a_place_and_a_source_is_escaped():
    html = page(place=EVIL, text=EVIL, source=EVIL)
    assert "<script>" not in html and "<b onmouseover" not in html
    assert html.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= 6   # 2 risk tables, problems,
    caption = caption_html(make_digest(place=EVIL), {"water": "Водоснабжение"}, TZ)  # overdue, quote x2
    assert "<script>" not in caption and "&lt;script&gt;" in caption
    assert caption.startswith("<b>Дайджест «Дозор» за неделю</b>")


def test_unknown_places_are_listed_with_their_counts():
    html = page(unverified=[("Кирилловщина", 3, NAIVE, NAIVE), ("<i>Песочки</i>", 1, NAIVE, NAIVE)])
    section = html[html.index("<h2>Неизвестные населённые пункты</h2>"):]
    assert re.findall(r'data-unverified="([^"]*)">[^<]*</td><td>(\d+)</td>', section) == [
        ("Кирилловщина", "3"), ("&lt;i&gt;Песочки&lt;/i&gt;", "1")]
    assert "Все названные жителями населённые пункты есть в справочнике" in page()


def test_the_map_places_every_located_locality_and_lists_the_rest():
    html = page()
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert dict(re.findall(r'data-place="([^"]+)" data-posts="(\d+)"', svg)) == {
        "Демянск": "0", "Лычково": "4", "Игожево": "0"}
    assert "Полново" not in svg and "Кневицы" not in svg                 # no invented positions
    listed = html[html.index("Без координат в газеттире"):]
    assert re.findall(r'data-place-unlocated="([^"]+)">[^<]*— (\d+)<', listed) == [("Полново", "2")]
    assert "без сообщений о проблемах: 1." in listed                     # Кневицы: no coordinates, no reports


def test_a_map_without_coordinates_lists_everything():
    html = page(localities=(("Полново", None, None),))
    assert "<svg" not in html and "В газеттире нет координат ни одного населённого пункта" in html
    assert 'data-place-unlocated="Лычково"' in html and 'data-place-unlocated="Полново"' in html
