"""Pure: a Telegram message in our own shape (TgMessage) -> Post. No telethon here.

    channel post   uid "tg:demyansk_news_120", source "tg:demyansk_news", url "https://t.me/demyansk_news/120"
    chat reply     parent_uid "tg:demyansk_chat_<replied id>"
    comment        uid "tg:<discussion group>_<id>", source and parent: the channel and its post,
                   url "https://t.me/<channel>/<post id>?comment=<id>"
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from collectors.parse import tg_message_url
from core.records import Post, Reactions


@dataclass(frozen=True, slots=True)
class TgChat:
    """A resolved channel or chat. `name` is how we key it: the username as configured, or the marked id."""

    id: int                        # marked id: -100… for channels and supergroups
    name: str
    title: str = ""
    broadcast: bool = False        # a channel (posts), not a group (messages)


@dataclass(frozen=True, slots=True)
class TgMessage:
    id: int
    chat: str                      # the chat's name as we key it (TgChat.name; for comments the discussion group)
    date: datetime                 # aware, UTC
    text: str = ""
    sender_id: int | None = None   # marked id of the sender; a channel post's sender is the channel
    reply_to_id: int | None = None
    edit_date: datetime | None = None
    views: int = 0
    forwards: int = 0
    replies_count: int = 0         # comments under a channel post, or replies in a thread
    replies_max_id: int | None = None   # the newest comment's id in the discussion group, when Telegram says
    reactions: int = 0             # all reactions summed
    service: bool = False          # "joined the group", "pinned a message", …


def tg_uid(chat: str, message_id: int) -> str:
    return f"tg:{chat}_{message_id}"


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def _reactions(message: TgMessage) -> Reactions:
    return Reactions(likes=max(message.reactions, 0), reposts=max(message.forwards, 0),
                     comments=max(message.replies_count, 0), views=max(message.views, 0))


def _usable(message: TgMessage) -> bool:
    return not message.service and bool(message.text.strip())


def message_to_post(message: TgMessage, source_name: str | None = None) -> Post | None:
    """A message of a channel or chat -> Post; a service message or one without text (bare media) -> None."""
    if not _usable(message):
        return None
    key = f"tg:{message.chat}"
    return Post(uid=tg_uid(message.chat, message.id), platform="telegram", source=key,
                published_at=_utc(message.date), text=message.text, source_name=source_name,
                author=None if message.sender_id is None else f"tg:{message.sender_id}",
                url=tg_message_url(key, message.id),
                parent_uid=None if message.reply_to_id is None else tg_uid(message.chat, message.reply_to_id),
                reactions=_reactions(message))


def comment_to_post(message: TgMessage, channel: str, post_id: int, source_name: str | None = None) -> Post | None:
    """A comment in the channel's discussion group -> Post answering the channel post (whatever it replies to
    inside the group: the group's copy of the post, or another comment)."""
    if not _usable(message):
        return None
    post_url = tg_message_url(f"tg:{channel}", post_id)
    return Post(uid=tg_uid(message.chat, message.id), platform="telegram", source=f"tg:{channel}",
                published_at=_utc(message.date), text=message.text, source_name=source_name,
                author=None if message.sender_id is None else f"tg:{message.sender_id}",
                url=f"{post_url}?comment={message.id}" if post_url else None,
                parent_uid=tg_uid(channel, post_id), reactions=_reactions(message))


def edit_stamp(message: TgMessage) -> int:
    """The edit as a number to keep in a cursor: epoch seconds of edit_date, 0 for a never-edited message."""
    return 0 if message.edit_date is None else int(_utc(message.edit_date).timestamp())
