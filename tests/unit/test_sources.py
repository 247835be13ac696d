"""The sources file, cursor serialisation and the completeness rules: pure, no I/O."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from collectors.completeness import assess, silence_limit_s
from collectors.sources import SourcesError, parse_sources
from core.settings import Collect
from core.sources import Cursor, SourceConfig, SourceStats
from storage.cursors import cursor_from_json, cursor_to_json

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
PLACES = {"Демянск", "Лычково"}


def test_a_good_file_gives_source_configs():
    sources = parse_sources({"sources": [
        {"platform": "vk", "id": -193847201, "name": "Администрация", "kind": "official", "poll_s": 600},
        {"platform": "telegram", "id": "lychkovo_chat", "name": "Чат Лычково", "kind": "chat",
         "settlement": "Лычково"}]}, PLACES)
    assert sources == [SourceConfig("vk", "-193847201", "Администрация", "official", None, 600),
                       SourceConfig("telegram", "lychkovo_chat", "Чат Лычково", "chat", "Лычково", 300)]
    assert [s.key for s in sources] == ["vk:-193847201", "tg:lychkovo_chat"]


def test_every_mistake_is_reported_at_once_in_russian():
    with pytest.raises(SourcesError) as e:
        parse_sources({"sources": [
            {"platform": "ok", "id": 1},
            {"platform": "vk", "kind": "group", "poll_s": 1, "settlment": "Демянск"},
            {"platform": "vk", "id": "demyansk", "settlement": "Москва"},
            {"platform": "vk", "id": 5}, {"platform": "vk", "id": "5"},
            "vk:5"]}, PLACES)
    assert str(e.value) == (
        "ошибки в файле источников:\n"
        "  источник №1: platform должно быть vk или telegram, а не «ok»\n"
        "  источник №2: неизвестное поле «settlment» (допустимы: id, kind, name, platform, poll_s, settlement)\n"
        "  источник №2: не указан id (числовой id или короткое имя)\n"
        "  источник №2: kind должно быть одним из public, chat, channel, official, а не «group»\n"
        "  источник №2: poll_s — целое число секунд не меньше 10, а не «1»\n"
        "  источник №3: населённого пункта «Москва» нет в справочнике (gazetteer)\n"
        "  источник №5: повторяет источник №4 (vk:5)\n"
        "  источник №6: ожидается словарь полей, а не str")


@pytest.mark.parametrize("data", [None, {}, {"sources": "vk"}, []])
def test_a_file_without_a_sources_list_is_refused(data):
    with pytest.raises(SourcesError, match="нет списка «sources:»"):
        parse_sources(data)


def test_cursor_round_trips_through_json():
    c = Cursor("vk:-1", 1018, NOW - timedelta(hours=1), ((1006, 0), (1014, 5214)), True,
               {"edited": ((5, 1700000000),)})
    back = cursor_from_json("vk:-1", cursor_to_json(c))
    assert back == c and back.extra == c.extra


def stats(posts: int, hours: float, last_post_h: float, gap_h: float, failures: int = 0) -> SourceStats:
    return SourceStats("vk:-1", NOW, NOW - timedelta(hours=last_post_h), posts, hours, gap_h * 3600, failures, 3,
                       "доступ к сообществу закрыт (ошибка VK 15)" if failures else "")


CFG = Collect()


def test_a_busy_source_that_stopped_is_silent():
    notice = assess(stats(posts=7 * 24 * 4, hours=7 * 24, last_post_h=13, gap_h=8), "Чат Демянска", NOW, CFG)
    assert notice is not None and notice.kind == "silent"
    assert notice.text == ("⚠️ нет данных: источник «Чат Демянска» молчит 13 ч (обычно ~96 сообщ. в сутки; "
                           "порог 12 ч). Это не «нет рисков»: проверьте источник и доступ к нему.")


def test_a_night_pause_of_a_busy_chat_is_normal():
    assert assess(stats(posts=7 * 24 * 4, hours=7 * 24, last_post_h=9, gap_h=8), "Чат", NOW, CFG) is None


def test_a_quiet_but_regular_source_is_not_silent():
    # two posts a week, last one four days ago: long pauses are its habit
    quiet = stats(posts=6, hours=21 * 24, last_post_h=4 * 24, gap_h=5 * 24)
    assert assess(quiet, "Вестник", NOW, CFG) is None
    assert silence_limit_s(quiet, CFG) == pytest.approx(max(-__import__("math").log(0.001) / (6 / (21 * 86400)),
                                                            1.5 * 5 * 86400))


def test_without_a_usual_rate_nothing_is_judged():
    assert silence_limit_s(stats(posts=3, hours=100, last_post_h=90, gap_h=1), CFG) is None
    assert silence_limit_s(stats(posts=50, hours=10, last_post_h=9, gap_h=1), CFG) is None


def test_failing_polls_raise_the_notice_even_for_a_new_source():
    notice = assess(stats(posts=0, hours=0, last_post_h=1, gap_h=0, failures=3), "Закрытая группа", NOW, CFG)
    assert notice.kind == "failing"
    assert notice.text == ("⚠️ нет данных: источник «Закрытая группа» не читается (неудачных опросов подряд: 3): "
                           "доступ к сообществу закрыт (ошибка VK 15)")
    assert assess(stats(posts=0, hours=0, last_post_h=1, gap_h=0, failures=2), "Закрытая группа", NOW, CFG) is None
