"""What the file readers share: their options, and judging one record on its own (a Post or one DeadLetter)."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from collectors.parse import MAX_TEXT_CHARS, InputError, check_date, storable
from core.records import DeadLetter, Post

Item = Post | DeadLetter


@dataclass(frozen=True)
class FileOptions:
    text_col: str = "text"
    time_col: str = "published_at"
    id_col: str | None = None
    timezone: tzinfo = ZoneInfo("Europe/Moscow")   # for naive times in CSV and Telegram exports
    max_chars: int = MAX_TEXT_CHARS
    now: datetime | None = None                    # the wall clock dates are checked against (None: the real one)

    def checked(self, post: Post) -> Post:
        """The post, or InputError when its date is outside 1990 … a day past the wall clock."""
        check_date(post.published_at, self.now or datetime.now(timezone.utc))
        return post


def shown(name: str) -> str:
    """A file name as it can be stored: the bytes of a name that is not UTF-8 (cp1251 from an unzipped Windows
    archive reaches Python as lone surrogates) are shown escaped, "\\xee\\xe1.jsonl", so the file's records are
    stored and dead-lettered as any other file's."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:                                     # a surrogate no byte stands behind
        return storable(name)


def dead(origin: str, raw, reason: str) -> DeadLetter:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    elif not isinstance(raw, str):
        try:
            raw = json.dumps(raw, ensure_ascii=False, default=str)
        except (ValueError, RecursionError):
            raw = repr(raw)[:65536]
    raw = raw.encode("utf-8", "replace").decode("utf-8")          # lone surrogates cannot be stored
    return DeadLetter(origin=storable(origin), raw=raw, reason=reason, received_at=datetime.now(timezone.utc))


def judged(origin: str, raw, make: Callable[[], Post], opts: FileOptions) -> Item:
    """One record on its own: the post `make` builds (its date checked), or one dead letter with the reason.
    Anything a record can make a parser raise (a RecursionError, a TypeError on a shape nobody expected) is that
    record's fault, not the run's."""
    try:
        return opts.checked(make())
    except InputError as e:
        return dead(origin, raw, str(e))
    except RecursionError:
        return dead(origin, raw, "запись вложена слишком глубоко")
    except Exception as e:                                         # noqa: BLE001 - a record never stops the run
        return dead(origin, raw, f"запись не разобрана: {type(e).__name__}")
