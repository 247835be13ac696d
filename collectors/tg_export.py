"""Telegram Desktop exports (result.json of one chat or channel, or a bare list of messages), message by message.

    read_telegram_export(Path("result.json"), FileOptions())     # -> Post | DeadLetter, one per message

A whole export parses at once. One that does not (cut off by a full disk or a killed copy, or a message nested too
deep) is read message by message from the start of its `messages` list: the messages before the damage are kept,
and the rest of the file is one dead letter saying where the damage starts.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from collectors.file_items import FileOptions, Item, dead, judged, shown
from collectors.parse import encodable, tg_message_to_post

_DECODER = json.JSONDecoder()
_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_HEAD = re.compile(r'"(name|id)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)')


def _salvage(text: str) -> tuple[dict | list | None, str | None]:
    """(the export's readable part, where the damage starts) for a file json.loads refused."""
    found = _MESSAGES.search(text)
    if found is None:
        stripped = text.lstrip()
        if not stripped.startswith("["):
            return None, None
        pos, head = len(text) - len(stripped) + 1, {}
    else:
        pos, head = found.end(), {k: json.loads(v) for k, v in _HEAD.findall(text[:found.start()])}
    messages = []
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            return (dict(head, messages=messages) if found else messages), "конец файла"
        if text[pos] == "]":
            return (dict(head, messages=messages) if found else messages), None
        try:
            message, pos = _DECODER.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError):
            return (dict(head, messages=messages) if found else messages), f"символ {pos}"
        messages.append(message)


def _chat_id(messages: list, fallback: str):
    """A bare list names its channel in from_id ("channel1858…") when one author wrote every message."""
    authors = {m.get("from_id") for m in messages if isinstance(m, dict) and isinstance(m.get("from_id"), str)}
    channel = next(iter(authors)) if len(authors) == 1 else None
    return channel.removeprefix("channel") if channel and channel.startswith("channel") else fallback


def _post(message, chat_key: str, name: str | None, opts: FileOptions):
    """The message's post. A chat id holding a lone surrogate costs each message, not the replay; a chat name is only
    its title, so its unstorable characters are shown escaped and the messages are kept."""
    return tg_message_to_post(message, encodable(chat_key, "id"), name and shown(name), opts.timezone, opts.max_chars)


def read_telegram_export(path: Path, opts: FileOptions) -> Iterator[Item]:
    data, file = path.read_bytes(), shown(path.name)
    text = data.decode("utf-8-sig", "replace")
    damage, mixed = None, False
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        mixed = isinstance(e, UnicodeDecodeError)
        doc, damage = _salvage(text)
        if doc is None or (damage and not (doc.get("messages") if isinstance(doc, dict) else doc)):
            yield dead(file, data[:65536], f"файл не читается как JSON экспорта Telegram: {e}")
            return
    if isinstance(doc, dict) and isinstance(doc.get("messages"), list):
        messages, chat_id, name = doc["messages"], doc.get("id"), doc.get("name")
    elif isinstance(doc, list):
        messages, chat_id, name = doc, None, None
    else:
        yield dead(file, data[:65536], "в файле нет списка messages (это не экспорт Telegram)")
        return
    if not isinstance(chat_id, (str, int)) or isinstance(chat_id, bool):
        chat_id = _chat_id(messages, shown(path.stem))
    chat_key, name = f"tg:{chat_id}", name if isinstance(name, str) else None
    for i, message in enumerate(messages):
        if mixed and "\ufffd" in json.dumps(message, ensure_ascii=False, default=str):
            yield dead(f"{file}#{i}", message, "сообщение не в кодировке UTF-8")
            continue
        yield judged(f"{file}#{i}", message, lambda message=message: _post(message, chat_key, name, opts), opts)
    if damage:
        yield dead(f"{file}#{len(messages)}", text[-65536:],
                   f"экспорт Telegram обрывается или повреждён ({damage}): сообщения после этого места не прочитаны")
