"""What every live collector shares: the collector and cursor-store protocols (the records are core.sources).

A collector's poll(source, cursor) returns the new posts and the cursor to save *after* they have been handed
to the stream; the runner saves it only then, so a crash re-reads rather than skips (posts are deduplicated by
uid downstream).
"""
from __future__ import annotations

from typing import Protocol

from core.sources import Batch, Cursor, SourceConfig

__all__ = ["Collector", "CursorStore", "MemoryCursorStore"]


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
