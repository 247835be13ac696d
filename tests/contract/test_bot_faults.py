"""`dozor bot` through passing failures (issue 16, 3): Telegram 500s, long 429s, a database error while a press is
handled. The loop lives on, catches up, and loses no button press and no reminder. Real HTTP to the fake Bot API;
the bot's loop runs for a second or two of wall time."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from clickhouse_connect.driver.exceptions import OperationalError

from alerting.bot import DONE, REFUSAL
from alerting.bot_api import BotApiError
from tests.conftest import T0
from tests.contract.test_alert_chat import CHAT, STAFF, STRANGER, desk, events, tg  # noqa: F401 - fixtures

REMINDER = "Напоминание: до норматива ответа осталось 2 ч"


@pytest.fixture
def bot(desk):  # noqa: F811
    b = desk[0]
    b.poll_timeout, b.sla_every_s = 1, 0.2
    return desk


def texts(tg, method="sendMessage"):  # noqa: F811
    """What the bot asked for, failed calls included."""
    return [c.params.get("text", "") for c in tg.calls(method)]


def delivered(tg):  # noqa: F811
    """The bot's messages the chat holds."""
    return [m["text"] for m in tg.sent_to(CHAT)]


def test_a_telegram_500_during_a_reminder_tick_does_not_stop_the_bot_nor_lose_the_reminder(tg, bot):  # noqa: F811
    b, risks, _, now = bot
    now[0] = T0 + timedelta(hours=6, minutes=1)
    tg.fail_next("sendMessage", 500, times=2)
    tg.press(STAFF, CHAT, 1, "take:A-1")
    b.run(for_seconds=2.5)
    assert [e[0] for e in events(risks)] == ["detected", "reminder", "taken"]
    assert sum(REMINDER in t for t in delivered(tg)) == 1               # delivered once, after the failures
    assert sum(t.endswith("Взят в работу (@staff)") for t in delivered(tg)) == 1


def test_a_long_429_is_not_slept_inside_the_loop(tg, bot):  # noqa: F811
    b, risks, _, now = bot
    now[0] = T0 + timedelta(hours=6, minutes=1)
    tg.fail_next("sendMessage", 429, retry_after=3600)
    started = time.monotonic()
    tg.press(STAFF, CHAT, 1, "take:A-1")
    b.run(for_seconds=2.0)
    assert time.monotonic() - started < 5
    assert 3600.0 not in b.api.sleep.__self__.slept
    assert [e[0] for e in events(risks)] == ["detected", "reminder", "taken"]
    assert sum(REMINDER in t for t in delivered(tg)) == 1               # the notice waited, then went out


def test_a_press_whose_handling_hits_a_database_error_is_handled_on_the_next_turn(tg, bot, monkeypatch):  # noqa: F811
    b, risks, _, _ = bot
    real, failures = risks.write_events, [1]

    def flaky(evs):
        if failures:
            failures.pop()
            raise OperationalError("ClickHouse перезапускается")
        real(evs)

    monkeypatch.setattr(risks, "write_events", flaky)
    tg.press(STAFF, CHAT, 1, "take:A-1")
    assert b.run(for_seconds=3.0) == 1
    assert [e[0] for e in events(risks)] == ["detected", "taken"]
    assert texts(tg, "answerCallbackQuery")[-1] == DONE["taken"]


def test_telegram_failing_edits_and_answers_lose_no_press(tg, bot):  # noqa: F811
    b, risks, _, _ = bot
    tg.fail_next("editMessageText", 502, times=2)
    tg.fail_next("answerCallbackQuery", 500)
    tg.press(STAFF, CHAT, 1, "take:A-1")
    b.run(for_seconds=2.0)
    assert [e[0] for e in events(risks)] == ["detected", "taken"]
    assert "Статус: в работе" in tg.messages[(CHAT, 1)]["text"]          # the edit went out once Telegram was back


def test_a_press_on_a_message_that_is_not_a_card_is_answered(tg, bot):  # noqa: F811
    b, _, _, _ = bot
    tg.fail_next("editMessageText", 400)                 # "there is no text in the message to edit" (a document)
    with pytest.raises(BotApiError):
        b.handle(tg.press(STAFF, CHAT, 1, "topic:A-1"))
    b.handle(tg.press(STAFF, CHAT, 77, "unknown"))
    assert len(tg.calls("answerCallbackQuery")) == 2


def test_a_crowd_of_strangers_gets_refusals_within_the_budget(tg, bot):  # noqa: F811
    b, _, _, _ = bot
    before = len(tg.calls("sendMessage"))
    for i in range(30):
        b.handle(tg.say(STRANGER + i, CHAT, "/risks"))
    refusals = texts(tg)[before:]
    assert 0 < len(refusals) <= 20 and set(refusals) == {REFUSAL}
