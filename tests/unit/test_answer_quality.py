"""Answer quality on answers WE wrote: golden «what is missing» per the guidelines (docs/answers/guidelines.md),
the shipped model's verdicts on clear cases, the deadlines and repeat appeals."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from alerting.deadlines import deadline_at, standing
from analytics.repeats import risk_links
from classifiers.answer_cues import bare_finding, cues
from classifiers.answer_missing import missing_codes, phrases
from classifiers.answer_quality import AnswerModel
from core.settings import Appeals

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

# (answer, verdict, appeal) -> what is missing, in Russian
GOLDEN = [
    ("Проблема устранена.", "решено", "",
     ("нет подтверждения (акт, фото)", "шаблонная формулировка")),
    ("Яма у дома 5 по ул. Школьной заделана 12.04.2026 асфальтобетоном, фото прилагается.", "решено", "", ()),
    ("Ваше обращение рассмотрено. Меры будут приняты в плановом порядке.", "отписка", "",      # guidelines §3.3
     ("не назван срок", "шаблонная формулировка")),
    ("Вопрос находится на контроле.", "отписка", "", ("не названо действие", "шаблонная формулировка")),
    ("Опора освещения не находится на балансе учреждения.", "переадресовано", "",              # §3.7
     ("не указано, кто отвечает и куда обращаться",)),
    ("Опора освещения не находится на балансе учреждения, её обслуживает ООО «Светсервис», тел. 123-45-67.",
     "переадресовано", "", ()),
    ("На владельца павильона составлен протокол от 03.03.2026, ему грозит штраф.",
     "разъяснение", "", ("не назван срок", "не сказано, устранена ли проблема")),
    ("Ремонт выполнить не представляется возможным.", "отписка", "",
     ("не названо действие", "шаблонная формулировка", "не объяснена причина отказа")),
    ("Мусор у дома 7 убран 04.03.2026, фото прилагается.", "решено", "Яма во дворе дома 7 по Школьной улице",
     ("ответ не по существу обращения",)),
    ("Подъезд дома 12 убран 04.03.2026, фото прилагается.", "решено", "Грязно в подъезде дома 5",
     ("не то место или объект",)),
    ("Проблема устранена. Выполнить работы в настоящее время невозможно, фото прилагается.", "отписка", "",  # §3.12
     ("шаблонная формулировка", "не объяснена причина отказа", "противоречие")),
    ("Уважаемый житель! Проблема устранена. Во вложении фотофиксация.", "решено", "",                     # §3.1
     ("шаблонная формулировка",)),
    ("Добрый день! Рисунки краской на стене дома 3 закрашены 05.03.2026, фото прилагается.", "решено", "", ()),
    ("Информация не подтвердилась. Проблема устранена.", "решено", "",
     ("нет подтверждения (акт, фото)", "шаблонная формулировка", "противоречие")),
    ("Направлен запрос в жилищную инспекцию, о результатах сообщим дополнительно.", "отписка", "",       # §3.14
     ("не назван срок", "шаблонная формулировка")),
    ("Хозяину участка выдано предписание убрать забор с газона.", "разъяснение", "",                 # §3.6
     ("не назван срок", "не сказано, устранена ли проблема")),
    ("Согласно ст. 209 ГК РФ и п. 2.2 Правил благоустройства (постановление № 961) за территорию "
     "отвечает её собственник.", "переадресовано", "",
     ("только ссылки на нормы",)),
    # a bare finding (§3.5) is «отписка»: what it lacks
    ("Уважаемый пользователь! Брошенный автомобиль во дворе не обнаружен.", "отписка", "",
     ("нет подтверждения (акт, фото)", "шаблонная формулировка")),
    ("Фонарь у школы работает в штатном режиме.", "отписка", "",
     ("нет подтверждения (акт, фото)", "шаблонная формулировка")),
]

# guidelines §3.5: only «not found / in order / works» in a few words is a bare finding; a date, evidence, an
# inspection's detail, a fix or a promise makes it something else
BARE = [
    ("Уважаемый пользователь! Брошенный автомобиль во дворе не обнаружен.", True),
    ("Информация не подтвердилась.", True),
    ("Фонарь у школы работает в штатном режиме.", True),
    ("Мусора на детской площадке нет, площадка в надлежащем состоянии.", True),
    ("Брошенный автомобиль во дворе не обнаружен, фото прилагается.", False),
    ("При осмотре 14.02.2026 протечек в подвале дома 3 не выявлено.", False),
    ("Нарушений не выявлено. Скамейка будет заменена до 30.05.2026.", False),
    ("Мусор с площадки вывезен, нарушений не выявлено.", False),
    ("Нарушения при осмотре выявлены не были.", True),
    ("Лифт не работает, ремонт запланирован.", False),         # «не работает» is no state of order
    ("Фонарь не работает по причине отсутствия финансирования.", False),
    ("Мы проверили подвал дома 3 по Садовой улице вместе с председателем совета дома и инженером управляющей "
     "компании, осмотрели все трубы отопления и водоснабжения, стояки и вентили, и протечек не выявили.", False),
]


@pytest.mark.parametrize("answer,expected", BARE)
def test_a_bare_finding(answer, expected):
    assert bare_finding(answer) is expected


@pytest.mark.parametrize("answer,verdict,appeal,expected", GOLDEN)
def test_what_is_missing_golden(answer, verdict, appeal, expected):
    assert phrases(missing_codes(cues(answer), verdict, answer, appeal)) == expected


@pytest.fixture(scope="module")
def model():
    return AnswerModel.load()


@pytest.mark.parametrize("answer,verdict", [
    ("Яма у дома 5 заделана 12.04.2026 асфальтобетоном, фото прилагается.", "решено"),
    ("Работы по ремонту кровли будут выполнены до 31.05.2026.", "решено"),
    ("Ваше обращение рассмотрено. Меры будут приняты в плановом порядке.", "отписка"),
    ("Уважаемый пользователь! Вопрос находится на контроле.", "отписка"),
    ("При осмотре 20.03.2026 лестница в надлежащем санитарном состоянии, уборка по графику, фото прилагается.",
     "разъяснение"),
    ("Уважаемый пользователь! Брошенный автомобиль во дворе не обнаружен.", "отписка"),
])
def test_the_shipped_model_on_clear_cases(model, answer, verdict):
    check = model.check(answer)
    assert check.verdict == verdict
    assert check.phrases == phrases(check.missing)


def test_the_artifact_refuses_tampering(tmp_path, model):
    model.save(tmp_path, {"note": "test"})
    assert AnswerModel.load(tmp_path).check("Проблема устранена.").verdict == model.check("Проблема устранена.").verdict
    blob = bytearray((tmp_path / "arrays.npz").read_bytes())
    blob[-10] ^= 0xFF
    (tmp_path / "arrays.npz").write_bytes(bytes(blob))
    with pytest.raises(ValueError, match="повреждена"):
        AnswerModel.load(tmp_path)


def test_deadlines_by_channel_and_topic():
    cfg = Appeals()
    assert deadline_at(T0, "59fz", "water", cfg) == T0 + timedelta(days=30)
    assert deadline_at(T0, "pos", "roads", cfg) == T0 + timedelta(days=10)
    assert deadline_at(T0, "portal", "roads", cfg, stated=T0 + timedelta(days=12)) == T0 + timedelta(days=12)
    assert deadline_at(T0, "59fz", "emergency", cfg) == T0 + timedelta(days=1)
    due = T0 + timedelta(days=10)
    assert [standing(due, T0 + timedelta(days=2), T0), standing(due, due + timedelta(hours=1), T0),
            standing(due, None, due + timedelta(seconds=1)), standing(due, None, T0)] == [
        "в срок", "с опозданием", "просрочено", "ждём"]


def _appeal(i, days, text, topic="water", settlement="Лычково"):
    return {"appeal_id": f"pos:{i}", "received_at": T0 + timedelta(days=days), "topic": topic,
            "settlement": settlement, "address": "", "text": text}


def test_an_appeal_links_to_a_risk_on_its_topic_and_place():
    alerts = [{"alert_id": "A-1", "topic": "water", "settlement": "Лычково", "first_at": T0 - timedelta(days=1),
               "last_at": T0}, {"alert_id": "A-2", "topic": "roads", "settlement": "Лычково",
                                "first_at": T0, "last_at": T0}]
    assert risk_links(_appeal(1, 2, "Нет воды"), alerts, window_days=3) == ["A-1"]
    assert risk_links(_appeal(1, 9, "Нет воды"), alerts, window_days=3) == []


def test_the_forest_in_plain_arrays_gives_the_forests_probabilities():
    from sklearn.ensemble import RandomForestClassifier

    from classifiers.forest import forest_arrays, forest_proba
    rng = np.random.default_rng(19)
    x = rng.normal(size=(120, 5))
    y = np.where(x[:, 0] + x[:, 1] > 0.5, "a", np.where(x[:, 2] > 0, "b", "c"))
    rf = RandomForestClassifier(20, min_samples_leaf=3, random_state=0).fit(x, y)
    probe = rng.normal(size=(30, 5))
    assert np.allclose(forest_proba(forest_arrays(rf), probe), rf.predict_proba(probe))
