"""collectors/appeals.py: exports in the documented mapping and the portal's JSON become records; bad rows are
dead letters with a Russian reason (examples written by us)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from collectors.appeals import read_appeals, resolve_columns
from core.records import Appeal, DeadLetter

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 4, 1, tzinfo=timezone.utc)
POS_CSV = """Номер сообщения;Дата создания;Текст сообщения;Категория;Адрес;Ответственный;Статус;Текст ответа;Дата ответа;Оценка
101;02.03.2026 09:15;Нет воды в доме 5 на Школьной улице в Лычкове третий день;Водоснабжение;Лычково, ул. Школьная, 5;МУП «Водоканал»;Закрыто;Подача воды восстановлена 03.03.2026, фото прилагается.;03.03.2026 18:00;Удовлетворён
101;02.03.2026 09:15;Нет воды в доме 5 на Школьной улице в Лычкове третий день;Водоснабжение;Лычково, ул. Школьная, 5;МУП «Водоканал»;Закрыто;Промежуточно: бригада выехала.;02.03.2026 12:00;
102;05.03.2026;Яма на дороге у школы;Дороги;Демянск;Администрация;В работе;;;
103;неделя назад;Текст есть;Дороги;;;;;;
104;05.03.2026;;Дороги;;;;;;
"""


def test_pos_csv_groups_answers_and_sends_bad_rows_to_dead_letters(tmp_path):
    path = tmp_path / "pos.csv"
    path.write_text(POS_CSV, encoding="utf-8")
    items = list(read_appeals(path, "csv", "pos", MSK, NOW))
    appeals = {a.appeal_id: a for a in items if isinstance(a, Appeal)}
    dead = {d.origin: d.reason for d in items if isinstance(d, DeadLetter)}
    assert set(appeals) == {"pos:101", "pos:102"}
    water = appeals["pos:101"]
    assert water.channel == "pos" and water.org == "МУП «Водоканал»"
    assert water.received_at == datetime(2026, 3, 2, 9, 15, tzinfo=MSK)
    assert [a.answer_id for a in water.answers] == ["pos:101#0", "pos:101#1"]
    assert water.answers[0].answered_at < water.answers[1].answered_at       # time order, whatever the rows' order
    assert water.rating == "satisfied" and water.status == "Закрыто"
    assert appeals["pos:102"].answers == ()
    assert dead == {"pos.csv:5": "не удалось прочитать дату «дата поступления»: «неделя назад»",
                    "pos.csv:6": "пустой текст обращения"}


def test_a_header_without_the_required_columns_is_refused():
    with pytest.raises(ValueError, match="нет столбцов «рег. номер»"):
        resolve_columns(["Содержание", "Дата регистрации"], "edo")
    assert resolve_columns(["РЕГ. НОМЕР", "Дата регистрации", "Краткое содержание"], "edo")["text"] == "Краткое содержание"


def test_xlsx_reads_like_csv(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["Рег. номер", "Дата регистрации", "Содержание", "Исполнитель", "Текст ответа", "Дата ответа", "Канал"])
    ws.append(["15/7", datetime(2026, 3, 3, 10, 0), "Не вывозят мусор в Жиркове", "Администрация",
               "Мусор вывезен 04.03.2026.", datetime(2026, 3, 4, 16, 0), "Письменное обращение (59-ФЗ)"])
    path = tmp_path / "edo.xlsx"
    wb.save(path)
    (appeal,) = read_appeals(path, "xlsx", "edo", MSK, NOW)
    assert (appeal.appeal_id, appeal.channel, appeal.answers[0].text) == ("edo:15/7", "59fz", "Мусор вывезен 04.03.2026.")


def test_portal_json_keeps_answers_statuses_ratings_and_the_portal_deadline(tmp_path):
    report = {"id": 7, "created_dt": "2026-03-01T10:00:00", "district": "Демянский", "category": "Дороги",
              "reason": "Яма", "text": "Яма у дома 3",
              "answers": [{"dt": "2026-03-05T12:00:00", "text": "Яма заделана.", "org": "ДЭП", "kind": "final"}],
              "statuses": [{"dt": "2026-03-01T10:00:00", "name": "Модерация"},
                           {"dt": "2026-03-06T10:00:00", "name": "Завершено: Пользователь удовлетворен решением проблемы"}],
              "citizen_followups": [{"dt": "2026-03-06T10:00:00", "type": "closed_as_satisfied", "text": None}],
              "final_status": "Завершено: Пользователь удовлетворен решением проблемы",
              "reroutes": [{"dt": "2026-03-02T10:00:00", "text": "Ваше сообщение передано по принадлежности. "
                            "В связи с этим срок решения изменен с 09.03.2026 на 12.03.2026"}]}
    path = tmp_path / "portal.jsonl"
    path.write_text(json.dumps(report, ensure_ascii=False) + "\n{broken\n" + json.dumps({"id": 8, "text": ""}) + "\n",
                    encoding="utf-8")
    items = list(read_appeals(path, "portal-jsonl", tz=MSK, now=NOW))
    appeal = items[0]
    assert (appeal.appeal_id, appeal.org, appeal.rating) == ("portal:7", "ДЭП", "satisfied")
    assert appeal.deadline_at == datetime(2026, 3, 12, 23, 59, tzinfo=MSK)
    assert appeal.closed_at == datetime(2026, 3, 6, 10, 0, tzinfo=MSK)
    assert [e.event for e in appeal.events] == ["status", "rerouted", "satisfied", "status"]
    assert [(d.origin, d.reason.split(":")[0]) for d in items[1:]] == [("portal.jsonl:2", "не JSON"),
                                                                       ("portal.jsonl:3", "пустой текст сообщения")]


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_dead_letters(tmp_path):
    """cp1251 names from an unzipped Windows archive reach Python as lone surrogates, which cannot be stored."""
    import os

    path = tmp_path / os.fsdecode("обращения".encode("cp1251") + b".csv")
    path.write_text(POS_CSV, encoding="utf-8")
    dead = [d for d in read_appeals(path, "csv", "pos", MSK, NOW) if isinstance(d, DeadLetter)]
    assert dead and all(d.origin.startswith("\\xee\\xe1\\xf0") for d in dead)
    for d in dead:
        d.origin.encode("utf-8")
