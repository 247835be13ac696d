"""collectors/files.py: small files in tmp_path -> the Posts and DeadLetters read_file / read_files yield."""
from __future__ import annotations

import dataclasses
import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from collectors.files import FileOptions, read_file, read_files
from core.records import DeadLetter, Post

MSK = timezone(timedelta(hours=3))


def rec(i: int, **kw) -> dict:
    return {"platform": "vk", "source": "vk:-1", "id": f"vk:-1_{i}", "published_at": "2024-03-01T10:00:00+03:00",
            "text": f"Пост {i}: нет воды", **kw}


def line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n"


def summary(items) -> list[tuple]:
    """Posts as ("post", uid), dead letters as ("dead", origin, reason)."""
    return [("post", x.uid) if isinstance(x, Post) else ("dead", x.origin, x.reason) for x in items]


# --- replay JSONL ----------------------------------------------------------------------------------------------

def test_jsonl_good_and_bad_lines(tmp_path):
    big = "ж" * 1_000_000
    no_text = {k: v for k, v in rec(3).items() if k != "text"}
    path = tmp_path / "name.jsonl"
    path.write_bytes(b"".join([
        line(rec(1)),                                       # 1
        b'{"platform": "vk", "source": \n',                 # 2 malformed JSON
        line(no_text),                                      # 3 missing field
        line(rec(4, published_at="вчера")),                 # 4 bad date
        b"\xff\xfe\x00\x01 garbage\n",                      # 5 invalid UTF-8
        line(rec(6, text="")),                              # 6 empty text
        b"\n",                                              # 7 blank: skipped
        b"   \t \r\n",                                      # 8 blank: skipped
        line(rec(9, text=big)),                             # 9 1 MB text
        line(rec(10, text="   ")),                          # 10 whitespace text
        b"[1, 2]\n",                                        # 11 not an object
        line(rec(12)),                                      # 12
    ]))
    items = list(read_file(path))
    assert summary(items) == [
        ("post", "vk:-1_1"),
        ("dead", "name.jsonl:2", "некорректный JSON: Expecting value, позиция 30"),
        ("dead", "name.jsonl:3", "нет обязательного поля: text"),
        ("dead", "name.jsonl:4", "неверная дата в поле published_at: 'вчера'"),
        ("dead", "name.jsonl:5", "неверная кодировка (не UTF-8): байт 0"),
        ("dead", "name.jsonl:6", "нет обязательного поля: text"),
        ("dead", "name.jsonl:9", "слишком длинный текст: 1000000 символов (предел 20000)"),
        ("dead", "name.jsonl:10", "пустой текст"),
        ("dead", "name.jsonl:11", "запись не является JSON-объектом"),
        ("post", "vk:-1_12"),
    ]
    assert items[0] == Post(uid="vk:-1_1", platform="vk", source="vk:-1",
                            published_at=datetime(2024, 3, 1, 10, 0, tzinfo=MSK), text="Пост 1: нет воды")
    dead = {x.origin: x for x in items if isinstance(x, DeadLetter)}
    assert dead["name.jsonl:2"].raw.rstrip("\n") == '{"platform": "vk", "source": '
    assert dead["name.jsonl:5"].raw.rstrip("\n") == "\ufffd\ufffd\x00\x01 garbage"
    assert json.loads(dead["name.jsonl:4"].raw) == rec(4, published_at="вчера")
    assert all(d.received_at.tzinfo is not None for d in dead.values())


def test_jsonl_max_chars_option(tmp_path):
    path = tmp_path / "short.jsonl"
    path.write_bytes(line(rec(1, text="коротко")) + line(rec(2, text="это уже длинно")))
    assert summary(read_file(path, FileOptions(max_chars=10))) == [
        ("post", "vk:-1_1"),
        ("dead", "short.jsonl:2", "слишком длинный текст: 14 символов (предел 10)"),
    ]


def test_other_suffix_is_read_as_jsonl(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_bytes(line(rec(1)))
    assert summary(read_file(path)) == [("post", "vk:-1_1")]


def test_jsonl_with_bom(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + line(rec(1)) + line(rec(2)))
    assert summary(read_file(path)) == [("post", "vk:-1_1"), ("post", "vk:-1_2")]


def test_jsonl_out_of_range_timestamp_is_dead_letter(tmp_path):
    path = tmp_path / "ts.jsonl"
    path.write_bytes(line(rec(1, published_at=1e20)) + line(rec(2)))
    items = list(read_file(path))
    assert [type(x).__name__ for x in items] == ["DeadLetter", "Post"]


# --- missing files, read_files -------------------------------------------------------------------------------------

def test_missing_file_is_one_dead_letter(tmp_path):
    path = tmp_path / "нет такого.jsonl"
    items = list(read_file(path))
    assert len(items) == 1 and isinstance(items[0], DeadLetter)
    assert (items[0].origin, items[0].raw, items[0].reason) == (str(path), "", "файл не найден")


def test_directory_is_not_a_file(tmp_path):
    assert summary(read_file(tmp_path)) == [("dead", str(tmp_path), "это не файл")]


def test_read_files_goes_on_after_a_missing_file(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_bytes(line(rec(1)))
    b.write_bytes(line(rec(2)) + b"{oops}\n")
    missing = tmp_path / "missing.jsonl"
    assert summary(read_files([a, missing, str(b)])) == [
        ("post", "vk:-1_1"),
        ("dead", str(missing), "файл не найден"),
        ("post", "vk:-1_2"),
        ("dead", "b.jsonl:2", "некорректный JSON: Expecting property name enclosed in double quotes, позиция 1"),
    ]


# --- Telegram Desktop export (.json) -------------------------------------------------------------------------------

MESSAGES = [
    {"id": 10, "type": "message", "date": "2024-03-01T10:00:00", "date_unixtime": "1709276400",
     "from": "Иван", "from_id": "user42", "text": "Нет воды на Ленина"},
    {"id": 11, "type": "service", "date": "2024-03-01T10:01:00", "actor": "Админ", "action": "pin_message",
     "text": ""},
    {"id": 12, "type": "message", "date": "2024-03-01T10:02:00", "from": "Мария", "from_id": "user43",
     "photo": "photos/photo_1.jpg", "text": "", "text_entities": []},
    {"id": 13, "type": "message", "date": "2024-03-01T10:03:00", "from": "Мария", "from_id": "user43",
     "reply_to_message_id": 10, "text": ["Подтверждаю, ", {"type": "bold", "text": "с утра"}]},
]


def test_telegram_export_dict(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "Демянск чат", "type": "public_supergroup", "id": 1858370886,
                                "messages": MESSAGES}, ensure_ascii=False), encoding="utf-8")
    items = list(read_file(path))
    assert summary(items) == [
        ("post", "tg:1858370886_10"),
        ("dead", "result.json#1", "служебное сообщение (service)"),
        ("dead", "result.json#2", "сообщение без текста (медиа или пустое)"),
        ("post", "tg:1858370886_13"),
    ]
    first, last = items[0], items[3]
    assert (first.platform, first.source, first.source_name, first.author, first.url) == (
        "telegram", "tg:1858370886", "Демянск чат", "user42", "https://t.me/c/1858370886/10")
    assert first.published_at == datetime(2024, 3, 1, 7, 0, tzinfo=timezone.utc)
    assert last.text == "Подтверждаю, с утра"
    assert last.parent_uid == "tg:1858370886_10"
    assert last.published_at == datetime(2024, 3, 1, 10, 3, tzinfo=MSK)     # naive date, Europe/Moscow
    assert json.loads(items[1].raw) == MESSAGES[1]


def test_telegram_export_naive_date_uses_option_timezone(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "Чат", "id": 5, "messages": [MESSAGES[3]]}), encoding="utf-8")
    (post,) = read_file(path, FileOptions(timezone=timezone.utc))
    assert post.published_at == datetime(2024, 3, 1, 10, 3, tzinfo=timezone.utc)


def test_telegram_bare_list_of_a_chat_is_named_after_the_file(tmp_path):
    path = tmp_path / "channel.json"
    path.write_text(json.dumps(MESSAGES, ensure_ascii=False), encoding="utf-8")
    items = list(read_file(path))
    assert summary(items) == [
        ("post", "tg:channel_10"),
        ("dead", "channel.json#1", "служебное сообщение (service)"),
        ("dead", "channel.json#2", "сообщение без текста (медиа или пустое)"),
        ("post", "tg:channel_13"),
    ]
    assert items[0].source_name is None


def test_telegram_bare_list_channel_url_is_not_bogus(tmp_path):
    path = tmp_path / "channel.json"
    msg = {"id": 1657, "type": "message", "date": "2022-11-26T10:28:09", "date_unixtime": "1669438689",
           "from": "All1App daily", "from_id": "channel1858370886", "text": "Скидки"}
    path.write_text(json.dumps([msg]), encoding="utf-8")
    (post,) = read_file(path)
    assert post.url in (None, "https://t.me/c/1858370886/1657")


@pytest.mark.parametrize("content, reason", [
    (b'{"name": "x", "id": 1}', "в файле нет списка messages (это не экспорт Telegram)"),
    (b'"just a string"', "в файле нет списка messages (это не экспорт Telegram)"),
    (b'{"messages": [', "файл не читается как JSON экспорта Telegram: Expecting value: line 1 column 15 (char 14)"),
])
def test_telegram_unreadable_export_is_one_dead_letter(tmp_path, content, reason):
    path = tmp_path / "result.json"
    path.write_bytes(content)
    assert summary(read_file(path)) == [("dead", "result.json", reason)]


# --- CSV of appeals ------------------------------------------------------------------------------------------------

CSV_TEXT = ("№;Дата обращения;Текст обращения\n"
            "A-1;2024-03-01 09:00;Яма на ул. Ленина\n"
            "A-2;вчера;Нет света\n"
            "A-3;2024-03-01 11:30;\"Мусор не вывозят; жалуемся\"\n"
            "A-4;2024-03-01 12:00;\n")


def test_csv_with_columns(tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text(CSV_TEXT.replace(";", ","), encoding="utf-8-sig")     # Excel's BOM
    opts = FileOptions(text_col="Текст обращения", time_col="Дата обращения", id_col="№")
    items = list(read_file(path, opts))
    assert summary(items) == [
        ("post", "csv:appeals_A-1"),
        ("dead", "appeals.csv:3", "неверная дата в поле Дата обращения: 'вчера'"),
        ("post", "csv:appeals_A-3"),
        ("dead", "appeals.csv:5", "пустой текст"),
    ]
    assert items[0] == Post(uid="csv:appeals_A-1", platform="file", source="csv:appeals",
                            published_at=datetime(2024, 3, 1, 9, 0, tzinfo=MSK), text="Яма на ул. Ленина",
                            source_name="appeals")
    assert items[2].text == "Мусор не вывозят, жалуемся"
    assert json.loads(items[1].raw) == {"№": "A-2", "Дата обращения": "вчера", "Текст обращения": "Нет света"}


def test_csv_without_id_col_uses_row_number(tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text("published_at,text\n2024-03-01T09:00:00+03:00,Яма\n2024-03-02T09:00:00+03:00,Лужа\n",
                    encoding="utf-8")
    assert summary(read_file(path)) == [("post", "csv:appeals_2"), ("post", "csv:appeals_3")]


def test_csv_lacking_the_columns(tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text("date,message\n2024-03-01,Яма\n", encoding="utf-8")
    items = list(read_file(path, FileOptions(text_col="Текст", time_col="Дата")))
    assert summary(items) == [("dead", "appeals.csv", "в CSV нет колонок 'Текст' и 'Дата' (есть: date, message)")]
    assert items[0].raw == "date,message\n2024-03-01,Яма\n"


def test_csv_not_utf8_costs_each_line_that_is_not(tmp_path):
    path = tmp_path / "cp1251.csv"
    path.write_bytes("text,published_at\nЯма,2024-03-01\n".encode("cp1251") + "Лужа,2024-03-02\n".encode())
    assert summary(read_file(path)) == [("dead", "cp1251.csv:2", "строка CSV не в кодировке UTF-8: байт 0"),
                                        ("post", "csv:cp1251_3")]


def test_csv_origin_is_the_line_after_a_multiline_text(tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text('published_at,text\n2024-03-01T09:00:00+03:00,"Яма\nна Ленина\nуже месяц"\nвчера,Нет света\n',
                    encoding="utf-8")
    assert summary(read_file(path))[1] == ("dead", "appeals.csv:5", "неверная дата в поле published_at: 'вчера'")


# --- a file name that is not UTF-8 (cp1251 bytes from an unzipped Windows archive) -----------------------------

CP1251_NAME = "обращения".encode("cp1251")                  # reaches Python as lone surrogates
SHOWN = r"\xee\xe1\xf0\xe0\xf9\xe5\xed\xe8\xff"


def stored(item) -> None:
    """Every string of the item encodes to UTF-8 (what ClickHouse needs to store it)."""
    for field in dataclasses.fields(item):
        if isinstance(value := getattr(item, field.name), str):
            value.encode("utf-8")


def test_jsonl_under_a_name_that_is_not_utf8(tmp_path):
    path = tmp_path / os.fsdecode(CP1251_NAME + b".jsonl")
    path.write_bytes(line(rec(1)) + line(rec(2, published_at="вчера")))
    items = list(read_file(path))
    assert summary(items) == [("post", "vk:-1_1"),
                              ("dead", SHOWN + ".jsonl:2", "неверная дата в поле published_at: 'вчера'")]
    for item in items:
        stored(item)


def test_csv_under_a_name_that_is_not_utf8(tmp_path):
    path = tmp_path / os.fsdecode(CP1251_NAME + b".csv")
    path.write_text("text,published_at\nЯма на ул. Ленина,2024-03-01 09:00\nНет света,вчера\n", encoding="utf-8")
    items = list(read_file(path))
    assert summary(items) == [("post", f"csv:{SHOWN}_2"),
                              ("dead", SHOWN + ".csv:3", "неверная дата в поле published_at: 'вчера'")]
    assert (items[0].source, items[0].source_name) == (f"csv:{SHOWN}", SHOWN)
    for item in items:
        stored(item)


def test_telegram_bare_list_under_a_name_that_is_not_utf8(tmp_path):
    path = tmp_path / os.fsdecode(CP1251_NAME + b".json")
    path.write_text(json.dumps(MESSAGES[:2], ensure_ascii=False), encoding="utf-8")
    items = list(read_file(path))
    assert summary(items) == [("post", f"tg:{SHOWN}_10"),
                              ("dead", SHOWN + ".json#1", "служебное сообщение (service)")]
    for item in items:
        stored(item)


def test_telegram_chat_name_with_a_lone_surrogate_keeps_its_messages(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "Чат \ud83d", "id": 42, "messages": [MESSAGES[0]]}), encoding="utf-8")
    items = list(read_file(path))
    assert [kind for kind, *_ in summary(items)] == ["post"]
    assert items[0].text == "Нет воды на Ленина"
    assert "Чат" in items[0].source_name and "\\ud83d" in items[0].source_name
    stored(items[0])


def test_telegram_chat_id_with_a_lone_surrogate_costs_its_messages_not_the_replay(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "Чат", "id": "42\ud83d", "messages": [MESSAGES[0]]}), encoding="utf-8")
    items = list(read_file(path))
    assert summary(items) == [("dead", "result.json#0", "недопустимые символы в поле id (одиночный суррогат)")]
    stored(items[0])
