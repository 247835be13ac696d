"""CSV of citizens' appeals, judged row by row: a broken row costs only itself.

    read_csv(Path("appeals.csv"), FileOptions(text_col="Текст", time_col="Дата"))   # -> Post | DeadLetter, …

The file is split into physical lines first, each decoded alone (an invalid UTF-8 byte costs its line; a BOM and
CRLF are fine). The csv module then reads records from those lines, and a record that spans several lines is
checked: when it fails to parse (a cell over the csv module's limit), has the wrong number of cells, holds a cell
longer than a text may be, or swallowed lines that are rows of their own (a stray quote opened a cell that ran on
into them), its first line — where the cell opened — is judged alone, strictly (a stray quote: one dead letter),
and the lines after it are read again as records of their own, so its neighbours stay posts. A record's origin
is "file.csv:N", N the record's last physical line.
"""
from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from collectors.file_items import FileOptions, Item, dead, judged, shown
from collectors.parse import InputError, csv_row_to_post, parse_time

Line = tuple[int, str]                  # (physical line number, decoded text with its line end)


def physical_lines(data: bytes, origin: str) -> Iterator[Line | Item]:
    """(n, text) per line of the file, or a DeadLetter for a line that is not UTF-8."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    for n, raw in enumerate(data.splitlines(keepends=True), 1):
        try:
            yield n, raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield dead(f"{origin}:{n}", raw, f"строка CSV не в кодировке UTF-8: байт {e.start}")


class _Taken:
    """The line iterator the csv reader pulls from; remembers which lines the current record took, and takes
    lines back to be read again."""

    def __init__(self, lines: Iterator[Line]):
        self.lines, self.taken, self.back = lines, [], deque()

    def __iter__(self):
        return self

    def __next__(self) -> str:
        n, text = self.back.popleft() if self.back else next(self.lines)
        self.taken.append((n, text))
        return text

    def pop(self) -> list[Line]:
        taken, self.taken = self.taken, []
        return taken

    def again(self, lines: list[Line]) -> None:
        self.back.extendleft(reversed(lines))


class _Rows:
    def __init__(self, path: Path, opts: FileOptions, header: list[str]):
        self.name, self.opts, self.header = shown(path.name), opts, header
        self.source = f"csv:{shown(path.stem)}"

    def item(self, fields: list[str], n: int) -> Item:
        row = dict(zip(self.header, fields + [""] * (len(self.header) - len(fields)), strict=False))
        o = self.opts
        return judged(f"{self.name}:{n}", row, lambda: csv_row_to_post(
            row, self.source, o.text_col, o.time_col, o.id_col, n, o.timezone, o.max_chars), o)

    def is_row(self, text: str) -> bool:
        """A line that reads alone (leniently) as a whole row with a date where the date goes."""
        try:
            fields = next(csv.reader([text]), [])
            parse_time(dict(zip(self.header, fields, strict=False)).get(self.opts.time_col), "", self.opts.timezone)
        except (csv.Error, InputError):
            return False
        return len(fields) >= len(self.header)

    def suspect(self, fields: list[str], span: list[Line]) -> bool:
        return len(span) > 1 and (len(fields) != len(self.header)
                                  or any(len(f) > self.opts.max_chars for f in fields)
                                  or any(self.is_row(text) for _, text in span[1:]))

    def first_alone(self, span: list[Line], why: str) -> Item | None:
        """The record's first line read alone, strictly: where a stray quote or an oversized cell starts."""
        n, text = span[0]
        if not text.strip():
            return None
        try:
            fields = next(csv.reader([text], strict=True), [])
        except csv.Error as e:
            return dead(f"{self.name}:{n}", text, f"строка CSV не разбирается ({why}): {e}")
        return self.item(fields, n)


def read_csv(path: Path, opts: FileOptions) -> Iterator[Item]:
    lines: list[Line] = []
    name = shown(path.name)
    for x in physical_lines(path.read_bytes(), name):
        if isinstance(x, tuple):
            lines.append(x)
        else:
            yield x
    if not lines or lines[0][0] != 1:
        if lines:                        # the header line was not UTF-8: no line can be read without it
            yield from (dead(f"{name}:{n}", text, "строку нельзя прочитать: заголовок CSV не в UTF-8")
                        for n, text in lines if text.strip())
        return
    try:
        header = next(csv.reader([lines[0][1]]))
    except (csv.Error, StopIteration):
        header = []
    if opts.text_col not in header or opts.time_col not in header:
        yield dead(name, "".join(t for _, t in lines)[:4096],
                   f"в CSV нет колонок {opts.text_col!r} и {opts.time_col!r} (есть: {', '.join(header)})")
        return
    rows, taken = _Rows(path, opts, header), _Taken(iter(lines[1:]))
    reader = csv.reader(taken)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            span = taken.pop()
            bad = rows.first_alone(span, str(e))
            if bad is not None:
                yield bad
            taken.again(span[1:])                # the lines it swallowed are read again as records of their own
            continue
        span = taken.pop()
        if not fields or not any(f.strip() for f in fields):
            continue
        if rows.suspect(fields, span):
            bad = rows.first_alone(span, f"запись на {len(span)} строк")
            if bad is not None:
                yield bad
            taken.again(span[1:])
        else:
            yield rows.item(fields, span[-1][0])
