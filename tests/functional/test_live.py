"""The live runner (`dozor run`'s loop) over real collectors, the real store and the seed models:
VK through FakeVK on loopback, Telegram through the recording fake. Time is a fake clock; nothing sleeps."""
from __future__ import annotations

from datetime import timedelta

import pytest

from alerting.detect import Detector
from collectors.telegram import TelegramCollector
from collectors.vk import VKCollector
from core.settings import Collect, Settings
from core.sources import SourceConfig
from core.taxonomy import load_topics
from pipeline.live import EmbeddedHandler, LiveRunner
from storage.cursors import ClickHouseCursorStore
from tests.conftest import T0, make_enriched
from tests.contract.fake_vk import FakeVK
from tests.contract.test_vk import TOKEN, FakeTime
from tests.contract.vk_fixtures import CLOSED, CLOSED_CLUB, DEM, LYCHKOVO, NOW, PODSLUSHANO, comment, wall_post
from tests.fakes.telegram import RecordingTelegramFake

DEM_SRC = SourceConfig("vk", str(-DEM), "Подслушано в Демянске", "public", None, 300)
LYCH_SRC = SourceConfig("vk", "lychkovo_news", "Лычково — новости", "public", "Лычково", 600)
CLOSED_SRC = SourceConfig("vk", str(-CLOSED), "Закрытый клуб", "public", None, 300)


@pytest.fixture
def vk():
    with FakeVK(token=TOKEN) as fake:
        for community in (PODSLUSHANO, LYCHKOVO, CLOSED_CLUB):
            fake.add_community(community)
        fake.deny(CLOSED, 15)
        yield fake


@pytest.fixture
def ft():
    return FakeTime(NOW)


def make_runner(sources, collectors, store, kit, ft, notices=None, alerts=None):
    topics = load_topics(None)
    handler = EmbeddedHandler(kit, Detector(Settings().detection, topics), store, "live",
                              lambda a, new: alerts.append((a.alert_id, new)) if alerts is not None else None)
    return LiveRunner(sources, collectors, ClickHouseCursorStore(store), handler, store, Collect(), clock=ft.now,
                      on_notice=lambda n, active: notices.append((n.source, n.kind, active)) if notices is not None
                      else None)


def vk_collector(vk, ft):
    return VKCollector(TOKEN, api_base=vk.api_base, clock=ft.now, sleep=ft.sleep, min_interval_s=0)


def counts(store):
    return store.scalar("SELECT (count(), uniqExact(uid)) FROM posts")


def test_polls_store_every_post_once_and_cursors_persist_in_clickhouse(vk, ft, store, kit):
    alerts = []
    runner = make_runner([DEM_SRC, LYCH_SRC], {"vk": vk_collector(vk, ft)}, store, kit, ft, alerts=alerts)
    runner.poll(DEM_SRC)
    runner.poll(LYCH_SRC)
    first = counts(store)
    assert first[0] == first[1] == runner.totals["new"] > 30
    assert ClickHouseCursorStore(store).get("vk:-210001").last_id == 1018
    assert ClickHouseCursorStore(store).get("vk:lychkovo_news").last_id == 307

    vk.add_post(DEM, wall_post(DEM, 1019, 0.1, "В Демянске снова нет воды на Ленина, третий раз за неделю!", 700500))
    vk.add_comment(DEM, 1014, comment(5215, 0.05, "И на Школьной опять сухо.", 700501))
    ft.advance(minutes=10)
    runner.poll(DEM_SRC)
    runner.poll(LYCH_SRC)
    assert counts(store) == (first[0] + 2, first[1] + 2)
    assert ClickHouseCursorStore(store).get("vk:-210001").last_id == 1019
    assert store.scalar("SELECT (countIf(ok = 1), sum(new_posts)) FROM source_polls") == (4, first[0] + 2)
    # a source's settlement hint places posts that name no place
    assert store.scalar("SELECT countIf(settlement = 'Лычково') = count() FROM posts WHERE source = 'vk:lychkovo_news'")
    assert len({a for a, _ in alerts}) == sum(new for _, new in alerts) >= 1          # each alert new exactly once


def test_a_restarted_runner_resumes_from_the_stored_cursor_and_keeps_its_stories(vk, ft, store, kit):
    alerts = []
    make_runner([DEM_SRC], {"vk": vk_collector(vk, ft)}, store, kit, ft, alerts=alerts).poll(DEM_SRC)
    before = counts(store)
    calls_before = len(vk.calls("wall.get"))

    restarted = make_runner([DEM_SRC], {"vk": vk_collector(vk, ft)}, store, kit, ft)
    assert restarted.handle.warm(NOW - timedelta(days=4)) == before[0]
    assert set(restarted.handle.alerts) == {a for a, _ in alerts} != set()   # the same stories, not new ones
    ft.advance(minutes=5)
    restarted.poll(DEM_SRC)
    assert counts(store) == before
    assert len(vk.calls("wall.get")) - calls_before == 1                 # one page: nothing newer than the cursor
    assert restarted.totals["new"] == 0


def test_a_closed_source_fails_alone_and_raises_no_data_after_three_polls(vk, ft, store, kit):
    notices = []
    runner = make_runner([DEM_SRC, CLOSED_SRC], {"vk": vk_collector(vk, ft)}, store, kit, ft, notices=notices)
    rests = []
    for _ in range(3):
        runner.poll(CLOSED_SRC)
        rests.append(runner.state["vk:-210003"].due_at - ft.now().timestamp())
        runner.poll(DEM_SRC)
        ft.advance(hours=1)
    runner.health()
    assert notices == [("vk:-210003", "failing", True)]
    assert store.scalar("SELECT groupArray(error) FROM source_polls WHERE ok = 0")[0].startswith(
        "доступ к сообществу закрыт")
    assert rests == [3600] * 3                                            # a closed source rests, not hammered
    runner.health()
    assert len(notices) == 1                                              # said once, not every health line


def test_no_data_fires_for_a_stopped_busy_source_not_for_a_quiet_one(store, kit, ft):
    now = ft.now()
    busy, quiet = SourceConfig("vk", "-1", "Чат Демянска"), SourceConfig("vk", "-2", "Вестник Ильиной Горы")
    t0 = (now - timedelta(days=7) - T0).total_seconds() / 60
    posts = [make_enriched(f"b{i}", t0 + i * 15, source="vk:-1") for i in range(4 * 24 * 6)]          # 4/h, 6 days
    posts += [make_enriched(f"q{i}", t0 + i * 700, source="vk:-2") for i in range(14)]              # ~2/day
    store.write_posts(posts, "t")
    notices = []
    runner = make_runner([busy, quiet], {}, store, kit, ft, notices=notices)
    runner.health()
    assert notices == [("vk:-1", "silent", True)]
    store.write_posts([make_enriched("b-back", (now - T0).total_seconds() / 60 - 1, source="vk:-1")], "t")
    runner.health()
    assert notices[-1] == ("vk:-1", "silent", False)


def test_telegram_edits_update_the_stored_text_without_a_second_row(store, kit, ft):
    fake = RecordingTelegramFake()
    fake.add_chat("demyansk_chat", -1001, title="Чат Демянска")
    fake.add_message("demyansk_chat", 1, "На Ленина нет воды", NOW - timedelta(hours=2), sender_id=5)
    fake.add_message("demyansk_chat", 2, "И на Школьной", NOW - timedelta(hours=1), sender_id=6, reply_to_id=1)
    source = SourceConfig("telegram", "demyansk_chat", "Чат Демянска", "chat")
    runner = make_runner([source], {"telegram": TelegramCollector(fake, sleep=ft.sleep, clock=ft.now)}, store, kit,
                         ft)
    runner.poll(source)
    fake.edit("demyansk_chat", 1, "На Ленина нет воды с утра, водоканал молчит", NOW - timedelta(minutes=5))
    ft.advance(minutes=10)
    runner.poll(source)
    assert runner.totals == {"polls": 2, "failed": 0, "new": 2, "edited": 1}
    assert store.scalar("SELECT text FROM posts FINAL WHERE uid = 'tg:demyansk_chat_1'") == (
        "На Ленина нет воды с утра, водоканал молчит")
    assert store.scalar("SELECT (uniqExact(uid), count()) FROM posts FINAL") == (2, 2)



def test_a_poll_asks_the_store_for_its_uids_once(store, kit, ft):
    """Issue 16: the handler asked which uids were stored, then the store asked again before writing (two
    lookups of the posts table per poll); now the store reuses the handler's answer — new and edited alike."""
    fake = RecordingTelegramFake()
    fake.add_chat("demyansk_chat", -1001, title="Чат Демянска")
    fake.add_message("demyansk_chat", 1, "На Ленина нет воды", NOW - timedelta(hours=2), sender_id=5)
    source = SourceConfig("telegram", "demyansk_chat", "Чат Демянска", "chat")
    runner = make_runner([source], {"telegram": TelegramCollector(fake, sleep=ft.sleep, clock=ft.now)}, store, kit,
                         ft)
    runner.poll(source)
    fake.edit("demyansk_chat", 1, "На Ленина нет воды с утра", NOW - timedelta(minutes=5))
    fake.add_message("demyansk_chat", 2, "И на Школьной", NOW - timedelta(minutes=3), sender_id=6, reply_to_id=1)
    asked, real = [], store.client.query
    store.client.query = lambda sql, *a, **kw: (asked.append(sql) if "FROM posts WHERE uid IN" in sql else None,
                                                real(sql, *a, **kw))[1]
    ft.advance(minutes=10)
    runner.poll(source)
    store.client.query = real
    assert runner.totals == {"polls": 2, "failed": 0, "new": 2, "edited": 1}
    assert len(asked) == 1
    assert store.scalar("SELECT (uniqExact(uid), count()) FROM posts FINAL") == (2, 2)

def test_a_wrong_token_rests_every_source_of_the_platform(vk, ft, store, kit):
    collector = VKCollector("vk1.a.WRONG", api_base=vk.api_base, clock=ft.now, sleep=ft.sleep, min_interval_s=0)
    runner = make_runner([DEM_SRC, LYCH_SRC], {"vk": collector}, store, kit, ft)
    runner.poll(DEM_SRC)
    assert store.scalar("SELECT (action, error) FROM source_polls") == (
        "auth", "токен VK недействителен, нужен новый (ошибка VK 5)")
    assert runner.state["vk:lychkovo_news"].due_at == runner.state["vk:-210001"].due_at == NOW.timestamp() + 86400
