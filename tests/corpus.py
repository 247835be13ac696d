"""A bad-input corpus for `dozor replay` (issue 16): valid posts mixed with records of 30 kinds of damage across
replay JSONL, CSV of appeals and Telegram Desktop exports, with the truth about each.

    truth = write_corpus(tmp_path / "in", records=10_000, now=datetime.now(timezone.utc))
    truth.files        # the paths to replay
    truth.valid        # uids every one of which must be stored exactly once
    truth.dead         # how many dead letters the bad records must make (one each)
    truth.kinds        # kind -> how many records of it were written

Deterministic for a seed. Bad kinds: malformed or truncated JSON lines, invalid UTF-8, cp1251 lines (mixed
encodings), JSON nested 100,000 deep, years 1 / 9999 / 1980, dates days ahead, dates without a zone, NaN dates,
nulls where strings belong, object and NaN ids, arrays instead of objects, lone surrogates, texts over the limit,
CSV rows with an invalid byte, an oversized cell, a stray quote, a bad or future date, no text; Telegram service
messages, media without text, object ids, bad unixtimes, a truncated export. Valid shapes that used to break
things ride along: BOMs, CRLF, counters of 10^30 and NaN, null optional fields, numeric ids, numeric and object
from_id, quoted multi-line CSV cells, a post repeated in another file.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

PLACES = ("Лычково", "Демянск", "Ильина Гора", "Песочки", "Кирилловщина")
PROBLEMS = ("нет воды", "не вывозят мусор", "яма на дороге", "нет света", "не ходит автобус", "холодно в квартире")


@dataclass
class Truth:
    files: list[Path] = field(default_factory=list)
    valid: set[str] = field(default_factory=set)
    dead: int = 0
    records: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def bad(self, kind: str, n: int = 1) -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + n
        self.dead += n
        self.records += n

    def good(self, uid: str, kind: str = "valid") -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.valid.add(uid)
        self.records += 1


class _Gen:
    def __init__(self, now: datetime, seed: int):
        self.rnd = random.Random(seed)
        self.now = now

    def when(self) -> datetime:
        return self.now - timedelta(days=self.rnd.uniform(1, 20))

    def text(self, i: int) -> str:
        return f"{self.rnd.choice(PLACES)}: {self.rnd.choice(PROBLEMS)}, обращение {i}"


def _jsonl(g: _Gen, t: Truth, path: Path, n: int, start: int) -> None:
    lines: list[bytes] = []

    def rec(uid, **kw):
        r = {"platform": "vk", "source": "vk:-7", "id": uid, "published_at": g.when().isoformat(),
             "text": g.text(len(lines)), **kw}
        return json.dumps(r, ensure_ascii=False).encode()

    bad = [
        ("json: malformed", lambda u: rec(u)[:-7]),
        ("json: invalid utf-8", lambda u: rec(u).replace("обращение".encode(), b"\xff\xfe\xfd")),
        ("json: cp1251 line", lambda u: rec(u).decode().encode("cp1251")),
        ("json: nested 100k", lambda u: b"[" * 100_000),
        ("json: year 9999", lambda u: rec(u, published_at="9999-12-31T23:59:59+00:00")),
        ("json: year 1", lambda u: rec(u, published_at="0001-01-01T00:00:00+03:00")),
        ("json: 1980", lambda u: rec(u, published_at="1980-06-01T12:00:00+03:00")),
        ("json: days ahead", lambda u: rec(u, published_at=(g.now + timedelta(days=3)).isoformat())),
        ("json: no zone", lambda u: rec(u, published_at="2026-03-01T10:00:00")),
        ("json: NaN date", lambda u: rec(u).replace(b'"published_at": "', b'"published_at": NaN, "x": "')),
        ("json: null text", lambda u: rec(u, text=None)),
        ("json: blank text", lambda u: rec(u, text="  \t ")),
        ("json: object id", lambda u: rec({"id": u})),
        ("json: NaN id", lambda u: rec(u).replace(f'"id": "{u}"'.encode(), b'"id": NaN')),
        ("json: array", lambda u: b"[1, 2, 3]"),
        ("json: lone surrogate", lambda u: rec(u).replace("обращение".encode(), b"\\ud800")),
        ("json: text over the limit", lambda u: rec(u, text="ж" * 25_000)),
        ("json: null platform", lambda u: rec(u, platform=None)),
    ]
    for i in range(start, start + n):
        uid = f"vk:-7_{i}"
        roll = g.rnd.random()
        if roll < 0.5:
            kind, make = g.rnd.choice(bad)
            lines.append(make(uid))
            t.bad(kind)
        elif roll < 0.6:
            lines.append(rec(uid, likes=10**30, views=float("nan"), reposts=None, author=None, url=None))
            t.good(uid, "json: huge and NaN counters, nulls")
        elif roll < 0.65:
            lines.append(rec(i))
            t.good(str(i), "json: numeric id")
        else:
            lines.append(rec(uid))
            t.good(uid)
    sep = b"\r\n" if start % 2 else b"\n"
    path.write_bytes((b"\xef\xbb\xbf" if start % 3 == 0 else b"") + sep.join(lines) + sep)
    t.files.append(path)


def _csv(g: _Gen, t: Truth, path: Path, n: int, start: int) -> None:
    rows = [b"id,published_at,text"]
    for i in range(start, start + n):
        key, at = f"c{i}", g.when().strftime("%Y-%m-%d %H:%M")
        roll = g.rnd.random()
        if roll < 0.08:
            rows.append(f'{key},{at},"Яма с кавычкой {i}'.encode())
            t.bad("csv: stray quote")
        elif roll < 0.11:
            rows.append(f"{key},{at},".encode() + "ж".encode() * 140_000)
            t.bad("csv: oversized cell")
        elif roll < 0.17:
            rows.append(f"{key},вчера,Нет света {i}".encode())
            t.bad("csv: bad date")
        elif roll < 0.22:
            rows.append(f"{key},{(g.now + timedelta(days=5)).strftime('%Y-%m-%d %H:%M')},Нет света {i}".encode())
            t.bad("csv: future date")
        elif roll < 0.26:
            rows.append(f"{key},{at},".encode())
            t.bad("csv: no text")
        elif roll < 0.3:
            rows.append(f'{key},{at},"'.encode() + b"\xff\xfe " + g.text(i).encode() + b'"')
            t.bad("csv: invalid utf-8")
        elif roll < 0.33:
            rows.append(f'{key},{at},"{g.text(i)}"'.encode("cp1251"))
            t.bad("csv: cp1251 row")
        elif roll < 0.4:
            rows.append(f'{key},{at},"{g.text(i)}\nвторая строка, с ""кавычками"""'.encode())
            t.good(f"csv:{path.stem}_{key}", "csv: multi-line cell")
        else:
            rows.append(f'{key},{at},"{g.text(i)}"'.encode())
            t.good(f"csv:{path.stem}_{key}")
    sep = b"\r\n" if start % 2 else b"\n"
    path.write_bytes((b"\xef\xbb\xbf" if start % 3 == 0 else b"") + sep.join(rows) + sep)
    t.files.append(path)


def _telegram(g: _Gen, t: Truth, path: Path, n: int, start: int, chat_id: int, truncate: bool) -> None:
    messages = []
    for i in range(start, start + n):
        at = g.when()
        m = {"id": i, "type": "message", "date": at.replace(tzinfo=None).isoformat(timespec="seconds"),
             "date_unixtime": str(int(at.timestamp())), "from": "Житель", "from_id": f"user{i % 50}",
             "text": g.text(i)}
        roll = g.rnd.random()
        if roll < 0.08:
            m.update(type="service", action="pin_message", text="")
            t.bad("tg: service message")
        elif roll < 0.14:
            m.update(text="", photo="photos/1.jpg")
            t.bad("tg: media without text")
        elif roll < 0.18:
            m["id"] = {"id": i}
            t.bad("tg: object id")
        elif roll < 0.22:
            m["date_unixtime"] = "завтра"
            t.bad("tg: bad unixtime")
        else:
            if roll < 0.3:
                m["from_id"] = i
            elif roll < 0.34:
                m["from_id"] = {"user": i}
            elif roll < 0.4:
                m["text"] = [g.text(i), {"type": "bold", "text": " срочно"}]
            t.good(f"tg:{chat_id}_{i}", "tg: message")
        messages.append(m)
    data = json.dumps({"name": "Чат", "type": "public_supergroup", "id": chat_id, "messages": messages},
                      ensure_ascii=False, indent=1).encode()
    if truncate:                                # cut inside the last message: it and the file's end are one letter
        last = messages[-1]
        uid = f"tg:{chat_id}_{last['id']}"
        if uid in t.valid:
            t.valid.discard(uid)
            t.records -= 1
            t.kinds["tg: message"] -= 1
        else:                                   # the last one was a bad record: it is the truncation's letter now
            t.dead -= 1
            t.records -= 1
        t.bad("tg: truncated export")
        data = data[:data.rfind(b'"text"')]
    path.write_bytes(data)
    t.files.append(path)


def write_corpus(folder: Path, records: int = 10_000, now: datetime | None = None, seed: int = 16) -> Truth:
    from datetime import timezone
    folder.mkdir(parents=True, exist_ok=True)
    g, t = _Gen(now or datetime.now(timezone.utc), seed), Truth()
    per = records // 10
    for k in range(4):
        _jsonl(g, t, folder / f"replay_{k}.jsonl", per + 10, k * 100_000)
    for k in range(3):
        _csv(g, t, folder / f"appeals_{k}.csv", per, k * 100_000 + 1)
    for k in range(3):
        _telegram(g, t, folder / f"chat_{k}.json", per, k * 100_000, 1_000_000 + k, truncate=k == 2)
    repeat = folder / "repeat.jsonl"             # valid posts sent again in another file: stored once
    again = []
    for line in (folder / "replay_1.jsonl").read_bytes().removeprefix(b"\xef\xbb\xbf").splitlines():
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict) and str(record.get("id")) in t.valid and "likes" not in record:
            again.append(line)
        if len(again) == 20:
            break
    repeat.write_bytes(b"\n".join(again) + b"\n")
    t.files.append(repeat)
    t.kinds["repeated valid posts"] = len(again)
    return t
