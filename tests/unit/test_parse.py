"""collectors/parse.py: one input record -> Post, or InputError with a Russian reason."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from collectors.parse import (
    MAX_TEXT_CHARS,
    InputError,
    csv_row_to_post,
    replay_record_to_post,
    tg_message_to_post,
    tg_text,
)
from core.records import Post, Reactions

MSK = timezone(timedelta(hours=3))
BASE = {"platform": "vk", "source": "vk:-123", "id": "vk:-123_456", "published_at": "2024-03-01T10:15:00+03:00",
        "text": "Нет воды в Лычкове"}


# --- replay_record_to_post ----------------------------------------------------------------------------------------

def test_replay_happy_path_all_fields():
    record = {**BASE, "source_name": "Подслушано Демянск", "author": "id777", "url": "https://vk.com/wall-123_456",
              "parent_id": "vk:-123_400", "likes": 5, "reposts": "2", "comments": 3, "views": 120,
              "unknown_field": {"x": 1}, "lang": "ru"}
    assert replay_record_to_post(record) == Post(
        uid="vk:-123_456", platform="vk", source="vk:-123",
        published_at=datetime(2024, 3, 1, 10, 15, tzinfo=MSK), text="Нет воды в Лычкове",
        source_name="Подслушано Демянск", author="id777", url="https://vk.com/wall-123_456",
        parent_uid="vk:-123_400", reactions=Reactions(likes=5, reposts=2, comments=3, views=120))


def test_replay_aware_datetime_keeps_offset():
    at = replay_record_to_post(BASE).published_at
    assert at.utcoffset() == timedelta(hours=3)
    assert at.astimezone(timezone.utc) == datetime(2024, 3, 1, 7, 15, tzinfo=timezone.utc)


def test_replay_minimal_record_defaults():
    post = replay_record_to_post(BASE)
    assert (post.source_name, post.author, post.url, post.parent_uid) == (None, None, None, None)
    assert post.reactions == Reactions(0, 0, 0, 0)


@pytest.mark.parametrize("extra, expected", [
    ({"likes": None, "views": ""}, Reactions(0, 0, 0, 0)),
    ({"likes": -4, "reposts": "abc", "comments": [1]}, Reactions(0, 0, 0, 0)),
    ({"likes": "7", "views": 1000}, Reactions(likes=7, views=1000)),
])
def test_replay_reactions_are_clean_counts(extra, expected):
    assert replay_record_to_post({**BASE, **extra}).reactions == expected


@pytest.mark.parametrize("value, expected", [
    ("2024-03-01T10:15:00Z", datetime(2024, 3, 1, 10, 15, tzinfo=timezone.utc)),
    (" 2024-03-01 10:15:00+03:00 ", datetime(2024, 3, 1, 10, 15, tzinfo=MSK)),
    (1709277300, datetime(2024, 3, 1, 7, 15, tzinfo=timezone.utc)),
])
def test_replay_time_formats(value, expected):
    at = replay_record_to_post({**BASE, "published_at": value}).published_at
    assert at == expected and at.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("record, reason", [
    ({k: v for k, v in BASE.items() if k != "text"}, "нет обязательного поля: text"),
    ({"text": "x"}, "нет обязательного поля: platform, source, id, published_at"),
    ({**BASE, "id": "", "source": None}, "нет обязательного поля: source, id"),
    ({**BASE, "text": ""}, "нет обязательного поля: text"),
    ({**BASE, "text": "   \n\t"}, "пустой текст"),
    ({**BASE, "text": "\u200b\u200b"}, "пустой текст"),            # zero-width spaces only
    ({**BASE, "text": "\ufeff \x00"}, "пустой текст"),              # a BOM and a NUL
    ({**BASE, "text": 42}, "поле text не строка"),
    ({**BASE, "text": ["Нет", "воды"]}, "поле text не строка"),
    ({**BASE, "published_at": "вчера вечером"}, "неверная дата в поле published_at: 'вчера вечером'"),
    ({**BASE, "published_at": "2024-13-01T10:00:00+03:00"},
     "неверная дата в поле published_at: '2024-13-01T10:00:00+03:00'"),
    ({**BASE, "published_at": "2024-03-01T10:15:00"},
     "дата без часового пояса в поле published_at: '2024-03-01T10:15:00'"),
    ({**BASE, "published_at": "2024-03-01"}, "дата без часового пояса в поле published_at: '2024-03-01'"),
    ({**BASE, "published_at": True}, "нет даты в поле published_at"),
    ({**BASE, "text": "а" * (MAX_TEXT_CHARS + 1)}, "слишком длинный текст: 20001 символов (предел 20000)"),
    (["platform", "vk"], "запись не является JSON-объектом"),
    ("строка", "запись не является JSON-объектом"),
    (None, "запись не является JSON-объектом"),
])
def test_replay_input_errors(record, reason):
    with pytest.raises(InputError) as e:
        replay_record_to_post(record)
    assert str(e.value) == reason


def test_replay_text_at_the_limit_and_custom_limit():
    assert len(replay_record_to_post({**BASE, "text": "а" * MAX_TEXT_CHARS}).text) == MAX_TEXT_CHARS
    with pytest.raises(InputError, match=r"^слишком длинный текст: 19 символов \(предел 10\)$"):
        replay_record_to_post({**BASE, "text": "Нет воды в Лычкове!"}, max_chars=10)


@pytest.mark.parametrize("value", [1e20, float("nan")])
def test_replay_bad_numeric_date_is_input_error(value):
    with pytest.raises(InputError):
        replay_record_to_post({**BASE, "published_at": value})


def test_replay_infinite_count_is_zero():
    assert replay_record_to_post({**BASE, "likes": float("inf")}).reactions.likes == 0


# --- tg_text -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("Нет воды", "Нет воды"),
    ("", ""),
    (["Нет воды в ", {"type": "bold", "text": "Лычкове"}, ", см. ",
      {"type": "link", "text": "https://t.me/x/1"}], "Нет воды в Лычкове, см. https://t.me/x/1"),
    ([{"type": "mention", "text": ""}, "\n\n", {"type": "hashtag"}], "\n\n"),
    (["a", 5, None, {"type": "plain", "text": "b"}], "ab"),
    ([], ""),
])
def test_tg_text(value, expected):
    assert tg_text(value) == expected


@pytest.mark.parametrize("value", [None, 12, {"text": "x"}])
def test_tg_text_rejects_other_types(value):
    with pytest.raises(InputError, match="^поле text не строка и не список сущностей$"):
        tg_text(value)


# --- tg_message_to_post ---------------------------------------------------------------------------------------------

MSG = {"id": 1657, "type": "message", "date": "2022-11-26T10:28:09", "date_unixtime": "1669438689",
       "from": "Иван Петров", "from_id": "user42", "text": ["Нет света на ", {"type": "bold", "text": "Ленина"}],
       "text_entities": [], "photo": "photos/photo_1.jpg"}
UTC_TZ = timezone.utc


def test_tg_message_happy_path():
    post = tg_message_to_post({**MSG, "reply_to_message_id": 1600}, "tg:demyansk_chat", "Демянск чат", MSK)
    assert post == Post(uid="tg:demyansk_chat_1657", platform="telegram", source="tg:demyansk_chat",
                        published_at=datetime(2022, 11, 26, 4, 58, 9, tzinfo=timezone.utc),
                        text="Нет света на Ленина", source_name="Демянск чат", author="user42",
                        url="https://t.me/demyansk_chat/1657", parent_uid="tg:demyansk_chat_1600")


def test_tg_message_date_unixtime_preferred_over_date():
    post = tg_message_to_post({**MSG, "date": "2000-01-01T00:00:00"}, "tg:x", None, MSK)
    assert post.published_at == datetime(2022, 11, 26, 4, 58, 9, tzinfo=timezone.utc)


def test_tg_message_naive_date_gets_default_tz():
    msg = {k: v for k, v in MSG.items() if k != "date_unixtime"}
    at = tg_message_to_post(msg, "tg:x", None, ZoneInfo("Europe/Moscow")).published_at
    assert at == datetime(2022, 11, 26, 7, 28, 9, tzinfo=timezone.utc)
    assert at.utcoffset() == timedelta(hours=3)


@pytest.mark.parametrize("chat_key, url", [
    ("tg:demyansk_chat", "https://t.me/demyansk_chat/1657"),
    ("tg:1858370886", "https://t.me/c/1858370886/1657"),        # numeric ids: the members-only link form
    ("tg:-1001858370886", "https://t.me/c/1858370886/1657"),
])
def test_tg_message_url(chat_key, url):
    assert tg_message_to_post(MSG, chat_key, None, UTC_TZ).url == url


def test_tg_message_author_falls_back_to_from_and_no_reply():
    post = tg_message_to_post({**MSG, "from_id": None}, "tg:x", None, UTC_TZ)
    assert (post.author, post.parent_uid) == ("Иван Петров", None)


@pytest.mark.parametrize("message, reason", [
    ({"id": 5, "type": "service", "action": "pin_message", "date_unixtime": "1669438689", "text": ""},
     "служебное сообщение (service)"),
    ({**MSG, "text": "", "text_entities": []}, "сообщение без текста (медиа или пустое)"),
    ({**MSG, "text": [{"type": "mention", "text": ""}, " \n"]}, "сообщение без текста (медиа или пустое)"),
    ({k: v for k, v in MSG.items() if k != "text"}, "сообщение без текста (медиа или пустое)"),
    ({k: v for k, v in MSG.items() if k != "id"}, "сообщение без id"),
    ("не сообщение", "сообщение без id"),
    ({**MSG, "date_unixtime": "", "date": "когда-то"}, "неверная дата в поле date: 'когда-то'"),
    ({**MSG, "date_unixtime": None, "date": None}, "нет даты в поле date"),
    ({**MSG, "text": None}, "поле text не строка и не список сущностей"),
])
def test_tg_message_input_errors(message, reason):
    with pytest.raises(InputError) as e:
        tg_message_to_post(message, "tg:x", None, UTC_TZ)
    assert str(e.value) == reason


def test_tg_message_bad_unixtime_is_input_error():
    with pytest.raises(InputError):
        tg_message_to_post({**MSG, "date_unixtime": "abc"}, "tg:x", None, UTC_TZ)


# --- csv_row_to_post -----------------------------------------------------------------------------------------------

ROW = {"id": "A-17", "Текст": "Яма на ул. Ленина", "Дата": "2024-03-01 09:00", "ФИО": "Иванова"}


@pytest.mark.parametrize("id_col, row, uid", [
    ("id", ROW, "csv:appeals_A-17"),
    (None, ROW, "csv:appeals_5"),
    ("id", {**ROW, "id": ""}, "csv:appeals_5"),
    ("nope", ROW, "csv:appeals_5"),
])
def test_csv_row_uid(id_col, row, uid):
    post = csv_row_to_post(row, "csv:appeals", "Текст", "Дата", id_col, 5, MSK)
    assert post == Post(uid=uid, platform="file", source="csv:appeals",
                        published_at=datetime(2024, 3, 1, 9, 0, tzinfo=MSK), text="Яма на ул. Ленина",
                        source_name="appeals")


@pytest.mark.parametrize("row, reason", [
    ({"Дата": "2024-03-01 09:00"}, "нет колонки Текст"),
    ({"Текст": "Яма"}, "нет колонки Дата"),
    ({**ROW, "Дата": "01.03.2024"}, "неверная дата в поле Дата: '01.03.2024'"),
    ({**ROW, "Дата": ""}, "нет даты в поле Дата"),
    ({**ROW, "Текст": " "}, "пустой текст"),
    ({**ROW, "Текст": None}, "пустой текст"),
])
def test_csv_row_input_errors(row, reason):
    with pytest.raises(InputError) as e:
        csv_row_to_post(row, "csv:appeals", "Текст", "Дата", None, 3, MSK)
    assert str(e.value) == reason


def test_a_text_with_an_invisible_character_and_words_is_kept():
    assert replay_record_to_post({**BASE, "text": "\ufeffНет воды\u200b"}).text == "\ufeffНет воды\u200b"
