"""Records about sources every package shares: a source's configuration, its cursor, a collected batch, and the
poll log's records (one poll; the per-source figures completeness is judged on). Imports nothing of ours but
core.records.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.records import DeadLetter, Post

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
    dead_letters: tuple[DeadLetter, ...] = ()    # this poll's items the collector could not use, with the reason


@dataclass(frozen=True, slots=True)
class PollRecord:
    source: str
    polled_at: datetime
    ok: bool
    posts: int = 0
    new_posts: int = 0
    error: str = ""
    action: str = ""
    last_post_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SourceStats:
    """What completeness is judged on, per source."""

    source: str
    last_success_at: datetime | None
    last_post_at: datetime | None
    posts_in_window: int            # posts published within the rate window (stored, any dataset)
    window_hours: float             # the part of the rate window the source has been watched
    longest_gap_s: float            # the longest pause between two posts within the rate window
    failures_in_row: int
    errors_total: int
    last_error: str
