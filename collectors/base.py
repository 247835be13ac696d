"""What every live collector shares: a source from configuration, a cursor, and a batch to hand on.

A collector's poll(source, cursor) returns the new posts and the cursor to save *after* they have been handed
to the stream; the runner saves it only then, so a crash re-reads rather than skips (posts are deduplicated by
uid downstream).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from pipeline.records import Post

SOURCE_KINDS = ("public", "chat", "channel", "official")


@dataclass(frozen=True, slots=True)
class SourceConfig:
    platform: str                  # "vk" | "telegram"
    id: str                        # numeric id or screen name / username
    name: str = ""
    kind: str = "public"           # public | chat | channel | official (official pages post answers)
    settlement: str | None = None  # a hint for posts that name no place
    poll_s: int = 300

    @property
    def key(self) -> str:
        """The source key posts carry: "vk:-123", "vk:demyansk", "tg:demyansk_chat"."""
        return f"{'tg' if self.platform == 'telegram' else self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class Cursor:
    source: str                                  # SourceConfig.key
    last_id: int = 0                             # the highest post / message id handed on
    last_post_at: datetime | None = None
    watch: tuple[tuple[int, int], ...] = ()      # (post id, last comment id) of recent posts re-polled for comments
    backfilled: bool = False
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Batch:
    source: str
    posts: tuple[Post, ...]
    cursor: Cursor                               # save this once the posts are handed on


class CursorStore(Protocol):
    def get(self, source: str) -> Cursor | None: ...
    def put(self, cursor: Cursor) -> None: ...


class MemoryCursorStore:
    """Cursors in a dict: tests, and single runs that need no persistence."""

    def __init__(self) -> None:
        self.cursors: dict[str, Cursor] = {}

    def get(self, source: str) -> Cursor | None:
        return self.cursors.get(source)

    def put(self, cursor: Cursor) -> None:
        self.cursors[cursor.source] = cursor


class Collector(Protocol):
    platform: str

    def poll(self, source: SourceConfig, cursor: Cursor | None) -> Batch: ...
