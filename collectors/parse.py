"""Pure parsers: one input record -> Post, or InputError with a reason in Russian (it goes to dead_letters)."""
from __future__ import annotations

from datetime import datetime, timezone, tzinfo

from core.records import Post, Reactions

MAX_TEXT_CHARS = 20_000


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


def checked_text(text, max_chars: int = MAX_TEXT_CHARS) -> str:
    if not isinstance(text, str):
        raise InputError("поле text не строка")
    if not text.strip():
        raise InputError("пустой текст")
    if len(text) > max_chars:
        raise InputError(f"слишком длинный текст: {len(text)} символов (предел {max_chars})")
    return text


def _count(value) -> int:
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError, OverflowError):
        return 0


def _opt_str(value) -> str | None:
    return None if value is None or value == "" else str(value)


def replay_record_to_post(record, max_chars: int = MAX_TEXT_CHARS) -> Post:
    """The replay JSONL contract: platform, source, id, published_at, text (+ optional fields)."""
    if not isinstance(record, dict):
        raise InputError("запись не является JSON-объектом")
    missing = [k for k in ("platform", "source", "id", "published_at", "text") if record.get(k) in (None, "")]
    if missing:
        raise InputError("нет обязательного поля: " + ", ".join(missing))
    return Post(uid=str(record["id"]), platform=str(record["platform"]), source=str(record["source"]),
                published_at=parse_time(record["published_at"], "published_at"),
                text=checked_text(record["text"], max_chars), source_name=_opt_str(record.get("source_name")),
                author=_opt_str(record.get("author")), url=_opt_str(record.get("url")),
                parent_uid=_opt_str(record.get("parent_id")),
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
    return Post(uid=f"{chat_key}_{message['id']}", platform="telegram", source=chat_key,
                published_at=published_at, text=checked_text(text, max_chars), source_name=chat_name,
                author=_opt_str(message.get("from_id") or message.get("from")),
                url=tg_message_url(chat_key, message["id"]),
                parent_uid=f"{chat_key}_{reply}" if reply else None)


def csv_row_to_post(row: dict, source: str, text_col: str, time_col: str, id_col: str | None,
                    line_no: int, default_tz: tzinfo, max_chars: int = MAX_TEXT_CHARS) -> Post:
    """A row of a CSV of citizens' appeals; the id column, when absent, is the row number."""
    if text_col not in row or time_col not in row:
        raise InputError(f"нет колонки {text_col if text_col not in row else time_col}")
    key = row.get(id_col) if id_col else None
    uid = f"{source}_{key if key not in (None, '') else line_no}"
    return Post(uid=uid, platform="file", source=source, published_at=parse_time(row[time_col], time_col, default_tz),
                text=checked_text(row[text_col] or "", max_chars), source_name=source.removeprefix("csv:"))
