"""File inputs for `dozor replay`: replay JSONL, Telegram Desktop exports (result.json), CSV of appeals.

Readers yield Post or DeadLetter, never raise for bad content: a missing file, a bad line, bad encoding
each become a DeadLetter with the reason, and the reading goes on.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from collectors.parse import MAX_TEXT_CHARS, InputError, csv_row_to_post, replay_record_to_post, tg_message_to_post
from core.records import DeadLetter, Post

Item = Post | DeadLetter


@dataclass(frozen=True)
class FileOptions:
    text_col: str = "text"
    time_col: str = "published_at"
    id_col: str | None = None
    timezone: tzinfo = ZoneInfo("Europe/Moscow")   # for naive times in CSV and Telegram exports
    max_chars: int = MAX_TEXT_CHARS


def _dead(origin: str, raw, reason: str) -> DeadLetter:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    elif not isinstance(raw, str):
        raw = json.dumps(raw, ensure_ascii=False, default=str)
    return DeadLetter(origin=origin, raw=raw, reason=reason, received_at=datetime.now(timezone.utc))


def read_replay_jsonl(path: Path, opts: FileOptions) -> Iterator[Item]:
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            origin = f"{path.name}:{n}"
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as e:
                yield _dead(origin, raw, f"неверная кодировка (не UTF-8): байт {e.start}")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                yield _dead(origin, line, f"некорректный JSON: {e.msg}, позиция {e.pos}")
                continue
            try:
                yield replay_record_to_post(record, opts.max_chars)
            except InputError as e:
                yield _dead(origin, line, str(e))


def read_telegram_export(path: Path, opts: FileOptions) -> Iterator[Item]:
    """result.json of one chat or channel ({"name", "id", "messages": [...]}) or a bare list of messages."""
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        yield _dead(path.name, path.read_bytes()[:65536], f"файл не читается как JSON экспорта Telegram: {e}")
        return
    if isinstance(doc, dict) and isinstance(doc.get("messages"), list):
        messages, chat_id, name = doc["messages"], doc.get("id"), doc.get("name")
    elif isinstance(doc, list):
        messages, chat_id, name = doc, None, None
    else:
        yield _dead(path.name, path.read_bytes()[:65536], "в файле нет списка messages (это не экспорт Telegram)")
        return
    if chat_id is None:   # a bare list of messages: a channel names itself in from_id, a chat does not
        authors = {m.get("from_id") for m in messages if isinstance(m, dict)}
        channel = next(iter(authors)) if len(authors) == 1 else None
        chat_id = channel.removeprefix("channel") if channel and channel.startswith("channel") else path.stem
    chat_key = f"tg:{chat_id}"
    for i, message in enumerate(messages):
        try:
            yield tg_message_to_post(message, chat_key, name, opts.timezone, opts.max_chars)
        except InputError as e:
            yield _dead(f"{path.name}#{i}", message, str(e))


def read_csv(path: Path, opts: FileOptions) -> Iterator[Item]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        yield _dead(path.name, path.read_bytes()[:65536], f"CSV не в кодировке UTF-8: байт {e.start}")
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or opts.text_col not in reader.fieldnames or opts.time_col not in reader.fieldnames:
        yield _dead(path.name, text[:4096], f"в CSV нет колонок {opts.text_col!r} и {opts.time_col!r} "
                                            f"(есть: {', '.join(reader.fieldnames or [])})")
        return
    source = f"csv:{path.stem}"
    for row in reader:
        n = reader.line_num
        try:
            yield csv_row_to_post(row, source, opts.text_col, opts.time_col, opts.id_col, n, opts.timezone,
                                  opts.max_chars)
        except InputError as e:
            yield _dead(f"{path.name}:{n}", row, str(e))


def read_file(path: Path, opts: FileOptions = FileOptions()) -> Iterator[Item]:
    path = Path(path)
    if not path.is_file():
        yield _dead(str(path), "", "файл не найден" if not path.exists() else "это не файл")
        return
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from read_csv(path, opts)
    elif suffix == ".json":
        yield from read_telegram_export(path, opts)
    else:
        yield from read_replay_jsonl(path, opts)


def read_files(paths: list[Path], opts: FileOptions = FileOptions()) -> Iterator[Item]:
    for path in paths:
        yield from read_file(Path(path), opts)
