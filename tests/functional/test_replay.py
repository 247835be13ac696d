"""`dozor replay` end to end on a small fixture we wrote: real NLP, seed models, embedded ClickHouse."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.commands import main
from storage.clickhouse import ClickHouseStore

FIXTURE = Path(__file__).parent.parent / "data" / "replay_small.jsonl"
INCIDENT = ["vk:-200002_10", "tg:demyansk_chat_501", "vk:-200002_11", "vk:-200002_12"]


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path, models_dir, kit):
    monkeypatch.setenv("DOZOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DOZOR_MODELS_DIR", str(models_dir))


def export(dsn, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["alerts", "--format", "jsonl", "--db", dsn]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_replay_finds_the_incident_and_dead_letters_the_bad_lines(dsn, capsys):
    assert main(["replay", str(FIXTURE), "--db", dsn]) == 0
    out = capsys.readouterr().out
    assert "Водоснабжение и водоотведение · Лычково" in out
    assert "Отклонено записей (dead_letters): 4" in out

    (alert,) = export(dsn, capsys)
    assert alert["topic"] == "water" and alert["settlement"] == "Лычково"
    assert alert["post_ids"] == INCIDENT
    assert alert["created_at"] == "2026-03-24T09:20:00+03:00"          # the third report, in event time

    store = ClickHouseStore.connect(dsn)
    assert store.scalar("SELECT count() FROM posts") == 7
    reasons = sorted(r[0] for r in store.client.query("SELECT reason FROM dead_letters").result_rows)
    assert any(r.startswith("некорректный JSON") for r in reasons)
    assert "нет обязательного поля: id" in reasons
    assert "пустой текст" in reasons
    assert any(r.startswith("неверная дата") for r in reasons)


def test_replaying_the_same_file_again_adds_nothing(dsn, capsys):
    main(["replay", str(FIXTURE), "--db", dsn, "-q"])
    first = export(dsn, capsys)
    main(["replay", str(FIXTURE), "--db", dsn, "-q"])
    assert export(dsn, capsys) == first
    assert ClickHouseStore.connect(dsn).scalar("SELECT count() FROM posts") == 7


def test_nothing_readable_exits_non_zero_and_keeps_the_reason(dsn, tmp_path, capsys):
    assert main(["replay", str(tmp_path / "missing.jsonl"), "--db", dsn]) == 1
    store = ClickHouseStore.connect(dsn)
    assert store.client.query("SELECT reason FROM dead_letters").result_rows == [("файл не найден",)]


def test_demo_refuses_a_database_with_other_data(dsn, capsys):
    main(["replay", str(FIXTURE), "--db", dsn, "-q"])
    assert main(["demo", "--db", dsn]) == 3
    assert "Отказ" in capsys.readouterr().err


def test_demo_finds_every_incident_of_its_week_and_raises_no_false_alert(dsn, capsys):
    from pipeline.commands.demo import demo_path
    truth = json.loads(demo_path().with_name("truth.json").read_text(encoding="utf-8"))
    lines = len(demo_path().read_text(encoding="utf-8").splitlines())
    assert main(["demo", "--db", dsn]) == 0
    out = capsys.readouterr().out
    assert f"Прочитано {lines} сообщений" in out and "Отклонено записей (dead_letters): 0" in out
    alerts = export(dsn, capsys)
    for incident in truth["incidents"]:
        hits = [a for a in alerts if set(a["post_ids"]) & set(incident["post_ids"])]
        assert hits, incident["reason"]
        assert hits[0]["settlement"] == incident["settlement"]
    known = {p for i in truth["incidents"] for p in i["post_ids"] + i.get("related_ids", [])} | set(truth["sporadic"])
    assert all(set(a["post_ids"]) & known for a in alerts)
    assert main(["demo", "--db", dsn]) == 0                  # a second demo run is welcome and adds nothing
    assert ClickHouseStore.connect(dsn).scalar("SELECT count() FROM posts") == lines


def test_demo_has_a_card_that_names_a_street(dsn, capsys):
    assert main(["demo", "--db", dsn]) == 0
    capsys.readouterr()
    alerts = export(dsn, capsys)
    assert any(a["settlement"] == "Лычково" and a["street"] == "ул. Вокзальная" for a in alerts)
