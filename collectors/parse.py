"""Pure parsers: one input record -> Post, or InputError with a reason in Russian (it goes to dead_letters)."""
from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone, tzinfo

from core.records import Post, Reactions

MAX_TEXT_CHARS = 20_000
EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)   # no social network or appeal log holds an older post
AHEAD = timedelta(days=1)                               # a post dated later than this past the wall clock is wrong
MAX_COUNT = 2**32 - 1                                   # counters are UInt32 in the store


class InputError(ValueError):
    """A record we cannot use; str(e) is the reason staff and operators read."""


def parse_time(value, field: str, default_tz: tzinfo | None = None) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, ValueError, OSError):
            raise InputError(f"неверная дата в поле {field}: {value!r}") from None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"нет даты в поле {field}")
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"неверная дата в поле {field}: {value[:40]!r}") from None
    if at.tzinfo is None:
        if default_tz is None:
            raise InputError(f"дата без часового пояса в поле {field}: {value[:40]!r}")
        at = at.replace(tzinfo=default_tz)
    return at


def date_problem(at: datetime, now: datetime) -> str | None:
    """Why a post's date cannot be right (None when it can): before 1990, or more than a day past `now` (the wall
    clock). One row dated 2999 would otherwise hold every event-time clock downstream in the future."""
    if at < EARLIEST:
        return f"дата раньше {EARLIEST.year} года: {at.isoformat()}"
    if at > now + AHEAD:
        return f"дата в будущем (больше чем на сутки вперёд): {at.isoformat()}"
    return None


def check_date(at: datetime, now: datetime) -> datetime:
    """`at`, or InputError with date_problem's reason."""
    problem = date_problem(at, now)
    if problem:
        raise InputError(problem)
    return at


def _visible(ch: str) -> bool:
    """Not whitespace, a control (NUL) or a format character (zero-width space, BOM): a text of those only is empty."""
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")


def checked_text(text, max_chars: int = MAX_TEXT_CHARS) -> str:
    if not isinstance(text, str):
        raise InputError("поле text не строка")
    if not any(_visible(ch) for ch in text):
        raise InputError("пустой текст")
    if len(text) > max_chars:
        raise InputError(f"слишком длинный текст: {len(text)} символов (предел {max_chars})")
    return encodable(text, "text")


def storable(text: str) -> str:
    """Text as it can always be stored: a lone surrogate written out as \\udXXX (for dead letters and origins, where
    the record must be kept whatever it holds; `encodable` refuses it instead)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def encodable(value: str, field: str) -> str:
    """A lone surrogate ("\\ud800" in JSON) cannot be stored as UTF-8: the record, not the batch, fails."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"недопустимые символы в поле {field} (одиночный суррогат)") from None
    return value


def _count(value) -> int:
    """A counter as stored: NaN, junk, negatives -> 0; more than UInt32 holds -> its maximum."""
    try:
        return min(max(int(value or 0), 0), MAX_COUNT)
    except (TypeError, ValueError, OverflowError):
        return 0


def _opt_str(value, field: str = "") -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        raise InputError(f"поле {field} не строка и не число")
    return encodable(str(value), field)


def _id(value, field: str) -> str:
    """An id: a non-empty string or an integer; anything else (an object, a list, NaN, true) is not an id."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise InputError(f"неверное поле {field}: {str(value)[:40]!r}")
    return encodable(str(value), field)


def replay_record_to_post(record, max_chars: int = MAX_TEXT_CHARS) -> Post:
    """The replay JSONL contract: platform, source, id, published_at, text (+ optional fields)."""
    if not isinstance(record, dict):
        raise InputError("запись не является JSON-объектом")
    missing = [k for k in ("platform", "source", "id", "published_at", "text") if record.get(k) in (None, "")]
    if missing:
        raise InputError("нет обязательного поля: " + ", ".join(missing))
    return Post(uid=_id(record["id"], "id"), platform=_id(record["platform"], "platform"),
                source=_id(record["source"], "source"), published_at=parse_time(record["published_at"], "published_at"),
                text=checked_text(record["text"], max_chars),
                source_name=_opt_str(record.get("source_name"), "source_name"),
                author=_opt_str(record.get("author"), "author"), url=_opt_str(record.get("url"), "url"),
                parent_uid=_opt_str(record.get("parent_id"), "parent_id"),
                reactions=Reactions(_count(record.get("likes")), _count(record.get("reposts")),
                                    _count(record.get("comments")), _count(record.get("views"))))


def tg_text(value) -> str:
    """Telegram export text: a string, or a list of strings and {"type", "text"} entities."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in value
                       if isinstance(part, (str, dict)))
    raise InputError("поле text не строка и не список сущностей")


def tg_message_url(chat_key: str, message_id) -> str | None:
    """t.me/<username>/<id> for public chats; t.me/c/<id>/<msg> (members only) for numeric chat ids."""
    name = chat_key.removeprefix("tg:")
    digits = name.removeprefix("-100") if name.startswith("-100") else name.lstrip("-")
    if digits.isdigit():
        return f"https://t.me/c/{digits}/{message_id}"
    return f"https://t.me/{name}/{message_id}" if name else None


def tg_message_to_post(message, chat_key: str, chat_name: str | None, default_tz: tzinfo,
                       max_chars: int = MAX_TEXT_CHARS) -> Post:
    """One message of a Telegram Desktop export (result.json) of chat `chat_key`."""
    if not isinstance(message, dict) or "id" not in message:
        raise InputError("сообщение без id")
    message_id = _id(message["id"], "id")
    if message.get("type", "message") != "message":
        raise InputError(f"служебное сообщение ({message.get('type')})")
    if message.get("date_unixtime"):
        try:
            unixtime = int(message["date_unixtime"])
        except (TypeError, ValueError):
            raise InputError(f"неверная дата в поле date_unixtime: {message['date_unixtime']!r}") from None
        published_at = parse_time(unixtime, "date_unixtime")
    else:
        published_at = parse_time(message.get("date"), "date", default_tz)
    text = tg_text(message.get("text", ""))
    if not text.strip():
        raise InputError("сообщение без текста (медиа или пустое)")
    reply = message.get("reply_to_message_id")
    return Post(uid=f"{chat_key}_{message_id}", platform="telegram", source=chat_key,
                published_at=published_at, text=checked_text(text, max_chars), source_name=chat_name,
                author=tg_author(message), url=tg_message_url(chat_key, message_id),
                parent_uid=f"{chat_key}_{_id(reply, 'reply_to_message_id')}" if reply else None)


def tg_author(message: dict) -> str | None:
    """from_id as exported ("user42", "channel1858…"); a number is a user id; an object or a list is no author."""
    for key in ("from_id", "from"):
        value = message.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return encodable(str(value), key)
    return None


def csv_row_to_post(row: dict, source: str, text_col: str, time_col: str, id_col: str | None,
                    line_no: int, default_tz: tzinfo, max_chars: int = MAX_TEXT_CHARS) -> Post:
    """A row of a CSV of citizens' appeals; the id column, when absent, is the row number."""
    if text_col not in row or time_col not in row:
        raise InputError(f"нет колонки {text_col if text_col not in row else time_col}")
    key = row.get(id_col) if id_col else None
    uid = encodable(f"{source}_{key if key not in (None, '') else line_no}", id_col or "id")
    return Post(uid=uid, platform="file", source=source, published_at=parse_time(row[time_col], time_col, default_tz),
                text=checked_text(row[text_col] or "", max_chars), source_name=source.removeprefix("csv:"))
