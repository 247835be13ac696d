"""File inputs for `dozor replay`: replay JSONL, Telegram Desktop exports (result.json), CSV of appeals.

Readers yield Post or DeadLetter and never raise for bad content: every record is judged on its own. A missing
file, a bad line, a line in another encoding, a date outside 1990 … tomorrow, a JSON nested too deep, a CSV cell
over the csv module's limit or a stray quote each cost only their own record (one DeadLetter with the reason in
Russian), and the reading goes on. A truncated Telegram export keeps the messages before the cut (csv_read.py and
tg_export.py read the two harder formats).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from collectors.csv_read import read_csv
from collectors.file_items import FileOptions, Item, dead, judged, shown
from collectors.parse import replay_record_to_post
from collectors.tg_export import read_telegram_export

__all__ = ["FileOptions", "Item", "read_file", "read_files", "read_csv", "read_replay_jsonl", "read_telegram_export"]


def read_replay_jsonl(path: Path, opts: FileOptions) -> Iterator[Item]:
    name = shown(path.name)
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            origin = f"{name}:{n}"
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as e:
                yield dead(origin, raw, f"неверная кодировка (не UTF-8): байт {e.start}")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                yield dead(origin, line, f"некорректный JSON: {e.msg}, позиция {e.pos}")
                continue
            except RecursionError:
                yield dead(origin, line[:65536], "JSON вложен слишком глубоко")
                continue
            yield judged(origin, line, lambda record=record: replay_record_to_post(record, opts.max_chars), opts)


DEFAULTS = FileOptions()


def read_file(path: Path, opts: FileOptions = DEFAULTS) -> Iterator[Item]:
    path = Path(path)
    if not path.is_file():
        yield dead(shown(str(path)), "", "файл не найден" if not path.exists() else "это не файл")
        return
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from read_csv(path, opts)
    elif suffix == ".json":
        yield from read_telegram_export(path, opts)
    else:
        yield from read_replay_jsonl(path, opts)


def read_files(paths: list[Path], opts: FileOptions = DEFAULTS) -> Iterator[Item]:
    for path in paths:
        yield from read_file(Path(path), opts)
