"""`dozor replay` over the bad-input corpus (tests/corpus.py, issue 16): 10,000 records of 36 kinds across JSONL,
CSV and Telegram exports. Every valid post is stored exactly once, every bad record is one dead letter with a
reason, the run exits 0 and its summary counts them; a rerun adds nothing."""
from __future__ import annotations

import re

import pytest

from pipeline.commands import main
from storage.clickhouse import ClickHouseStore
from tests.corpus import write_corpus


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path, models_dir, kit):
    monkeypatch.setenv("DOZOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DOZOR_MODELS_DIR", str(models_dir))


def replay(truth, dsn, capsys) -> str:
    capsys.readouterr()
    assert main(["replay", *map(str, truth.files), "--db", dsn, "--id-col", "id", "-q"]) == 0
    return capsys.readouterr().out


def test_the_bad_corpus_loses_nothing_and_stops_nothing(tmp_path, dsn, capsys):
    truth = write_corpus(tmp_path / "in", records=10_000)
    assert truth.records >= 10_000 and len(truth.kinds) >= 20
    out = replay(truth, dsn, capsys)
    store = ClickHouseStore.connect(dsn)
    uids = [r[0] for r in store.client.query("SELECT uid FROM posts FINAL").result_rows]
    assert len(uids) == len(set(uids)) and set(uids) == truth.valid
    letters = store.client.query("SELECT origin, reason FROM dead_letters").result_rows
    assert len(letters) == truth.dead and all(reason.strip() for _, reason in letters)
    assert f"Отклонено записей (dead_letters): {truth.dead}" in out
    assert re.search(rf"Прочитано {len(truth.valid)} сообщени\w+ .*; новых в базе: {len(truth.valid)}; "
                     rf"повторов во входе: {truth.kinds['repeated valid posts']}", out)

    out = replay(truth, dsn, capsys)                          # a rerun adds nothing
    assert "новых в базе: 0;" in out
    assert store.scalar("SELECT count() FROM posts") == len(truth.valid)
    assert store.scalar("SELECT count() FROM dead_letters") == truth.dead
