"""The alert chat against a fake Telegram Bot API on loopback: the exact requests cards, buttons, answers,
commands, refusals, throttling and 429 produce, and what they store."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from alerting.bot import REFUSAL, Bot
from alerting.chat import AlertChat
from alerting.lifecycle import start
from core.records import Alert
from core.settings import Settings
from core.taxonomy import load_topics
from storage.risks import RiskStore
from tests.conftest import T0, make_enriched
from tests.fakes.bot_api import FakeBotApi, html_error

TOKEN, CHAT, STAFF, STRANGER = "123456:TEST-token", -1001234, 4242, 9999


class Clock:
    def __init__(self):
        self.t, self.slept = 1000.0, []

    def __call__(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.t += s


@pytest.fixture
def tg():
    with FakeBotApi(TOKEN) as fake:
        yield fake


def settings(tg, **telegram) -> Settings:
    return Settings(telegram={"bot_token": TOKEN, "alert_chat_id": str(CHAT), "bot_api_base": tg.base,
                              "staff_user_ids": (STAFF,), "notify_on_critical": ("@duty_officer",)} | telegram)


def make_alert(n: int = 3, alert_id: str = "A-1", level: str = "высокий") -> Alert:
    uids = tuple(f"vk:-1_{i}" for i in range(n))
    return Alert(alert_id=alert_id, kind="story", topic="water", settlement="Лычково", level=level, score=4.0,
                 created_at=T0, updated_at=T0 + timedelta(minutes=n), first_at=T0, last_at=T0 + timedelta(minutes=n),
                 post_uids=uids, sources=("vk:-1",), negative_share=1.0,
                 snippets=tuple((f"нет воды <{i}>", f"https://vk.com/wall-1_{i}") for i in range(min(n, 3))))


def make_chat(tg, store, clock, **telegram) -> AlertChat:
    return AlertChat.from_settings(settings(tg, **telegram), RiskStore(store, "test"), load_topics(),
                                   clock=clock, sleep=clock.sleep)


def test_one_card_per_story_then_edits_and_a_restart_edits_the_same_message(tg, store):
    clock = Clock()
    chat = make_chat(tg, store, clock)
    chat.show(make_alert(3))
    (send,) = tg.calls("sendMessage")
    assert send.params["chat_id"] == str(CHAT) and send.params["parse_mode"] == "HTML"
    assert html_error(send.params["text"]) is None and "нет воды &lt;0&gt;" in send.params["text"]
    assert [b["text"] for row in send.params["reply_markup"]["inline_keyboard"] for b in row] == [
        "Взять в работу", "Ложное срабатывание", "Сменить тему", "Отработано"]
    chat.show(make_alert(3))                                     # nothing new: no request
    clock.t += 31
    chat.show(make_alert(5))
    (edit,) = tg.calls("editMessageText")
    assert edit.params["message_id"] == 1 and "5 сообщений" in edit.params["text"]

    restarted = make_chat(tg, store, Clock())                    # a new process: the mapping is in ClickHouse
    restarted.show(make_alert(6))
    restarted.show(make_alert(7))                                # within the edit interval: merged ...
    restarted.close()                                            # ... and sent once at the end
    assert len(tg.calls("sendMessage")) == 1
    assert [c.params["message_id"] for c in tg.calls("editMessageText")] == [1, 1, 1]
    assert "7 сообщений" in tg.calls("editMessageText")[-1].params["text"]
    assert "6 сообщений" in tg.calls("editMessageText")[1].params["text"]
    assert tg.messages[(CHAT, 1)]["text"].startswith("🟠 ВЫСОКИЙ · Водоснабжение и водоотведение · Лычково")


def test_a_burst_waits_for_the_per_minute_budget_and_edits_are_merged(tg, store):
    clock = Clock()
    chat = make_chat(tg, store, clock, max_messages_per_minute=5, edit_interval_s=30)
    for i in range(8):
        chat.show(make_alert(3, alert_id=f"A-{i}"))
    for n in range(4, 40):                                       # a story growing by 36 posts in one second
        chat.show(make_alert(n, alert_id="A-0"))
    assert len(tg.calls("sendMessage")) == 8
    assert clock.slept == [60.0]                                 # the sixth card waited for the window
    (edit,) = tg.calls("editMessageText")                        # A-0's first growth (its interval had passed);
    assert "4 сообщения" in edit.params["text"]                  # the 35 after it are merged ...
    chat.close()
    assert len(tg.calls("editMessageText")) == 2                 # ... into one edit with the latest text
    assert "39 сообщений" in tg.calls("editMessageText")[-1].params["text"]


def test_429_waits_retry_after_and_sends_once(tg, store):
    clock = Clock()
    tg.fail_next("sendMessage", 429, retry_after=3)
    chat = make_chat(tg, store, clock)
    chat.show(make_alert(3))
    assert len(tg.calls("sendMessage")) == 2 and clock.slept == [3.0]
    assert [m["message_id"] for m in tg.sent_to(CHAT)] == [1]


def test_critical_cards_mention_the_named_people(tg, store):
    make_chat(tg, store, Clock()).show(make_alert(3, level="критический"))
    assert tg.calls("sendMessage")[0].params["text"].endswith("Внимание: @duty_officer")


# --- the bot --------------------------------------------------------------------------------------------------
@pytest.fixture
def desk(tg, store):
    """A stored risk A-1 with its card (message 1) in the chat, and the bot."""
    clock = Clock()
    chat = make_chat(tg, store, clock)
    risks = RiskStore(store, "test")
    alert = make_alert(3)
    store.write_posts([make_enriched(uid, i) for i, uid in enumerate(alert.post_uids)], "test")
    store.write_alerts([alert], "test")
    risk, ev = start(alert.alert_id, alert.first_at, alert.created_at, {"first_at": alert.first_at.isoformat()})
    risks.write_events([ev])
    chat.show(alert, risk)
    now = [T0 + timedelta(hours=1)]
    bot = Bot(chat, risks, settings(tg).telegram, clock=lambda: now[0])
    return bot, risks, store, now


def events(risks: RiskStore) -> list[tuple[str, str, str]]:
    return [(e.event, e.state, e.actor) for e in risks.events("A-1")]


def test_take_in_work_edits_the_card_and_posts_the_change(tg, desk):
    bot, risks, store, _ = desk
    bot.handle(tg.press(STAFF, CHAT, 1, "take:A-1", username="ivanova"))
    assert events(risks)[-1] == ("taken", "in_work", "@ivanova")
    (ack,) = tg.calls("answerCallbackQuery")
    assert ack.params["text"] == "Риск взят в работу"
    (edit,) = tg.calls("editMessageText")
    assert edit.params["message_id"] == 1 and "Статус: в работе · ответственный: @ivanova" in edit.params["text"]
    notice = tg.calls("sendMessage")[-1]
    assert notice.params["reply_parameters"]["message_id"] == 1
    assert notice.params["text"].endswith("Взят в работу (@ivanova)")
    bot.handle(tg.press(STAFF, CHAT, 1, "done:A-1"))
    bot.handle(tg.press(STAFF, CHAT, 1, "take:A-1"))             # a closed risk: a refusal, no change
    assert tg.calls("answerCallbackQuery")[-1].params == {
        "callback_query_id": tg.calls("answerCallbackQuery")[-1].params["callback_query_id"],
        "text": "Риск A-1 в состоянии «отработан»: действие «Взять в работу» невозможно.", "show_alert": True}
    assert [e[0] for e in events(risks)] == ["detected", "taken", "worked_out"]
    assert tg.messages[(CHAT, 1)].get("reply_markup") is None   # the closed card keeps no buttons


def test_strangers_are_refused_politely_and_change_nothing(tg, desk):
    bot, risks, store, _ = desk
    before = len(tg.calls("sendMessage"))
    bot.handle(tg.press(STRANGER, CHAT, 1, "false:A-1"))
    bot.handle(tg.press(STAFF, -777, 1, "take:A-1"))              # staff, but in a chat we do not serve
    bot.handle(tg.say(STRANGER, CHAT, "/risks"))
    bot.handle(tg.say(STRANGER, CHAT, "Ответ: всё хорошо https://vk.com/wall-1_0", reply_to=1))
    bot.handle(tg.say(STRANGER, CHAT, "просто разговор"))         # not for the bot: no answer at all
    assert [c.params["text"] for c in tg.calls("answerCallbackQuery")] == [REFUSAL, REFUSAL]
    assert all(c.params["show_alert"] for c in tg.calls("answerCallbackQuery"))
    refusals = tg.calls("sendMessage")[before:]
    assert [c.params["text"] for c in refusals] == [REFUSAL, REFUSAL]
    assert tg.calls("editMessageText") == []
    assert events(risks) == [("detected", "new", "dozor")]
    assert store.scalar("SELECT count() FROM labels") == 0 and store.scalar("SELECT count() FROM risk_answers") == 0


def test_false_alarm_and_topic_change_write_training_labels(tg, desk):
    bot, risks, store, _ = desk
    bot.handle(tg.press(STAFF, CHAT, 1, "topic:A-1"))
    picker = tg.calls("editMessageText")[-1].params["reply_markup"]["inline_keyboard"]
    assert {"text": "Дороги, мосты", "callback_data": "settopic:A-1:roads"} in [b for row in picker for b in row]
    bot.handle(tg.press(STAFF, CHAT, 1, "settopic:A-1:roads"))
    assert events(risks)[-1] == ("topic_changed", "new", "@staff")
    assert "Дороги, мосты · Лычково" in tg.calls("editMessageText")[-1].params["text"]
    bot.handle(tg.press(STAFF, CHAT, 1, "false:A-1"))
    assert events(risks)[-1] == ("false_alarm", "false_alarm", "@staff")
    labels = store.labels("topics")
    assert {(r["uid"], r["label"], r["source"]) for r in labels} == {
        (f"vk:-1_{i}", "other", "alert_button") for i in range(3)}   # the latest label per post wins
    assert labels[0]["text"] == "нет воды"                             # the stored post's text


def test_an_answer_in_the_seed_format_is_registered_and_a_bad_one_is_explained(tg, desk):
    bot, risks, store, now = desk
    bot.handle(tg.say(STAFF, CHAT, "Разобрались, воду дали", reply_to=1))
    assert tg.calls("sendMessage")[-1].params["text"].startswith(
        "Ответ не зарегистрирован: не хватает — ссылки на публикации.")
    assert [e[0] for e in events(risks)] == ["detected"]
    bot.handle(tg.say(STAFF, CHAT, "Подвоз воды организован у школы, восстановление к 18:00.\n"
                      "Площадки: ВКонтакте, сайт округа\nhttps://vk.com/wall-1_2 https://demyansk.ru/news/5",
                      reply_to=1, username="ivanova", date=int((T0 + timedelta(hours=2)).timestamp())))
    assert events(risks)[-1] == ("answered", "answered", "@ivanova")
    (answer,) = risks.answers("A-1")
    assert answer["text"] == "Подвоз воды организован у школы, восстановление к 18:00."
    assert answer["platforms"] == ["ВКонтакте", "сайт округа"] and answer["origin"] == "chat"
    assert answer["links"] == ["https://vk.com/wall-1_2", "https://demyansk.ru/news/5"]
    assert answer["linked_uids"] == ["vk:-1_2"]                    # the link to a post we collected
    assert "Ответ дан 24.03 10:00, через 2 ч после первого сообщения (в норматив)" in \
        tg.calls("editMessageText")[-1].params["text"]


def test_commands(tg, desk):
    bot, risks, store, _ = desk
    bot.handle(tg.say(STAFF, CHAT, "/risks@dozor_mcu_bot"))
    assert tg.calls("sendMessage")[-1].params["text"] == (
        "<b>Открытые риски: 1</b>\n<code>A-1</code> · Водоснабжение и водоотведение · Лычково · новый · с 24.03 08:00")
    bot.handle(tg.say(STAFF, CHAT, "/risk A-1"))
    text = tg.calls("sendMessage")[-1].params["text"]
    assert html_error(text) is None and "<b>История</b>\n24.03 08:00 Риск A-1 зарегистрирован" in text
    bot.handle(tg.say(STAFF, CHAT, "/digest"))
    assert "Новых рисков: 1" in tg.calls("sendMessage")[-1].params["text"]
    bot.handle(tg.say(STAFF, CHAT, "/risk A-404"))
    assert tg.calls("sendMessage")[-1].params["text"].startswith("Риск A-404 не найден")


def test_check_a_draft_before_publishing(tg, desk):
    """/check: the verdict and a checklist in Russian; against the complaint when sent as a reply to a card; a
    reply to a message holding the draft checks that message; nothing is registered as an answer."""
    bot, risks, store, _ = desk
    bot.handle(tg.say(STAFF, CHAT, "/check Ваше обращение рассмотрено. Меры будут приняты в плановом порядке."))
    text = tg.calls("sendMessage")[-1].params["text"]
    assert html_error(text) is None
    assert text.startswith("<b>Проверка черновика ответа</b>\n")
    assert "Жители, скорее всего, прочтут его как <b>отписка</b>: формальный ответ без существа.\n" in text
    assert "➖ Суть и место жалобы: не сверено — отправьте /check ответом на карточку риска" in text
    assert ("❌ Действие, срок, ответственный: не назван срок (назовите срок работ: число, месяц или квартал "
            "с годом)\n") in text
    assert "❌ Без шаблонов и голых ссылок на нормы: шаблонная формулировка" in text
    assert "\n✅ Подтверждение (фото, акт)\n" in text and "\n✅ Без противоречий\n" in text

    pothole = replace(make_alert(2, "A-2"), snippets=(("Яма во дворе дома 7 по Школьной улице", None),))
    store.write_alerts([pothole], "test")
    risk, ev = start("A-2", T0, T0, {"first_at": T0.isoformat()})
    risks.write_events([ev])
    bot.chat.show(pothole, risk)
    card, _ = risks.message(str(CHAT), "A-2")
    bot.handle(tg.say(STAFF, CHAT, "/check Подъезд дома 12 убран 04.03.2026, фото прилагается.\n"
                      "https://vk.com/wall-1_2", reply_to=card))
    text = tg.calls("sendMessage")[-1].params["text"]
    assert "прочтут его как <b>решено</b>" in text
    assert "❌ Суть и место жалобы: не то место или объект (сверьте адрес и объект с жалобой)\n" in text
    assert "не по существу" not in text                   # off_topic: too weak a rule to show staff (issue 19)
    assert "✅ Действие, срок, ответственный" in text
    assert risks.answers("A-2") == [] and [e.event for e in risks.events("A-2")] == ["detected"]

    draft = tg.say(STAFF, CHAT, "Яма у дома 7 по ул. Школьной заделана 12.04.2026 асфальтобетоном, фото прилагается.")
    bot.handle(draft)                                            # staff talking: no request
    sent = len(tg.calls("sendMessage"))
    bot.handle(tg.say(STAFF, CHAT, "/check", reply_to=draft["message"]["message_id"]))
    assert len(tg.calls("sendMessage")) == sent + 1
    text = tg.calls("sendMessage")[-1].params["text"]
    assert "прочтут его как <b>решено</b>" in text and "❌" not in text and "Замечаний нет." in text
    bot.handle(tg.say(STAFF, CHAT, "/check"))
    assert tg.calls("sendMessage")[-1].params["text"].startswith("Пришлите черновик ответа после команды")
    bot.handle(tg.say(STRANGER, CHAT, "/check Проблема устранена."))
    assert tg.calls("sendMessage")[-1].params["text"] == REFUSAL


def test_reminders_before_the_norm_come_on_the_clock(tg, desk):
    bot, risks, store, now = desk
    assert bot.sla_tick(T0 + timedelta(hours=5)) == 0
    assert bot.sla_tick(T0 + timedelta(hours=6, minutes=1)) == 1
    assert tg.calls("sendMessage")[-1].params["text"].endswith(
        "Напоминание: до норматива ответа осталось 2 ч (до 24.03 16:00)")
    assert bot.sla_tick(T0 + timedelta(hours=6, minutes=2)) == 0
    assert [e[0] for e in events(risks)] == ["detected", "reminder"]


def test_dozor_bot_polls_and_keeps_its_offset(tg, desk, dsn, monkeypatch, capsys):
    from pipeline.commands import main
    bot, risks, store, _ = desk
    for key, value in {"BOT_TOKEN": TOKEN, "ALERT_CHAT_ID": str(CHAT), "BOT_API_BASE": tg.base,
                       "STAFF_USER_IDS": json.dumps([STAFF]), "POLL_TIMEOUT_S": "1"}.items():
        monkeypatch.setenv(f"DOZOR_TELEGRAM__{key}", value)
    tg.press(STAFF, CHAT, 1, "take:A-1")
    assert main(["bot", "--for", "1.5", "--db", dsn]) == 0
    assert "обработано обновлений: 1" in capsys.readouterr().out
    # the wall clock is months past the story's first post: the norm is missed and the deadline escalated
    assert [e[0] for e in events(risks)] == ["detected", "reminder", "escalated", "taken"]
    offsets = [c.params["offset"] for c in tg.calls("getUpdates")]
    assert offsets[0] == 0 and offsets[-1] > offsets[0]
    assert main(["bot", "--for", "0.5", "--db", dsn]) == 0         # a restart does not handle the press again
    assert tg.calls("getUpdates")[-1].params["offset"] == offsets[-1]
    assert [e[0] for e in events(risks)] == ["detected", "reminder", "escalated", "taken"]


def test_a_season_reminder_goes_to_the_chat_once_with_last_years_volume(tg, desk):
    from datetime import date, datetime

    from alerting.campaigns import Calendar
    bot, risks, store, _ = desk
    bot.calendar = Calendar.load()
    last_year = [make_enriched(f"old{i}", 0) for i in range(3)]                 # water posts ...
    last_year = [replace(e, post=replace(e.post, published_at=datetime(2025, 4, 2, 12, tzinfo=T0.tzinfo)))
                 for e in last_year]                                             # ... in last year's flood season
    store.write_posts(last_year, "test")
    before = len(tg.calls("sendMessage"))
    assert bot.campaign_tick(date(2026, 2, 27)) == 0
    assert bot.campaign_tick(date(2026, 3, 1)) == 1
    text = tg.calls("sendMessage")[-1].params["text"]
    assert text.startswith("Профилактика: Весенний паводок\nЧерез 14 дн. начинается весенний паводок (15.03 – 15.05).")
    assert "за тот же период прошлых лет: 2025 — 3 сообщения." in text
    assert bot.campaign_tick(date(2026, 3, 1)) == 0                              # once
    assert len(tg.calls("sendMessage")) == before + 1


def test_a_wrong_token_is_a_clear_error(tg, dsn, monkeypatch, capsys):
    from pipeline.commands import main
    for key, value in {"BOT_TOKEN": "1:wrong", "ALERT_CHAT_ID": str(CHAT), "BOT_API_BASE": tg.base}.items():
        monkeypatch.setenv(f"DOZOR_TELEGRAM__{key}", value)
    assert main(["bot", "--for", "1", "--db", dsn]) == 2
    assert "Ошибка Telegram: Telegram getUpdates: 401 Unauthorized" in capsys.readouterr().err


def test_a_telegram_500_while_answering_check_keeps_the_update_for_a_second_try(tg, desk):
    """A passing error on the reply to /check neither stops the bot nor loses the request: the update is read
    again after a rest and answered once."""
    bot, _, _, _ = desk
    update = tg.say(STAFF, CHAT, "/check Ваше обращение рассмотрено. Меры будут приняты в плановом порядке.")
    tg.fail_next("sendMessage", 500)
    done, error = bot._handle_all([update])
    assert done == [] and error is not None                      # kept: the offset does not pass it
    done, error = bot._handle_all([update])
    assert done == [update] and error is None
    replies = [c for c in tg.calls("sendMessage") if "Проверка черновика ответа" in c.params["text"]]
    assert len(replies) == 2                                      # the failed attempt, then the one delivered
    assert sum("Проверка черновика ответа" in m["text"] for m in tg.sent_to(CHAT)) == 1   # what the chat shows
