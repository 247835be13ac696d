"""Live Telegram channels and chats: a small port, its telethon adapter, the collector, and a recording fake.

poll(source, cursor) hands on, in this order: messages with id > cursor.last_id (ascending); for a channel, new
comments under its recent posts (from the linked discussion group); recent messages whose edit is newer than the
one we emitted (same uid, new text). "Recent" is published within edit_window_s; recent ids live in
cursor.watch as (message id, last comment id) and the emitted edit stamps in cursor.extra["edited"].

Errors go through collectors.backoff: a FloodWaitError is slept through (the injected sleep, max(0, seconds)) and
the very same request repeated (each port call returns a whole page, so nothing is skipped or duplicated); a
private, unknown or invalid channel raises SourceUnavailable(reason in Russian, SKIP_SOURCE); a dead session AUTH.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, SecretStr
from telethon import TelegramClient, errors, utils
from telethon.tl import types

from collectors.backoff import Action, RetryPolicy, Verdict, call_with_retry
from collectors.telegram_parse import TgChat, TgMessage, comment_to_post, edit_stamp, message_to_post
from core.sources import Batch, Cursor, SourceConfig

log = logging.getLogger(__name__)


_SKIP = {
    errors.ChannelPrivateError: "канал или чат закрыт: аккаунт не состоит в нём или был исключён",
    errors.ChannelInvalidError: "канал или чат недоступен (неверный идентификатор)",
    errors.UsernameInvalidError: "неверное имя канала или чата",
    errors.UsernameNotOccupiedError: "канал или чат с таким именем не найден",
    errors.ChatAdminRequiredError: "для чтения нужны права администратора",
}
_AUTH = (errors.AuthKeyUnregisteredError, errors.SessionRevokedError, errors.AuthKeyDuplicatedError,
         errors.UserDeactivatedError, errors.UserDeactivatedBanError)


def classify_telethon_error(exc: BaseException) -> Verdict | None:
    """telethon errors -> Verdict; None for anything else (a bug, or handled by the caller: let it raise)."""
    if isinstance(exc, errors.FloodWaitError):
        return Verdict(Action.RETRY_AFTER, f"Telegram просит подождать {exc.seconds} с", exc.seconds)
    if type(exc) in _SKIP:
        return Verdict(Action.SKIP_SOURCE, _SKIP[type(exc)])
    if isinstance(exc, _AUTH):
        return Verdict(Action.AUTH, "сессия Telegram недействительна: войдите заново")
    if isinstance(exc, (errors.ServerError, errors.RpcCallFailError, ConnectionError)):
        return Verdict(Action.RETRY_AFTER, f"сбой на стороне Telegram или связи ({type(exc).__name__})")
    return None


def _classify_entity(exc: BaseException) -> Verdict | None:
    if isinstance(exc, ValueError):                             # telethon: nobody has this username
        return Verdict(Action.SKIP_SOURCE, "канал или чат с таким именем не найден")
    return classify_telethon_error(exc)


class TelegramPort(Protocol):
    def get_entity(self, name: str) -> TgChat: ...
    def iter_messages(self, chat: TgChat, min_id: int, reverse: bool = True,
                      limit: int = 100) -> tuple[TgMessage, ...]: ...
    def iter_replies(self, chat: TgChat, post_id: int, min_id: int, limit: int = 100) -> tuple[TgMessage, ...]: ...
    def get_messages(self, chat: TgChat, ids: Sequence[int]) -> tuple[TgMessage | None, ...]: ...


# --- telethon adapter --------------------------------------------------------------------------------------------

class TelethonConfig(BaseModel):
    """From the caller (settings, a secrets file); the hash is masked in repr and never logged."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    api_id: int
    api_hash: SecretStr
    session: Path


def _utc(at: datetime | None) -> datetime | None:
    return None if at is None else at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def telethon_to_tg(message, chat: str) -> TgMessage | None:
    """A telethon Message / MessageService -> TgMessage; MessageEmpty (deleted, inaccessible) -> None."""
    if message is None or isinstance(message, types.MessageEmpty):
        return None
    sender = message.from_id or message.peer_id                 # a channel post is sent by the channel
    common = dict(id=message.id, chat=chat, date=_utc(message.date),
                  sender_id=utils.get_peer_id(sender) if sender is not None else None)
    if isinstance(message, types.MessageService):
        return TgMessage(**common, service=True)
    reply = message.reply_to
    replies = message.replies
    reactions = message.reactions.results if message.reactions else ()
    return TgMessage(**common, text=message.message or "",
                     reply_to_id=reply.reply_to_msg_id if isinstance(reply, types.MessageReplyHeader) else None,
                     edit_date=_utc(message.edit_date), views=message.views or 0, forwards=message.forwards or 0,
                     replies_count=replies.replies if replies else 0,
                     replies_max_id=replies.max_id if replies else None,
                     reactions=sum(r.count for r in reactions))


def _chat_name(message) -> str:
    chat = getattr(message, "chat", None)                       # filled by telethon from the response's chats
    return getattr(chat, "username", None) or str(utils.get_peer_id(message.peer_id))


async def _gather(iterator) -> list:
    return [m async for m in iterator]


def private_session(session: Path) -> str:
    """The session file telethon opens (it adds ".session"), created owner-only (0600) before telethon opens it:
    the README calls it a password, and telethon would create it world-readable under the usual umask."""
    file = session if session.suffix == ".session" else session.with_name(session.name + ".session")
    file.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(file, 0o600)
    return str(file)


class TelethonAdapter:
    """TelegramPort over a telethon.TelegramClient. Synchronous: call it from a thread with no running loop."""

    def __init__(self, client) -> None:
        self._client = client
        self._entities: dict[str, object] = {}

    @classmethod
    def from_config(cls, config: TelethonConfig, flood_sleep_threshold: int = 0) -> TelethonAdapter:
        """Threshold 0: every flood wait reaches the collector, which sleeps through its injected sleep."""
        return cls(TelegramClient(private_session(config.session), config.api_id, config.api_hash.get_secret_value(),
                                  flood_sleep_threshold=flood_sleep_threshold))

    def connect(self) -> None:
        self._run(self._client.connect())
        if not self._run(self._client.is_user_authorized()):
            raise RuntimeError("сессия Telegram не авторизована: войдите один раз интерактивно (telethon)")

    def _run(self, coroutine):
        return self._client.loop.run_until_complete(coroutine)

    def get_entity(self, name: str) -> TgChat:
        ref = int(name) if name.lstrip("-").isdigit() else name
        entity = self._run(self._client.get_entity(ref))
        self._entities[name] = entity
        return TgChat(id=utils.get_peer_id(entity), name=name, title=getattr(entity, "title", "") or "",
                      broadcast=bool(getattr(entity, "broadcast", False)))

    def _entity(self, chat: TgChat):
        return self._entities.get(chat.name, chat.id)

    def iter_messages(self, chat: TgChat, min_id: int, reverse: bool = True, limit: int = 100):
        found = self._run(_gather(self._client.iter_messages(self._entity(chat), limit=limit, min_id=min_id,
                                                             reverse=reverse)))
        return tuple(m for m in (telethon_to_tg(x, chat.name) for x in found) if m is not None)

    def iter_replies(self, chat: TgChat, post_id: int, min_id: int, limit: int = 100):
        found = self._run(_gather(self._client.iter_messages(self._entity(chat), limit=limit, min_id=min_id,
                                                             reverse=True, reply_to=post_id)))
        return tuple(m for m in (telethon_to_tg(x, _chat_name(x)) for x in found) if m is not None)

    def get_messages(self, chat: TgChat, ids: Sequence[int]):
        found = self._run(self._client.get_messages(self._entity(chat), ids=list(ids)))
        return tuple(telethon_to_tg(m, chat.name) for m in found)


# --- the collector -----------------------------------------------------------------------------------------------

def _now() -> datetime:
    return datetime.now(timezone.utc)


class TelegramCollector:
    platform = "telegram"

    def __init__(self, port: TelegramPort, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], datetime] = _now, edit_window_s: int = 48 * 3600, page_limit: int = 100,
                 max_pages: int = 20, max_watch: int = 500, retry: RetryPolicy = RetryPolicy()) -> None:
        self.port, self.sleep, self.clock = port, sleep, clock
        self.edit_window_s, self.page_limit, self.max_pages = edit_window_s, page_limit, max_pages
        self.max_watch, self.retry = max_watch, retry

    def _call(self, source: SourceConfig, fn, *args, classify=classify_telethon_error, **kwargs):
        """One port request through collectors.backoff; reasons name the source."""
        def named(exc: BaseException) -> Verdict | None:
            verdict = classify(exc)
            return verdict and replace(verdict, reason=f"{source.key}: {verdict.reason}")
        return call_with_retry(lambda: fn(*args, **kwargs), named, self.sleep, self.retry)

    def _pages(self, source: SourceConfig, fetch, after: int) -> tuple[tuple[TgMessage, ...], bool]:
        """Ascending messages with id > after, page by page; True when the last page was short (caught up)."""
        out: list[TgMessage] = []
        for _ in range(self.max_pages):
            page = sorted((m for m in self._call(source, fetch, after) if m.id > after), key=lambda m: m.id)
            out.extend(page)
            if len(page) < self.page_limit:
                return tuple(out), True
            after = page[-1].id
        return tuple(out), False

    def check(self, source: SourceConfig) -> str:
        """The chat's title if it can be read now; SourceUnavailable (Russian reason) if not."""
        chat = self._call(source, self.port.get_entity, source.id, classify=_classify_entity)
        self._call(source, self.port.iter_messages, chat, min_id=0, reverse=False, limit=1)
        return chat.title or chat.name

    def poll(self, source: SourceConfig, cursor: Cursor | None) -> Batch:
        cursor = cursor or Cursor(source=source.key)
        chat = self._call(source, self.port.get_entity, source.id, classify=_classify_entity)
        name = source.name or chat.title or None
        since = self.clock() - timedelta(seconds=self.edit_window_s)
        watch = dict(cursor.watch)
        edited = {int(i): int(s) for i, s in cursor.extra.get("edited", ())}
        new, caught_up = self._pages(source, lambda after: self.port.iter_messages(
            chat, min_id=after, reverse=True, limit=self.page_limit), cursor.last_id)
        posts = [p for p in (message_to_post(m, name) for m in new) if p is not None]
        current = {m.id: m for m in new if not m.service and m.date >= since}
        for m in current.values():
            watch.setdefault(m.id, 0)
            edited[m.id] = edit_stamp(m)
        edits = self._edits(source, chat, name, [i for i in sorted(watch) if i not in current], since, edited,
                            current)
        comments = self._comments(source, chat, watch, current, name) if chat.broadcast else []
        for stale in [i for i in watch if i not in current]:
            watch.pop(stale)
        kept = sorted(watch.items())[-self.max_watch:]
        last = new[-1] if new else None
        next_cursor = replace(
            cursor, last_id=max(cursor.last_id, last.id if last else 0),
            last_post_at=last.date if last else cursor.last_post_at, watch=tuple(kept),
            backfilled=cursor.backfilled or caught_up,
            extra={**cursor.extra, "edited": tuple((i, edited[i]) for i, _ in kept if edited.get(i))})
        log.info("telegram %s: %d new, %d comments, %d edits", source.key, len(posts), len(comments), len(edits))
        return Batch(source=source.key, posts=tuple(posts + comments + edits), cursor=next_cursor)

    def _edits(self, source, chat, name, ids, since, edited, current) -> list:
        """Re-read watched messages (100 ids a request); an edit newer than the emitted one is emitted again.
        Messages still recent go into `current`; deleted and aged-out ones are left out of it."""
        out = []
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            for message_id, m in zip(chunk, self._call(source, self.port.get_messages, chat, chunk), strict=True):
                if m is None:
                    continue
                if edit_stamp(m) > edited.get(message_id, 0):
                    edited[message_id] = edit_stamp(m)
                    post = message_to_post(m, name)
                    out.extend([post] if post else [])
                if m.date >= since:
                    current[message_id] = m
        return out

    def _comments(self, source, chat, watch, current, name) -> list:
        out = []
        for post_id, last in sorted(watch.items()):
            m = current.get(post_id)
            if m is None or m.replies_count <= 0 or (m.replies_max_id is not None and m.replies_max_id <= last):
                continue
            try:
                found, _ = self._pages(source, lambda after, post_id=post_id: self.port.iter_replies(
                    chat, post_id, min_id=after, limit=self.page_limit), last)
            except errors.MsgIdInvalidError:                    # the post lost its discussion group
                continue
            out.extend(p for p in (comment_to_post(c, chat.name, post_id, name) for c in found) if p)
            watch[post_id] = max([last] + [c.id for c in found])
        return out


# --- the recording fake ------------------------------------------------------------------------------------------
