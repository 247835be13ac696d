"""`dozor appeals import`: a CSV export in the documented mapping and portal JSON lines load with bad rows to
dead letters, answers judged, repeats linked; re-importing adds nothing (examples written by us)."""
from __future__ import annotations

import json

from pipeline.commands import main
from storage.appeals import AppealStore
from storage.clickhouse import ClickHouseStore

CSV = """Номер сообщения,Дата создания,Текст сообщения,Адрес,Ответственный,Текст ответа,Дата ответа,Заявитель
1,02.03.2026 09:00,Нет холодной воды в доме на Школьной улице в Лычкове,Лычково,МУП «Водоканал»,Ваше обращение рассмотрено. Меры будут приняты в плановом порядке.,03.03.2026 10:00,Петрова А. В.
2,10.03.2026 09:00,Опять нет холодной воды на Школьной улице в Лычкове,Лычково,МУП «Водоканал»,Подача воды восстановлена 10.03.2026 в 15:00.,10.03.2026 16:00,Петрова А. В.
3,без даты,Яма,Демянск,,,,
"""


def test_import_is_idempotent_and_keeps_bad_rows(tmp_path, dsn, models_dir, monkeypatch, capsys):
    monkeypatch.setenv("DOZOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DOZOR_MODELS_DIR", str(models_dir))
    csv_path = tmp_path / "pos.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    portal = tmp_path / "portal.jsonl"
    portal.write_text(json.dumps({"id": 9, "created_dt": "2026-03-05T10:00:00", "text": "Не горит фонарь в Демянске",
                                  "answers": [{"dt": "2026-03-06T10:00:00", "text": "Опора не на балансе.",
                                               "org": "Ленсвет", "kind": "final"}],
                                  "statuses": [], "citizen_followups": [], "reroutes": []}, ensure_ascii=False)
                      + "\nnot json\n", encoding="utf-8")
    assert main(["appeals", "import", str(csv_path), "--format", "csv", "--db", dsn]) == 0
    assert main(["appeals", "import", str(portal), "--format", "portal-jsonl", "--db", dsn]) == 0
    store = ClickHouseStore.connect(dsn)
    counts = lambda: {t: store.scalar(f"SELECT count() FROM {t}")  # noqa: E731
                      for t in ("appeals", "appeal_answers", "appeal_links")}
    first = counts()
    assert first == {"appeals": 3, "appeal_answers": 3, "appeal_links": 1}
    rows = store.query_dicts("SELECT appeal_id, settlement, channel, dateDiff('day', received_at, deadline_at) AS days "
                             "FROM appeals FINAL ORDER BY appeal_id")
    assert [(r["appeal_id"], r["settlement"], r["channel"], r["days"]) for r in rows] == [
        ("portal:9", "Демянск", "portal", 8), ("pos:1", "Лычково", "pos", 10), ("pos:2", "Лычково", "pos", 10)]
    verdicts = dict(store.client.query("SELECT answer_id, verdict FROM appeal_answers FINAL").result_rows)
    assert verdicts["pos:1#0"] == "отписка" and verdicts["pos:2#0"] == "решено"
    assert store.query_dicts("SELECT appeal_id, kind, target_id FROM appeal_links") == [
        {"appeal_id": "pos:2", "kind": "repeat", "target_id": "pos:1"}]
    why = store.scalar("SELECT why FROM appeal_links")                 # the link says why, in Russian
    assert why.startswith("тот же") and "та же проблема" in why, why
    reasons = sorted(r for (r,) in store.client.query("SELECT reason FROM dead_letters").result_rows)
    assert reasons == ["не JSON: Expecting value", "не удалось прочитать дату «дата поступления»: «без даты»"]
    assert main(["appeals", "import", str(csv_path), "--format", "csv", "--db", dsn]) == 0
    assert counts() == first
    assert "новых: 0; уже были: 2" in capsys.readouterr().out
    register = AppealStore(store)                       # what bench/bench_satisfaction.py reads, then clears
    assert register.repeats_by_settlement(5) == [{"settlement": "Лычково", "repeats": 1}]
    register.clear_links()
    assert store.scalar("SELECT count() FROM appeal_links") == 0 and counts()["appeals"] == 3
