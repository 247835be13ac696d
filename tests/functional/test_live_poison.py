"""One bad record costs only itself in live collection (review 26): a VK post with a lone surrogate, an item with a
string date or a comment with a junk id go to dead_letters with their reason; the other posts of the poll are
stored, the cursor moves on; a post the store refuses is dead-lettered alone; a dead-lettered future date does not
count as the source's latest post."""
from __future__ import annotations

import json
import types
from datetime import timedelta

import pytest

import tests.contract.fake_vk as fake_vk_module
from core.records import Post
from core.sources import Batch, Cursor, SourceConfig
from storage.cursors import ClickHouseCursorStore, source_stats
from tests.contract.vk_fixtures import DEM, NOW, wall_post
from tests.functional.test_live import DEM_SRC, ft, make_runner, vk, vk_collector  # noqa: F401

FIRE = "В Демянске пожар на Ленина, горит дом!"


@pytest.fixture
def ascii_vk(vk, monkeypatch):  # noqa: F811
    """The real VK API escapes odd characters as \\uXXXX: a lone surrogate travels as valid JSON."""
    monkeypatch.setattr(fake_vk_module, "json", types.SimpleNamespace(
        dumps=lambda o, **kw: json.dumps(o, ensure_ascii=True), loads=json.loads))
    return vk


def letters(store) -> list[tuple[str, str]]:
    rows = store.query_dicts("SELECT origin, reason FROM dead_letters ORDER BY origin")
    return [(r["origin"], r["reason"]) for r in rows]


def stored(store, uid: str) -> int:
    return store.scalar("SELECT count() FROM posts WHERE uid = {u:String}", u=uid)


def test_a_post_with_a_lone_surrogate_is_dead_lettered_and_the_fire_after_it_is_stored(ascii_vk, ft, store, kit):  # noqa: F811
    runner = make_runner([DEM_SRC], {"vk": vk_collector(ascii_vk, ft)}, store, kit, ft)
    runner.poll(DEM_SRC)
    ascii_vk.add_post(DEM, wall_post(DEM, 1019, 0.1, "битый смайлик \ud83d в тексте", 700501))
    ascii_vk.add_post(DEM, wall_post(DEM, 1020, 0.05, FIRE, 700500))
    ft.advance(minutes=10)
    runner.poll(DEM_SRC)
    assert runner.state[DEM_SRC.key].failures == 0
    assert stored(store, f"vk:-{DEM}_1020") == 1
    assert letters(store) == [(f"vk:-{DEM}_1019", "недопустимые символы в поле text (одиночный суррогат)")]
    assert ClickHouseCursorStore(store).get(DEM_SRC.key).last_id == 1020
    ft.advance(minutes=10)
    runner.poll(DEM_SRC)                                     # read past: no second dead letter, no failure
    assert runner.state[DEM_SRC.key].failures == 0 and len(letters(store)) == 1


def test_malformed_vk_items_go_to_dead_letters_with_their_reason(vk, ft, store, kit):  # noqa: F811
    runner = make_runner([DEM_SRC], {"vk": vk_collector(vk, ft)}, store, kit, ft)
    runner.poll(DEM_SRC)
    bad = wall_post(DEM, 1019, 0.1, "Прорвало трубу на Ленина, вода заливает подвал", 700500)
    bad["date"] = "2026-03-30 10:00"
    vk.add_post(DEM, bad)
    vk.add_post(DEM, wall_post(DEM, 1020, 0.05, FIRE, 700501))
    vk.add_comment(DEM, 1014, {"id": "x", "from_id": 5, "date": 1, "text": "комментарий без числового id"})
    ft.advance(minutes=10)
    runner.poll(DEM_SRC)
    assert runner.state[DEM_SRC.key].failures == 0
    assert stored(store, f"vk:-{DEM}_1020") == 1
    assert letters(store) == [(f"vk:-{DEM}_1014_cx", "нет или неверное поле id: 'x'"),
                              (f"vk:-{DEM}_1019", "нет или неверная дата: '2026-03-30 10:00'")]
    raw = store.scalar("SELECT raw FROM dead_letters WHERE origin = {o:String}", o=f"vk:-{DEM}_1019")
    assert json.loads(raw)["text"] == "Прорвало трубу на Ленина, вода заливает подвал"


class OneBatch:
    """A collector that hands over the same posts once (cursor last_id 1)."""

    def __init__(self, posts):
        self.posts = posts

    def poll(self, source, cursor):
        return Batch(source=source.key, posts=self.posts, cursor=Cursor(source=source.key, last_id=1))


SRC = SourceConfig("vk", "-5", "Паблик", "public", None, 300)


def post(n: int, text: str, at=NOW - timedelta(hours=1)) -> Post:
    return Post(uid=f"vk:-5_{n}", platform="vk", source="vk:-5", published_at=at, text=text)


def test_a_post_the_store_refuses_is_dead_lettered_alone(ft, store, kit):  # noqa: F811
    # a collector that does not check its texts: the batch write fails on one post, the handler writes one by one
    runner = make_runner([SRC], {"vk": OneBatch((post(1, "Нет воды на Ленина"), post(2, "смайлик \ud83d")))},
                         store, kit, ft)
    runner.poll(SRC)
    assert runner.state[SRC.key].failures == 0
    assert (stored(store, "vk:-5_1"), stored(store, "vk:-5_2")) == (1, 0)
    [(origin, reason)] = letters(store)
    assert origin == "vk:-5:vk:-5_2" and reason.startswith("сообщение не записано: UnicodeEncodeError")
    assert ClickHouseCursorStore(store).get(SRC.key).last_id == 1


@pytest.mark.parametrize("error", [
    ConnectionRefusedError("база недоступна"),       # the store is away
    ValueError("неверный формат колонки"),           # every write fails (a bug, a store change): not the data's fault
], ids=["store-outage", "every-post-fails"])
def test_the_poll_fails_and_keeps_the_cursor_when_no_post_can_be_written(error, ft, store, kit, monkeypatch):  # noqa: F811
    runner = make_runner([SRC], {"vk": OneBatch((post(1, "Нет воды на Ленина"), post(2, "Нет света")))},
                         store, kit, ft)

    def refuse(*args, **kwargs):
        raise error
    monkeypatch.setattr(store, "upsert_posts", refuse)
    runner.poll(SRC)
    assert runner.state[SRC.key].failures == 1 and letters(store) == []
    assert ClickHouseCursorStore(store).get(SRC.key) is None


def test_a_dead_lettered_future_date_is_not_the_sources_latest_post(ft, store, kit):  # noqa: F811
    ok, bad = post(1, "Нет воды на Ленина", NOW - timedelta(days=3)), post(2, "Сбой даты", NOW.replace(year=2100))
    runner = make_runner([SRC], {"vk": OneBatch((ok, bad))}, store, kit, ft)
    runner.poll(SRC)
    assert [o for o, _ in letters(store)] == ["vk:-5:vk:-5_2"]
    assert source_stats(store, [SRC.key], ft.now(), 7)[SRC.key].last_post_at == ok.published_at
