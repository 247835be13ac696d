"""Answer parsing in the seed's format, links to our posts, and the card's HTML with hostile text."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alerting.answers import link_uid, missing_text, parse_reply
from alerting.card import card_html, keyboard
from alerting.lifecycle import Sla, apply, start
from core.records import Alert
from core.taxonomy import load_topics
from tests.fakes.bot_api import html_error

MSK = timezone(timedelta(hours=3))
T = datetime(2026, 3, 24, 6, 52, tzinfo=MSK)


def test_a_full_reply_gives_text_platforms_links_and_our_post_uids():
    parsed = parse_reply("Подвоз воды организован у школы и у отдела, восстановление к 18:00.\n"
                         "Площадки: ВКонтакте, Telegram\n"
                         "https://vk.com/wall-193847201_7322 t.me/demyansk_chat/118432, "
                         "https://vk.com/wall-193847201_7322?reply=7324 https://53news.ru/novosti/123")
    assert parsed.text == "Подвоз воды организован у школы и у отдела, восстановление к 18:00."
    assert parsed.platforms == ("ВКонтакте", "Telegram")
    assert parsed.links == ("https://vk.com/wall-193847201_7322", "https://t.me/demyansk_chat/118432",
                            "https://vk.com/wall-193847201_7322?reply=7324", "https://53news.ru/novosti/123")
    assert parsed.uids == ("vk:-193847201_7322", "tg:demyansk_chat_118432", "vk:-193847201_7322_c7324")
    assert parsed.missing == []


def test_platforms_are_inferred_from_the_links_when_not_named():
    parsed = parse_reply("Ответ опубликован, авария устранена https://vk.com/wall-1_2 https://53news.ru/a/1")
    assert parsed.platforms == ("ВКонтакте", "53news.ru")


def test_a_reply_without_links_says_what_is_missing():
    parsed = parse_reply("Разобрались, воду дали")
    assert parsed.missing == ["ссылки на публикации"]
    assert missing_text(parsed).startswith("Ответ не зарегистрирован: не хватает — ссылки на публикации.")
    assert parse_reply("https://vk.com/wall-1_2").missing == ["текст ответа"]


def test_link_uids():
    assert link_uid("https://m.vk.com/wall-61840293_9150") == "vk:-61840293_9150"
    assert link_uid("https://vk.com/club1?w=wall-1_77") == "vk:-1_77"
    assert link_uid("https://t.me/s/yamnik_okrestnosti/20580") == "tg:yamnik_okrestnosti_20580"
    assert link_uid("https://t.me/+invite") is None and link_uid("https://ok.ru/group/1") is None


HOSTILE = '<b>Бесплатно</b> & <a href="http://evil">жми</a> </code> <script>alert(1)</script> &amp'


def alert(**kw) -> Alert:
    base = dict(alert_id="A-1", kind="story", topic="water", settlement="Лычково", level="критический", score=6.0,
                created_at=T, updated_at=T, first_at=T, last_at=T + timedelta(hours=1), post_uids=("a", "b", "c"),
                sources=("vk:-1", "tg:x"), negative_share=0.667,
                snippets=((HOSTILE, 'javascript:alert(1)'), ("нет воды", 'https://vk.com/wall-1_2?a=1&b="2"')))
    return Alert(**(base | kw))


def test_hostile_post_text_cannot_break_the_card_or_add_links():
    risk = start("A-1", T, T, {})[0]
    html = card_html(alert(settlement="<i>Лычково"), risk, load_topics(), MSK, Sla(), ("@duty_<b>",))
    assert html_error(html) is None                          # Telegram would parse it
    assert "<script>" not in html and '<a href="http://evil">' not in html
    assert "&lt;b&gt;Бесплатно&lt;/b&gt; &amp; &lt;a href=&quot;http://evil&quot;&gt;" in html
    assert 'javascript' not in html.split("«")[1].split("»")[1]   # no link for a non-http URL
    assert '<a href="https://vk.com/wall-1_2?a=1&amp;b=&quot;2&quot;">источник</a>' in html
    assert "Внимание: @duty_&lt;b&gt;" in html                # critical: the named people are mentioned


def test_golden_card_and_buttons():
    risk, _ = apply(start("A-1", T, T, {})[0], "taken", T + timedelta(hours=1), "@ivanova")
    html = card_html(alert(snippets=(("нет воды", "https://vk.com/wall-1_2"),)), risk, load_topics(), MSK, Sla())
    assert html == ("🔴 <b>КРИТИЧЕСКИЙ · Водоснабжение и водоотведение · Лычково</b>\n"
                    "Риск <code>A-1</code>: 3 сообщения из 2 источников, негативных 67%\n"
                    "Первое: 24.03 06:52 · последнее: 24.03 07:52\n"
                    "Статус: в работе · ответственный: @ivanova\n"
                    "Ответ: норматив до 24.03 14:52, крайний срок до 25.03 06:52\n"
                    "• «нет воды» — <a href=\"https://vk.com/wall-1_2\">источник</a>")
    assert [b["callback_data"] for row in keyboard("A-1", risk)["inline_keyboard"] for b in row] == [
        "take:A-1", "false:A-1", "topic:A-1", "done:A-1"]
    closed, _ = apply(risk, "false_alarm", T + timedelta(hours=2), "@ivanova")
    assert keyboard("A-1", closed) == {"inline_keyboard": []}
