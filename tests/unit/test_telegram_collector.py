"""collectors/telegram.py and telegram_parse.py: the collector over the recording fake, and the telethon adapter
over a stub client holding real telethon TL objects. Nothing connects to Telegram."""
from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta, timezone

import pytest
from telethon import errors
from telethon.tl import types

from collectors.backoff import Action, RetryPolicy, SourceUnavailable
from collectors.telegram import (
    TelegramCollector,
    TelethonAdapter,
    TelethonConfig,
    classify_telethon_error,
    telethon_to_tg,
)
from collectors.telegram_parse import TgChat, TgMessage, comment_to_post, message_to_post
from core.records import Post, Reactions
from core.sources import Cursor, SourceConfig
from tests.fakes.telegram import RecordingTelegramFake

UTC = timezone.utc
T0 = datetime(2026, 3, 24, 5, 0, tzinfo=UTC)
NEWS = SourceConfig(platform="telegram", id="demyansk_news", name="Демянск Новости", kind="channel")
CHAT = SourceConfig(platform="telegram", id="demyansk_chat", name="Чат Демянска", kind="chat")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fake() -> RecordingTelegramFake:
    fake = RecordingTelegramFake()
    fake.add_chat("demyansk_news", chat_id=-1001, broadcast=True, discussion="demyansk_talk", title="Новости")
    fake.add_chat("demyansk_chat", chat_id=-1002, title="Чат")
    return fake


@pytest.fixture
def sleeps() -> list:
    return []


@pytest.fixture
def clock() -> Clock:
    return Clock(at(60))


@pytest.fixture
def collector(fake, sleeps, clock) -> TelegramCollector:
    return TelegramCollector(fake, sleep=sleeps.append, clock=clock, edit_window_s=48 * 3600, page_limit=100)


def uids(batch) -> list[str]:
    return [p.uid for p in batch.posts]


def calls(fake, method: str) -> list[dict]:
    return [args for name, args in fake.calls if name == method]


# --- channel posts, chats, comments ------------------------------------------------------------------------------

def test_channel_posts_become_posts_and_service_or_bare_media_messages_are_skipped(fake, collector):
    fake.add_message("demyansk_news", 1, "В Лычкове нет воды с утра", at(0), sender_id=-1001, views=340, forwards=4,
                     reactions=7)
    fake.add_message("demyansk_news", 2, "", at(1), sender_id=-1001, service=True)
    fake.add_message("demyansk_news", 3, "", at(2), sender_id=-1001)                 # a photo without a caption
    batch = collector.poll(NEWS, None)
    assert batch.posts == (Post(
        uid="tg:demyansk_news_1", platform="telegram", source="tg:demyansk_news", published_at=at(0),
        text="В Лычкове нет воды с утра", source_name="Демянск Новости", author="tg:-1001",
        url="https://t.me/demyansk_news/1", parent_uid=None, reactions=Reactions(7, 4, 0, 340)),)
    assert batch.source == "tg:demyansk_news"
    assert (batch.cursor.last_id, batch.cursor.last_post_at) == (3, at(2))    # past the skipped ones: not re-read
    assert calls(fake, "iter_messages") == [{"chat": "demyansk_news", "min_id": 0, "reverse": True, "limit": 100}]


def test_chat_messages_with_replies_carry_parent_uids(fake, collector):
    fake.add_message("demyansk_chat", 10, "Кто знает, когда дадут свет на Ленина?", at(0), sender_id=501)
    fake.add_message("demyansk_chat", 11, "Обещали к вечеру", at(3), sender_id=502, reply_to_id=10)
    fake.add_message("demyansk_chat", 12, "Спасибо!", at(4), sender_id=501, reply_to_id=11)
    batch = collector.poll(CHAT, None)
    assert [(p.uid, p.parent_uid, p.author) for p in batch.posts] == [
        ("tg:demyansk_chat_10", None, "tg:501"),
        ("tg:demyansk_chat_11", "tg:demyansk_chat_10", "tg:502"),
        ("tg:demyansk_chat_12", "tg:demyansk_chat_11", "tg:501")]
    assert calls(fake, "iter_replies") == []                                  # a group has no discussion threads


def test_discussion_comments_answer_the_channel_post(fake, collector):
    fake.add_message("demyansk_news", 5, "Отключение газа в Ямнике 25 марта", at(0), sender_id=-1001)
    fake.add_comment("demyansk_news", 5, 100, "А надолго?", at(5), sender_id=701)
    fake.add_comment("demyansk_news", 5, 101, "Опять без предупреждения", at(6), sender_id=702, reply_to_id=100)
    first = collector.poll(NEWS, None)
    assert uids(first) == ["tg:demyansk_news_5", "tg:demyansk_talk_100", "tg:demyansk_talk_101"]
    assert first.posts[1] == Post(
        uid="tg:demyansk_talk_100", platform="telegram", source="tg:demyansk_news", published_at=at(5),
        text="А надолго?", source_name="Демянск Новости", author="tg:701",
        url="https://t.me/demyansk_news/5?comment=100", parent_uid="tg:demyansk_news_5")
    assert first.posts[2].parent_uid == "tg:demyansk_news_5"                 # a reply to a comment too
    assert first.cursor.watch == ((5, 101),)

    fake.add_comment("demyansk_news", 5, 102, "Уже починили", at(20), sender_id=703)
    second = collector.poll(NEWS, first.cursor)
    assert uids(second) == ["tg:demyansk_talk_102"]
    assert calls(fake, "iter_replies") == [{"chat": "demyansk_news", "post_id": 5, "min_id": 0, "limit": 100},
                                           {"chat": "demyansk_news", "post_id": 5, "min_id": 101, "limit": 100}]
    assert second.cursor.watch == ((5, 102),)
    third = collector.poll(NEWS, second.cursor)                               # no new comment: no request
    assert third.posts == () and len(calls(fake, "iter_replies")) == 2


# --- cursor ------------------------------------------------------------------------------------------------------

def test_second_poll_reads_only_new_ids_in_ascending_order(fake, collector):
    for i in (1, 2, 3):
        fake.add_message("demyansk_chat", i, f"сообщение {i}", at(i), sender_id=500 + i)
    first = collector.poll(CHAT, None)
    for i in (5, 4):                                                          # arrive in any order
        fake.add_message("demyansk_chat", i, f"сообщение {i}", at(i), sender_id=500 + i)
    second = collector.poll(CHAT, first.cursor)
    assert uids(first) == ["tg:demyansk_chat_1", "tg:demyansk_chat_2", "tg:demyansk_chat_3"]
    assert uids(second) == ["tg:demyansk_chat_4", "tg:demyansk_chat_5"]
    assert [c["min_id"] for c in calls(fake, "iter_messages")] == [0, 3]
    assert second.cursor.last_id == 5
    assert second.cursor.watch == ((1, 0), (2, 0), (3, 0), (4, 0), (5, 0))


def test_pages_continue_from_the_last_id_and_a_long_backlog_spans_polls(fake, sleeps, clock):
    for i in range(1, 8):
        fake.add_message("demyansk_chat", i, f"сообщение {i}", at(i))
    collector = TelegramCollector(fake, sleep=sleeps.append, clock=clock, page_limit=2, max_pages=2)
    first = collector.poll(CHAT, None)
    second = collector.poll(CHAT, first.cursor)
    assert uids(first) == ["tg:demyansk_chat_1", "tg:demyansk_chat_2", "tg:demyansk_chat_3", "tg:demyansk_chat_4"]
    assert (first.cursor.last_id, first.cursor.backfilled) == (4, False)
    assert uids(second)[:3] == ["tg:demyansk_chat_5", "tg:demyansk_chat_6", "tg:demyansk_chat_7"]
    assert (second.cursor.last_id, second.cursor.backfilled) == (7, True)
    assert [c["min_id"] for c in calls(fake, "iter_messages")] == [0, 2, 4, 6]


# --- edits -------------------------------------------------------------------------------------------------------

def test_an_edit_is_emitted_again_with_the_same_uid_and_the_new_text_once(fake, collector, clock):
    fake.add_message("demyansk_chat", 1, "Горит сарай на Победы", at(0), sender_id=501)
    fake.add_message("demyansk_chat", 2, "Пожарные едут", at(1), sender_id=502)
    first = collector.poll(CHAT, None)
    fake.edit("demyansk_chat", 1, "Горит сарай на Победы, 12. Потушили", at(30))
    second = collector.poll(CHAT, first.cursor)
    third = collector.poll(CHAT, second.cursor)
    assert [(p.uid, p.text) for p in second.posts] == [("tg:demyansk_chat_1", "Горит сарай на Победы, 12. Потушили")]
    assert second.posts[0].published_at == at(0)                              # still the original event time
    assert calls(fake, "get_messages")[0] == {"chat": "demyansk_chat", "ids": (1, 2)}
    assert third.posts == ()
    assert third.cursor.extra["edited"] == ((1, int(at(30).timestamp())),)


def test_messages_leave_the_watch_when_they_age_out_or_are_deleted(fake, collector, clock):
    fake.add_message("demyansk_chat", 1, "старое", at(0))
    fake.add_message("demyansk_chat", 2, "удалят", at(1))
    first = collector.poll(CHAT, None)
    del fake.messages["demyansk_chat"][2]
    clock.now = at(0) + timedelta(hours=49)
    second = collector.poll(CHAT, first.cursor)
    assert second.cursor.watch == () and second.posts == ()
    collector.poll(CHAT, second.cursor)
    assert len(calls(fake, "get_messages")) == 1                              # nothing left to re-read


# --- flood waits -------------------------------------------------------------------------------------------------

def _busy_day(fake):
    for i in range(1, 6):
        fake.add_message("demyansk_news", i, f"новость {i}", at(i), sender_id=-1001)
    fake.add_comment("demyansk_news", 2, 100, "первый комментарий", at(10), sender_id=701)


def _two_polls(fake, collector):
    first = collector.poll(NEWS, None)
    fake.add_message("demyansk_news", 6, "новость 6", at(20), sender_id=-1001)
    fake.add_comment("demyansk_news", 2, 101, "второй комментарий", at(21), sender_id=702)
    fake.edit("demyansk_news", 1, "новость 1 (исправлено)", at(22))
    return first, collector.poll(NEWS, first.cursor)


@pytest.mark.parametrize("method, after", [("get_entity", 1), ("iter_messages", 3), ("iter_replies", 1),
                                           ("get_messages", 0)])
def test_flood_wait_sleeps_exactly_and_loses_or_repeats_nothing(method, after, sleeps, clock):
    baseline_fake, flooded_fake = RecordingTelegramFake(), RecordingTelegramFake()
    for f in (baseline_fake, flooded_fake):
        f.add_chat("demyansk_news", chat_id=-1001, broadcast=True, discussion="demyansk_talk")
        _busy_day(f)
    baseline = _two_polls(baseline_fake, TelegramCollector(baseline_fake, sleep=[].append, clock=clock, page_limit=2))
    flooded_fake.flood(37, on=method, after=after)                            # hits the second poll
    flooded = _two_polls(flooded_fake, TelegramCollector(flooded_fake, sleep=sleeps.append, clock=clock,
                                                         page_limit=2))
    assert sleeps == [37]
    assert flooded == baseline                                                # same posts, same cursors
    assert len(set(uids(flooded[0]) + uids(flooded[1]))) == len(uids(flooded[0])) + len(uids(flooded[1])) - 1
    raised = [args for name, args in flooded_fake.calls if name == method]
    assert len(raised) == len([a for n, a in baseline_fake.calls if n == method]) + 1
    assert raised[after] == raised[after + 1]                                 # the very same request, repeated


def test_flood_wait_mid_backlog_resumes_from_the_same_page(fake, sleeps, clock):
    _busy_day(fake)
    fake.flood(30, on="iter_messages", after=1)
    batch = TelegramCollector(fake, sleep=sleeps.append, clock=clock, page_limit=2).poll(NEWS, None)
    assert sleeps == [30]
    assert uids(batch)[:5] == [f"tg:demyansk_news_{i}" for i in range(1, 6)]
    assert [c["min_id"] for c in calls(fake, "iter_messages")] == [0, 2, 2, 4]
    assert batch.cursor.last_id == 5


def test_negative_flood_wait_is_clamped_to_zero(fake, collector, sleeps):
    fake.add_message("demyansk_chat", 1, "текст", at(0))
    fake.flood(-5, on="iter_messages")
    assert uids(collector.poll(CHAT, None)) == ["tg:demyansk_chat_1"]
    assert sleeps == [0]


def test_endless_flood_waits_give_up_after_the_policy_attempts(fake, sleeps, clock):
    for seconds in (10, 20, 30, 40):
        fake.flood(seconds)
    collector = TelegramCollector(fake, sleep=sleeps.append, clock=clock, retry=RetryPolicy(max_attempts=4))
    with pytest.raises(SourceUnavailable) as caught:
        collector.poll(CHAT, None)
    assert (sleeps, caught.value.action) == ([10, 20, 30], Action.RETRY_AFTER)
    assert caught.value.reason == "tg:demyansk_chat: Telegram просит подождать 40 с; попыток: 4"
    assert calls(fake, "get_entity") == [{"name": "demyansk_chat"}] * 4


# --- unavailable sources -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, private, words", [("closed_club", True, "закрыт"),
                                                  ("no_such_chat", False, "не найден")])
def test_private_or_unknown_source_is_unavailable_with_a_russian_reason(fake, collector, name, private, words):
    if private:
        fake.add_chat(name, chat_id=-1009, private=True)
    source = SourceConfig(platform="telegram", id=name, kind="channel")
    with pytest.raises(SourceUnavailable) as caught:
        collector.poll(source, Cursor(source=source.key, last_id=40))
    assert caught.value.reason.startswith(f"tg:{name}: ") and words in caught.value.reason
    assert re.search("[а-я]{4}", caught.value.reason) and caught.value.action is Action.SKIP_SOURCE
    assert caught.value.__cause__ is None                     # backoff drops the telethon error (it holds the request)
    assert calls(fake, "get_entity") == [{"name": name}] and calls(fake, "iter_messages") == []


def test_an_unknown_username_telethon_reports_as_value_error_skips_the_source():
    class NoSuchUsername(RecordingTelegramFake):
        def get_entity(self, name):
            self._record("get_entity", name=name)
            raise ValueError(f'No user has "{name}" as username')
    with pytest.raises(SourceUnavailable) as caught:
        TelegramCollector(NoSuchUsername(), sleep=[].append).poll(CHAT, None)
    assert (caught.value.reason, caught.value.action) == (
        "tg:demyansk_chat: канал или чат с таким именем не найден", Action.SKIP_SOURCE)


@pytest.mark.parametrize("error, action, retry_after_s", [
    (errors.FloodWaitError(request=None, capture=15), Action.RETRY_AFTER, 15),
    (errors.ChannelPrivateError(request=None), Action.SKIP_SOURCE, None),
    (errors.UsernameInvalidError(request=None), Action.SKIP_SOURCE, None),
    (errors.AuthKeyUnregisteredError(request=None), Action.AUTH, None),
    (errors.RpcCallFailError(request=None), Action.RETRY_AFTER, None),
])
def test_telethon_errors_are_classified(error, action, retry_after_s):
    verdict = classify_telethon_error(error)
    assert (verdict.action, verdict.retry_after_s) == (action, retry_after_s)
    assert re.search("[а-я]{4}", verdict.reason)


def test_unknown_errors_are_not_classified_so_they_raise():
    assert classify_telethon_error(RuntimeError("bug")) is None
    assert classify_telethon_error(errors.MsgIdInvalidError(request=None)) is None


# --- the pure parse ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("message, expected", [
    (TgMessage(1, "c", T0, "   \n"), None),
    (TgMessage(1, "c", T0, "Вступил в группу", service=True), None),
    (TgMessage(1, "-1001234", T0, "текст"), "https://t.me/c/1234/1"),          # a chat known only by id
    (TgMessage(1, "demyansk_chat", datetime(2026, 3, 24, 5), "текст"), "https://t.me/demyansk_chat/1"),
])
def test_message_to_post_edge_cases(message, expected):
    post = message_to_post(message)
    assert (post.url if post else None) == expected
    if post:
        assert post.published_at.tzinfo is not None and post.published_at.utcoffset() == timedelta(0)
        assert post.author is None


def test_comment_of_a_discussion_group_known_only_by_id():
    post = comment_to_post(TgMessage(7, "-100555", at(1), "согласен", sender_id=9), "demyansk_news", 5)
    assert (post.uid, post.source, post.parent_uid) == ("tg:-100555_7", "tg:demyansk_news", "tg:demyansk_news_5")


# --- the telethon adapter ----------------------------------------------------------------------------------------

class StubTelethonClient:
    """What TelethonAdapter uses of a TelegramClient, holding real telethon TL objects; records calls."""

    def __init__(self, entity, history, by_id=()) -> None:
        self.loop = asyncio.new_event_loop()
        self.entity, self.history, self.by_id = entity, history, list(by_id)
        self.calls: list[tuple] = []

    async def get_entity(self, ref):
        self.calls.append(("get_entity", ref))
        return self.entity

    def iter_messages(self, entity, **kwargs):
        self.calls.append(("iter_messages", entity, kwargs))

        async def stream():
            for message in self.history:
                yield message
        return stream()

    async def get_messages(self, entity, ids):
        self.calls.append(("get_messages", entity, ids))
        return self.by_id


def _telethon_message(**overrides):
    fields = dict(id=42, peer_id=types.PeerChannel(1234), date=datetime(2026, 3, 24, 8, 0, tzinfo=UTC),
                  message="Нет света на улице Ленина", from_id=types.PeerUser(777),
                  reply_to=types.MessageReplyHeader(reply_to_msg_id=40), views=120, forwards=3,
                  replies=types.MessageReplies(replies=4, replies_pts=9, comments=True, channel_id=999, max_id=88),
                  edit_date=datetime(2026, 3, 24, 8, 5, tzinfo=UTC),
                  reactions=types.MessageReactions(results=[types.ReactionCount(types.ReactionEmoji("👍"), 5),
                                                            types.ReactionCount(types.ReactionEmoji("😡"), 2)]))
    return types.Message(**{**fields, **overrides})


def test_telethon_message_converts_to_tg_message():
    assert telethon_to_tg(_telethon_message(), "demyansk_chat") == TgMessage(
        id=42, chat="demyansk_chat", date=datetime(2026, 3, 24, 8, 0, tzinfo=UTC), text="Нет света на улице Ленина",
        sender_id=777, reply_to_id=40, edit_date=datetime(2026, 3, 24, 8, 5, tzinfo=UTC), views=120, forwards=3,
        replies_count=4, replies_max_id=88, reactions=7)
    channel_post = telethon_to_tg(_telethon_message(from_id=None, reply_to=None, replies=None, reactions=None,
                                                    views=None, forwards=None, edit_date=None), "demyansk_news")
    assert (channel_post.sender_id, channel_post.reply_to_id, channel_post.views, channel_post.replies_count,
            channel_post.edit_date) == (-1000000001234, None, 0, 0, None)
    service = types.MessageService(id=43, peer_id=types.PeerChannel(1234), date=T0,
                                   action=types.MessageActionPinMessage())
    assert telethon_to_tg(service, "demyansk_news").service is True
    assert telethon_to_tg(types.MessageEmpty(id=44, peer_id=types.PeerChannel(1234)), "demyansk_news") is None


def test_telethon_adapter_resolves_then_reads_with_reverse_and_min_id():
    channel = types.Channel(id=1234, title="Демянск Новости", photo=types.ChatPhotoEmpty(), date=T0, broadcast=True,
                            username="demyansk_news", access_hash=1)
    client = StubTelethonClient(channel, [_telethon_message(id=43), _telethon_message(id=44)],
                                by_id=[_telethon_message(id=43), None])
    try:
        adapter = TelethonAdapter(client)
        chat = adapter.get_entity("demyansk_news")
        page = adapter.iter_messages(chat, min_id=42, limit=50)
        reread = adapter.get_messages(chat, [43, 41])
        comments = adapter.iter_replies(chat, 43, min_id=0, limit=50)
    finally:
        client.loop.close()
    assert chat == TgChat(id=-1000000001234, name="demyansk_news", title="Демянск Новости", broadcast=True)
    assert [(m.id, m.chat, m.text) for m in page] == [(43, "demyansk_news", "Нет света на улице Ленина"),
                                                      (44, "demyansk_news", "Нет света на улице Ленина")]
    assert [m.id if m else None for m in reread] == [43, None]
    assert {m.chat for m in comments} == {"-1000000001234"}                        # no username known: the marked id
    assert client.calls == [
        ("get_entity", "demyansk_news"),
        ("iter_messages", channel, {"limit": 50, "min_id": 42, "reverse": True}),
        ("get_messages", channel, [43, 41]),
        ("iter_messages", channel, {"limit": 50, "min_id": 0, "reverse": True, "reply_to": 43})]


def test_api_hash_never_shows_in_the_config_repr(tmp_path):
    config = TelethonConfig(api_id=123456, api_hash="0123456789abcdef0123456789abcdef",
                            session=tmp_path / "dozor.session")
    assert "0123456789abcdef" not in repr(config) and "0123456789abcdef" not in str(config)
    assert config.api_hash.get_secret_value() == "0123456789abcdef0123456789abcdef"


def test_the_adapter_client_lets_every_flood_wait_reach_the_collector_and_does_not_connect(tmp_path):
    config = TelethonConfig(api_id=123456, api_hash="0123456789abcdef0123456789abcdef",
                            session=tmp_path / "dozor.session")
    client = TelethonAdapter.from_config(config)._client
    try:
        assert (client.flood_sleep_threshold, client.is_connected()) == (0, False)
    finally:
        client.session.close()
