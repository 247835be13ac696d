"""A recording in-memory TelegramPort for tests: chats, messages, discussion comments, edits, scheduled FloodWait."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from telethon import errors

from collectors.telegram_parse import TgChat, TgMessage


class RecordingTelegramFake:
    """TelegramPort in memory: chats, channels with discussion groups, edits, scheduled flood waits.
    Every call is recorded in `calls` as (method, arguments), including calls that raised."""

    def __init__(self) -> None:
        self.chats: dict[str, TgChat] = {}
        self.messages: dict[str, dict[int, TgMessage]] = {}
        self.comments: dict[tuple[str, int], dict[int, TgMessage]] = {}
        self.discussion: dict[str, str] = {}                    # channel name -> discussion group name
        self.private: set[str] = set()
        self.floods: list[list] = []                            # [method or None, seconds, calls to let pass]
        self.calls: list[tuple[str, dict]] = []

    def add_chat(self, name: str, chat_id: int, broadcast: bool = False, discussion: str | None = None,
                 private: bool = False, title: str = "") -> TgChat:
        self.chats[name] = TgChat(id=chat_id, name=name, title=title, broadcast=broadcast)
        self.messages[name] = {}
        if discussion:
            self.discussion[name] = discussion
        if private:
            self.private.add(name)
        return self.chats[name]

    def add_message(self, chat: str, message_id: int, text: str, at: datetime, **fields) -> TgMessage:
        self.messages[chat][message_id] = TgMessage(id=message_id, chat=chat, date=at, text=text, **fields)
        return self.messages[chat][message_id]

    def add_comment(self, channel: str, post_id: int, comment_id: int, text: str, at: datetime, **fields):
        comment = TgMessage(id=comment_id, chat=self.discussion[channel], date=at, text=text, **fields)
        self.comments.setdefault((channel, post_id), {})[comment_id] = comment
        return comment

    def edit(self, chat: str, message_id: int, text: str, at: datetime) -> None:
        self.messages[chat][message_id] = replace(self.messages[chat][message_id], text=text, edit_date=at)

    def flood(self, seconds: int, on: str | None = None, after: int = 0) -> None:
        """Raise FloodWaitError(seconds) on a coming call (of method `on`), once `after` such calls have passed."""
        self.floods.append([on, seconds, after])

    def _record(self, method: str, **arguments) -> None:
        self.calls.append((method, arguments))
        due = next((f for f in self.floods if f[0] in (None, method)), None)
        if due is not None and due[2] > 0:
            due[2] -= 1
        elif due is not None:                                   # as telethon's rpc_message_to_error builds it
            self.floods.remove(due)
            raise errors.FloodWaitError(request=None, capture=due[1])

    def _read(self, chat: str, message: TgMessage) -> TgMessage:
        under = self.comments.get((chat, message.id))
        return replace(message, replies_count=len(under), replies_max_id=max(under)) if under else message

    def get_entity(self, name: str) -> TgChat:
        self._record("get_entity", name=name)
        if name in self.private:
            raise errors.ChannelPrivateError(request=None)
        if name not in self.chats:
            raise errors.UsernameNotOccupiedError(request=None)
        return self.chats[name]

    def iter_messages(self, chat: TgChat, min_id: int, reverse: bool = True, limit: int = 100):
        self._record("iter_messages", chat=chat.name, min_id=min_id, reverse=reverse, limit=limit)
        ids = sorted((i for i in self.messages[chat.name] if i > min_id), reverse=not reverse)[:limit]
        return tuple(self._read(chat.name, self.messages[chat.name][i]) for i in ids)

    def iter_replies(self, chat: TgChat, post_id: int, min_id: int, limit: int = 100):
        self._record("iter_replies", chat=chat.name, post_id=post_id, min_id=min_id, limit=limit)
        under = self.comments.get((chat.name, post_id), {})
        return tuple(under[i] for i in sorted(i for i in under if i > min_id)[:limit])

    def get_messages(self, chat: TgChat, ids: Sequence[int]):
        self._record("get_messages", chat=chat.name, ids=tuple(ids))
        found = self.messages[chat.name]
        return tuple(self._read(chat.name, found[i]) if i in found else None for i in ids)
