"""The seed-only sentiment model (what a fresh install ships) on sentences we wrote in the registers it meets:
complaints must read negative (and to detection's complaint-mood head, which counts low-criticality reports and
replies only when they read negative), VK chatter, announcements and quotes neutral, greetings and joy positive.
Figures on real data: bench_seed_only.py."""
from __future__ import annotations

import pytest

from core.records import NEGATIVE_AT
from pipeline.training import to_docs

COMPLAINTS = [
    "В Лычкове третий день нет воды, сколько можно терпеть!",
    "Мусор у домов на Советской не вывозят вторую неделю, всё разлетается по двору",
    "Опять нет света на Заречной, холодильник потёк",
    "На мосту через Явонь огромная яма, вчера пробил колесо",
    "Автобус до Демянска снова не пришёл, люди стояли на остановке час",
    "И у нас тоже так же, уже надоело жаловаться",
]
CHATTER = [
    "Кто знает, во сколько завтра начинается концерт в ДК?",
    "Продаю детскую коляску, почти новая, пишите в личку",
    "Цитата дня: жизнь — это то, что происходит, пока ты строишь планы",
    "Завтра еду к бабушке на дачу на все выходные",
]
JOY = [
    "Ура, сдала экзамен!!! Спасибо всем, кто держал за меня кулачки)))",
    "С днём рождения, солнышко! Счастья тебе и любви ❤",
    "Какой чудесный вечер был, спасибо, друзья)",
]


@pytest.fixture(scope="module")
def mood(kit):
    def read(texts: list[str]) -> list[dict[str, float]]:
        return [dict(s.sentiment) for s in kit.models.score(to_docs(texts))]
    return read


def test_complaints_read_negative(mood, kit):
    moods = mood(COMPLAINTS)
    assert [max(m, key=m.get) for m in moods] == ["negative"] * len(COMPLAINTS), moods
    heads = [dict(s.complaint) for s in kit.models.score(to_docs(COMPLAINTS))]    # detection's complaint mood
    assert min(m["negative"] for m in heads) >= NEGATIVE_AT and {max(m, key=m.get) for m in heads} == {"negative"}


def test_chatter_reads_neutral_and_joy_positive(mood):
    assert [max(m, key=m.get) for m in mood(CHATTER)] == ["neutral"] * len(CHATTER)
    assert [max(m, key=m.get) for m in mood(JOY)] == ["positive"] * len(JOY)
