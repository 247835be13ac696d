"""VKCollector against FakeVK over real HTTP on loopback: paging, cursors, comments, errors, secrets.

Every test asserts on what the collector asked for (fake.calls) and on the Batch it built; nothing sleeps for
real: FakeTime records the pauses and moves the clock.
"""
from __future__ import annotations

import logging
import socket
import traceback
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import SecretStr

from collectors.backoff import Action, RetryPolicy, SourceUnavailable, Verdict, call_with_retry
from collectors.vk import PollStats, VKCollector
from collectors.vk_parse import classify_vk_error
from core.records import Post, Reactions
from core.sources import SourceConfig
from tests.contract.fake_vk import FakeVK
from tests.contract.vk_fixtures import (
    CLOSED,
    CLOSED_CLUB,
    DEM,
    LYCH,
    LYCHKOVO,
    NOW,
    PODSLUSHANO,
    ago,
    comment,
    reply,
    wall_post,
)

TOKEN = "vk1.a.TEST-s3cr3t-token-0123456789"
DEM_SRC = SourceConfig(platform="vk", id="-210001", name="Подслушано в Демянске")
DEM_NEW = [1001, 1002, *range(1005, 1019)]          # 3 days back: not 1003 (deleted) nor 1004 (photo only)
H = 3600


class FakeTime:
    def __init__(self, now: datetime) -> None:
        self.at, self.slept = now, []

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += timedelta(seconds=seconds)

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def vk():
    with FakeVK(token=TOKEN) as fake:
        for community in (PODSLUSHANO, LYCHKOVO, CLOSED_CLUB):
            fake.add_community(community)
        yield fake


@pytest.fixture
def ft():
    return FakeTime(NOW)


@pytest.fixture
def make(vk, ft):
    def make(token: str = TOKEN, **kw) -> VKCollector:
        opts = dict(api_base=vk.api_base, clock=ft.now, sleep=ft.sleep, page_size=5, min_interval_s=0,
                    backfill_days=3, comments_watch_s=48 * H)
        return VKCollector(token, **{**opts, **kw})
    return make


def uid(pid: int, cid: int | None = None) -> str:
    return f"vk:-{DEM}_{pid}" + (f"_c{cid}" if cid else "")


def top_level(batch) -> list[str]:
    return [p.uid for p in batch.posts if p.parent_uid is None]


def pages(vk, since: int = 0) -> list[tuple[str, str]]:
    return [(c.params["offset"], c.params["count"]) for c in vk.calls("wall.get")[since:]]


# --- posts: backfill, paging, incremental --------------------------------------------------------------------

def test_first_poll_backfills_three_days_across_pages(vk, make):
    collector = make(batch_calls=0)                     # one HTTP call per API call (execute: below)
    batch = collector.poll(DEM_SRC, None)

    assert top_level(batch) == [uid(i) for i in DEM_NEW]                # oldest first; pinned 950 not among them
    assert pages(vk) == [("0", "5"), ("5", "5"), ("10", "5"), ("15", "5")]   # pinned 950 did not stop paging
    assert {(c.params["owner_id"], c.params["v"], c.http_method) for c in vk.calls()} == {("-210001", "5.199",
                                                                                           "POST")}
    assert collector.last_stats == PollStats("vk:-210001", posts=16, comments=22, skipped=3, comment_errors=0,
                                             calls=8)
    assert batch.source == batch.cursor.source == "vk:-210001"
    assert (batch.cursor.last_id, batch.cursor.last_post_at, batch.cursor.backfilled) == (
        1018, NOW - timedelta(hours=1), True)
    assert dict(batch.cursor.watch) == {1006: 0, 1007: 0, 1008: 5106, 1009: 0, 1010: 0, 1011: 0, 1012: 0, 1013: 0,
                                        1014: 5214, 1015: 0, 1016: 0, 1017: 0, 1018: 0}   # younger than 48 h


def test_wall_items_become_posts(make):
    posts = {p.uid: p for p in make().poll(DEM_SRC, None).posts}
    assert posts[uid(1006)] == Post(
        uid="vk:-210001_1006", platform="vk", source="vk:-210001", published_at=NOW - timedelta(hours=46),
        text="На Никольской яма посреди дороги, уже двое пробили колёса.", source_name="Подслушано в Демянске",
        author="vk:700108", url="https://vk.com/wall-210001_1006",
        reactions=Reactions(likes=5, reposts=1, comments=0, views=106))
    repost = posts[uid(1005)]
    assert repost.text.startswith("Администрация Демянского округа: 2 апреля")    # the reposted words
    assert (repost.author, repost.url) == ("vk:-210001", "https://vk.com/wall-210001_1005")
    assert posts[uid(1001)].reactions.comments == 3
    assert posts[uid(1001)].published_at.tzinfo == timezone.utc


def test_backfill_is_cut_off_by_date(vk, make):
    batch = make(backfill_days=1).poll(DEM_SRC, None)
    assert top_level(batch) == [uid(i) for i in range(1012, 1019)]      # 1011 is 26 h old
    assert pages(vk) == [("0", "5"), ("5", "5")]                        # stopped at the first post too old


def test_second_poll_returns_only_new_posts(vk, make, ft):
    collector = make(page_size=100)
    first = collector.poll(DEM_SRC, None)
    vk.add_post(DEM, wall_post(DEM, 1019, 0.5, "Возле почты на Ленина прорвало трубу.", 700501))
    vk.add_post(DEM, wall_post(DEM, 1020, 0.2, "Трубу на Ленина уже чинят.", 700502))
    ft.advance(minutes=30)
    seen = len(vk.calls())

    second = collector.poll(DEM_SRC, first.cursor)

    assert [p.uid for p in second.posts] == [uid(1019), uid(1020)]
    assert [(c.method, c.params["offset"], c.params["count"]) for c in vk.calls()[seen:]] == [
        ("wall.get", "0", "100")]                         # one page; no comments changed, none re-read
    assert (second.cursor.last_id, second.cursor.last_post_at) == (1020, datetime.fromtimestamp(ago(0.2),
                                                                                                  timezone.utc))
    assert {1019: 0, 1020: 0}.items() <= dict(second.cursor.watch).items()


def test_incremental_paging_stops_at_the_cursor(vk, make):
    collector = make(comments_watch_s=0)                  # nothing watched: paging stops at last_id
    first = collector.poll(DEM_SRC, None)
    for pid in range(1019, 1026):
        vk.add_post(DEM, wall_post(DEM, pid, 0.5 - (pid - 1019) * 0.05, f"Новость номер {pid} из Демянска."))
    seen = len(vk.calls("wall.get"))

    second = collector.poll(DEM_SRC, first.cursor)

    assert top_level(second) == [uid(i) for i in range(1019, 1026)]
    assert pages(vk, seen) == [("0", "5"), ("5", "5")]   # 950(pinned), 1025..1022 | 1021..1019, 1018 = stop


def test_pinned_new_post_comes_once_and_does_not_stop_paging(vk, make):
    collector = make(page_size=100)
    first = collector.poll(DEM_SRC, None)
    vk.walls[DEM][950].pop("is_pinned")
    vk.add_post(DEM, wall_post(DEM, 1019, 0.5, "Важно: график подвоза воды на Ленина.", is_pinned=1))
    second = collector.poll(DEM_SRC, first.cursor)
    vk.add_post(DEM, wall_post(DEM, 1020, 0.1, "Вода по графику будет в 18:00.", 700503))
    third = collector.poll(DEM_SRC, second.cursor)

    assert top_level(second) == [uid(1019)]
    assert top_level(third) == [uid(1020)]               # pinned 1019 is listed first, skipped, paging went on


def test_a_bad_item_is_skipped_and_counted(vk, make):
    vk.add_post(DEM, {**wall_post(DEM, 1019, 0.5, "Дата сломана."), "date": "вчера"})
    collector = make()
    batch = collector.poll(DEM_SRC, None)
    assert top_level(batch) == [uid(i) for i in DEM_NEW]
    assert collector.last_stats.skipped == 4
    assert [(d.origin, d.reason) for d in batch.dead_letters] == [("vk:-210001_1019", "нет или неверная дата: 'вчера'")]
    assert batch.cursor.last_id == 1019                  # passed: the next poll neither reads nor letters it again
    again = collector.poll(DEM_SRC, batch.cursor)
    assert (again.posts, again.dead_letters) == ((), ())


# --- comments --------------------------------------------------------------------------------------------------

def test_thread_comments_have_their_parents(vk, make):
    posts = {p.uid: p for p in make().poll(DEM_SRC, None).posts}
    parents = {u.removeprefix(uid(1008)): p.parent_uid for u, p in posts.items() if u.startswith(uid(1008) + "_")}
    assert parents == {"_c5101": uid(1008), "_c5102": uid(1008, 5101), "_c5103": uid(1008, 5102),
                       "_c5105": uid(1008, 5104), "_c5106": uid(1008)}     # deleted 5104 gone, its reply kept
    assert posts[uid(1008, 5103)] == Post(
        uid="vk:-210001_1008_c5103", platform="vk", source="vk:-210001", published_at=NOW - timedelta(hours=38),
        text="Спасибо пожарным из Демянска!", source_name="Подслушано в Демянске", author="vk:700142",
        url="https://vk.com/wall-210001_1008?reply=5103", parent_uid="vk:-210001_1008_c5102",
        reactions=Reactions(likes=3))
    water = [u for u in posts if u.startswith(uid(1014) + "_")]
    assert len(water) == 14 and posts[uid(1014, 5213)].parent_uid == uid(1014, 5201)


def test_comment_requests_follow_the_contract(vk, make):
    make().poll(DEM_SRC, None)
    calls = [c.params for c in vk.calls("wall.getComments")]
    assert [(c["post_id"], c.get("comment_id")) for c in calls] == [("1001", None), ("1008", None), ("1014", None),
                                                                     ("1014", "5201")]   # 12 replies > 10 inline
    assert {(c["owner_id"], c["count"], c["extended"], c["offset"]) for c in calls} == {("-210001", "100", "0",
                                                                                         "0")}
    assert {c.get("thread_items_count") for c in calls} == {"10", None}


def test_comment_first_pages_go_through_execute_in_batches(vk, make):
    plain = make(batch_calls=0).poll(DEM_SRC, None)
    plain_calls = len(vk.received)
    vk.received.clear()
    batched = make(batch_calls=2).poll(DEM_SRC, None)

    assert batched == plain                                            # the same posts and cursor
    http = [c for c in vk.received if c.http_method != "execute"]
    assert [c.method for c in http].count("execute") == 2             # 3 posts with comments: 2 + 1
    assert len(http) == plain_calls - 1
    inner = [c.params for c in vk.received if c.http_method == "execute"]
    assert [(c["post_id"], c["thread_items_count"], c["sort"]) for c in inner] == [
        ("1001", "10", "asc"), ("1008", "10", "asc"), ("1014", "10", "asc")]
    code = next(c for c in vk.received if c.method == "execute").params["code"]
    assert code.startswith('return [API.wall.getComments({"owner_id": -210001, "post_id": 1001,') and code.endswith(
        ")];")


def test_a_call_that_fails_inside_execute_is_made_again_directly(vk, make):
    plain = make(batch_calls=0).poll(DEM_SRC, None)
    vk.received.clear()
    vk.fail_next("wall.getComments", 9)                   # the first inner call answers false + execute_errors
    batched = make().poll(DEM_SRC, None)
    assert batched.posts == plain.posts
    direct = [c.params["post_id"] for c in vk.calls("wall.getComments") if c.http_method != "execute"]
    assert direct == ["1001", "1014"]                     # the failed one again, and 1014's long thread


def test_watched_posts_are_reread_only_when_their_comments_change(vk, make, ft):
    collector = make(page_size=100)
    first = collector.poll(DEM_SRC, None)
    vk.add_comment(DEM, 1008, reply(5301, 0.5, "Пожарную часть обещали ещё в прошлом году.", 700601, 5106, 700145),
                   thread=5106)
    vk.add_comment(DEM, 1016, comment(5302, 0.4, "Вчера чуть не попало по голове.", 700602))
    ft.advance(hours=1)
    seen = len(vk.calls("wall.getComments"))

    second = collector.poll(DEM_SRC, first.cursor)

    assert [(p.uid, p.parent_uid) for p in second.posts] == [(uid(1008, 5301), uid(1008, 5106)),
                                                              (uid(1016, 5302), uid(1016))]
    assert [c.params["post_id"] for c in vk.calls("wall.getComments")[seen:]] == ["1008", "1016"]
    assert (dict(second.cursor.watch)[1008], dict(second.cursor.watch)[1016]) == (5301, 5302)


def test_watch_expires_after_comments_watch_s(vk, make, ft):
    collector = make(page_size=100)
    first = collector.poll(DEM_SRC, None)
    vk.add_comment(DEM, 1008, comment(5401, 0.5, "Сарай так и стоит обгоревший.", 700603))
    vk.add_comment(DEM, 1017, comment(5402, 0.5, "На трассе уже посыпали.", 700604))
    ft.advance(hours=40)                                  # 1008 (40 h) is now 80 h old, 1017 (3 h) 43 h
    seen = len(vk.calls("wall.getComments"))

    second = collector.poll(DEM_SRC, first.cursor)

    assert [p.uid for p in second.posts] == [uid(1017, 5402)]
    assert [c.params["post_id"] for c in vk.calls("wall.getComments")[seen:]] == ["1017"]
    assert set(dict(second.cursor.watch)) == {1016, 1017, 1018} == set(map(int, second.cursor.extra["watch_meta"]))


def test_comments_that_failed_are_read_again_next_poll(vk, make, ft):
    collector = make(page_size=100)
    first = collector.poll(DEM_SRC, None)
    vk.add_comment(DEM, 1016, comment(5501, 0.5, "Сосульки над входом тоже висят.", 700605))
    vk.fail_next("wall.getComments", 777)                 # an unknown error: FAIL, not retried
    second = collector.poll(DEM_SRC, first.cursor)
    second_stats = collector.last_stats
    third = collector.poll(DEM_SRC, second.cursor)

    assert (second.posts, second_stats.comment_errors) == ((), 1)
    assert dict(second.cursor.watch)[1016] == 0           # still watched, nothing marked as read
    assert [p.uid for p in third.posts] == [uid(1016, 5501)]


# --- sources ---------------------------------------------------------------------------------------------------

def test_screen_name_is_resolved_once(vk, make):
    collector = make()
    source = SourceConfig(platform="vk", id="lychkovo_news")
    first = collector.poll(source, None)
    collector.poll(source, first.cursor)

    assert [c.params["screen_name"] for c in vk.calls("utils.resolveScreenName")] == ["lychkovo_news"]
    assert [c.params["group_id"] for c in vk.calls("groups.getById")] == ["210002"]
    assert {c.params["owner_id"] for c in vk.calls("wall.get")} == {"-210002"}
    assert (first.source, first.cursor.source) == ("vk:lychkovo_news", "vk:lychkovo_news")
    assert [p.uid for p in first.posts if not p.parent_uid] == [f"vk:-{LYCH}_{i}" for i in range(301, 308)]
    assert {(p.source, p.source_name) for p in first.posts} == {("vk:-210002", "Лычково — новости посёлка")}


@pytest.mark.parametrize("ref, registered, reason", [
    ("no_such_public", None, "сообщество VK «no_such_public» не найдено"),
    ("ivan_petrov_dem", {"type": "user", "object_id": 700999}, "«ivan_petrov_dem» в VK не сообщество, а user"),
])
def test_a_screen_name_that_is_not_a_community_is_skipped(vk, make, ref, registered, reason):
    if registered:
        vk.screen_names[ref] = registered
    with pytest.raises(SourceUnavailable) as e:
        make().poll(SourceConfig(platform="vk", id=ref), None)
    assert (e.value.action, e.value.reason) == (Action.SKIP_SOURCE, reason)
    assert vk.calls("wall.get") == []


# --- errors ----------------------------------------------------------------------------------------------------

def test_errors_6_and_9_are_retried_with_backoff(vk, make, ft):
    vk.fail_next("wall.get", 6, times=2)
    vk.fail_next("wall.getComments", 9)
    batch = make(batch_calls=0).poll(DEM_SRC, None)
    assert top_level(batch) == [uid(i) for i in DEM_NEW]
    assert ft.slept == [1.0, 2.0, 1.0]
    assert pages(vk)[:3] == [("0", "5")] * 3


def test_retries_give_up_after_max_attempts(vk, make, ft):
    vk.fail_next("wall.get", 10, times=99)
    with pytest.raises(SourceUnavailable) as e:
        make(retry=RetryPolicy(base_s=2, factor=3, max_attempts=4)).poll(DEM_SRC, None)
    assert e.value.action is Action.RETRY_AFTER and "ошибка VK 10" in e.value.reason
    assert (ft.slept, len(vk.calls("wall.get"))) == ([2, 6, 18], 4)


@pytest.mark.parametrize("status, retry_after, slept", [(429, "7", [7.0]), (503, None, [1.0]), (429, "-3", [0.0])])
def test_http_errors_are_retried_honouring_retry_after(vk, make, ft, status, retry_after, slept):
    vk.fail_http("wall.get", status, retry_after=retry_after)
    assert top_level(make().poll(DEM_SRC, None)) == [uid(i) for i in DEM_NEW]
    assert ft.slept == slept


@pytest.mark.parametrize("code, action, reason", [
    (29, Action.QUOTA, "исчерпан суточный лимит запросов к VK (ошибка VK 29)"),
    (15, Action.SKIP_SOURCE, "доступ к сообществу закрыт (ошибка VK 15)"),
    (18, Action.SKIP_SOURCE, "страница удалена или заблокирована (ошибка VK 18)"),
    (14, Action.FAIL, "VK требует капчу (ошибка VK 14)"),
])
def test_errors_that_are_not_retried(vk, make, ft, code, action, reason):
    vk.fail_next("wall.get", code)
    with pytest.raises(SourceUnavailable) as e:
        make().poll(DEM_SRC, None)
    assert (e.value.action, str(e.value)) == (action, reason)
    assert (len(vk.calls("wall.get")), ft.slept) == (1, [])


def test_closed_community_is_skipped_with_a_reason_for_staff(vk, make):
    vk.deny(CLOSED, 15)
    with pytest.raises(SourceUnavailable) as e:
        make().poll(SourceConfig(platform="vk", id=f"club{CLOSED}"), None)
    assert (e.value.action, e.value.reason) == (Action.SKIP_SOURCE, "доступ к сообществу закрыт (ошибка VK 15)")
    assert [c.params["group_id"] for c in vk.calls("groups.getById")] == [str(CLOSED)]


def test_invalid_token_stops_with_auth(vk, make):
    with pytest.raises(SourceUnavailable) as e:
        make(token="vk1.a.revoked").poll(DEM_SRC, None)
    assert (e.value.action, e.value.reason) == (Action.AUTH, "токен VK недействителен, нужен новый (ошибка VK 5)")


def test_one_posts_closed_comments_skip_only_that_post(vk, make, caplog):
    vk.deny(DEM, 212, post_id=1008)
    collector = make()
    batch = collector.poll(DEM_SRC, None)
    assert top_level(batch) == [uid(i) for i in DEM_NEW]
    assert not any(p.uid.startswith(uid(1008) + "_") for p in batch.posts)
    assert any(p.uid.startswith(uid(1014) + "_") for p in batch.posts)
    assert 1008 not in dict(batch.cursor.watch) and collector.last_stats.comment_errors == 1
    assert "комментарии к записи закрыты (ошибка VK 212)" in caplog.text


def test_an_unreachable_api_is_retried_then_reported(make, ft):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                         # closed again: connections are refused
    with pytest.raises(SourceUnavailable) as e:
        make(api_base=f"http://127.0.0.1:{port}/method", retry=RetryPolicy(max_attempts=2)).poll(DEM_SRC, None)
    assert e.value.action is Action.RETRY_AFTER and e.value.reason.startswith("нет связи с VK (ConnectionError)")
    assert ft.slept == [1.0]


def test_the_token_never_appears_in_errors_or_logs(vk, make, caplog):
    caplog.set_level(logging.DEBUG)
    errors = []
    scenarios = [lambda: vk.fail_next("wall.get", 15), lambda: vk.fail_next("wall.get", 29),
                 lambda: vk.fail_next("wall.get", 6, times=5), lambda: vk.fail_http("wall.get", 500, times=5),
                 lambda: vk.deny(DEM, 212, post_id=1008), lambda: vk.fail_next("wall.get", 777)]
    for arrange in scenarios:
        arrange()
        try:
            make().poll(DEM_SRC, None)
        except SourceUnavailable as e:
            errors.append(e)
    with pytest.raises(SourceUnavailable) as auth:
        make(token=TOKEN + "-old").poll(DEM_SRC, None)
    errors.append(auth.value)

    assert len(errors) == 6 and all(e.__cause__ is None and e.__context__ is None for e in errors)
    for e in errors:
        assert TOKEN not in str(e) + repr(e) + "".join(traceback.format_exception(e))
    assert caplog.records and TOKEN not in caplog.text
    assert all(TOKEN not in c.path for c in vk.calls()) and {c.params["access_token"] for c in vk.calls()} >= {TOKEN}
    assert TOKEN not in repr(make())


def test_calls_are_spaced_by_min_interval_through_the_injected_sleep(vk, make, ft):
    collector = make(token=SecretStr(TOKEN), min_interval_s=0.34, page_size=100)
    collector.poll(SourceConfig(platform="vk", id=str(LYCH), name="Лычково"), None)
    assert len(vk.calls()) == 2 and ft.slept == [pytest.approx(0.34)]   # wall.get, then comments of 306


# --- the pure pieces the collector stands on -------------------------------------------------------------------

@pytest.mark.parametrize("code, action", [
    (6, Action.RETRY_AFTER), (9, Action.RETRY_AFTER), (10, Action.RETRY_AFTER), (29, Action.QUOTA),
    (5, Action.AUTH), (15, Action.SKIP_SOURCE), (18, Action.SKIP_SOURCE), (30, Action.SKIP_SOURCE),
    (100, Action.SKIP_SOURCE), (113, Action.SKIP_SOURCE), (14, Action.FAIL), (1, Action.FAIL), (None, Action.FAIL),
])
def test_vk_errors_are_classified(code, action):
    assert classify_vk_error({"error_code": code, "error_msg": "x"}).action is action


def test_backoff_is_exponential_capped_and_leaves_unknown_errors_alone():
    assert [RetryPolicy(base_s=1, factor=2, max_s=5).delay_s(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 5]
    assert 0.5 <= RetryPolicy(jitter=True).delay_s(1, rng=lambda: 0.0) <= 1.0
    with pytest.raises(KeyError):
        call_with_retry(lambda: {}["x"], lambda e: None, sleep=pytest.fail)
    verdicts = iter([Verdict(Action.RETRY_AFTER, "занято", retry_after_s=3)])
    attempts, slept = [], []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("busy")
        return "ok"

    assert call_with_retry(flaky, lambda e: next(verdicts), slept.append) == "ok" and slept == [3.0]
