"""Bad input costs only its own record (issue 16): each case is a file with valid posts around one bad record;
reading it never raises, keeps every valid post and makes the bad record one dead letter with its reason."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from collectors.files import FileOptions, read_file
from core.records import DeadLetter, Post

NOW = datetime(2026, 3, 24, 12, 0, tzinfo=timezone.utc)
OPTS = FileOptions(now=NOW)


def rec(i, **kw) -> dict:
    return {"platform": "vk", "source": "vk:-1", "id": f"vk:-1_{i}", "published_at": "2026-03-01T10:00:00+03:00",
            "text": f"Пост {i}: нет воды", **kw}


def jl(*records) -> bytes:
    return b"".join(r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode() + b"\n"
                    for r in records)


def csv_rows(n: int, bad: dict[int, str] | None = None) -> bytes:
    lines = ["published_at,text"] + [f"2026-03-01T10:{i % 60:02d}:00+03:00,Яма номер {i}" for i in range(n)]
    for i, line in (bad or {}).items():
        lines[i + 1] = line
    return ("\n".join(lines) + "\n").encode()


def tg(messages, **head) -> bytes:
    return json.dumps({"name": "Чат", "id": 77, **head, "messages": messages}, ensure_ascii=False).encode()


def msg(i, **kw) -> dict:
    return {"id": i, "type": "message", "date": "2026-03-01T10:00:00", "from_id": "user1", "text": f"Нет света {i}",
            **kw}


CASES = {
    # name: (file name, content, valid posts, dead letters, a word the reason holds)
    "year 9999": ("a.jsonl", jl(rec(1), rec(2, published_at="9999-12-31T23:59:59+00:00"), rec(3)), 2, 1, "будущем"),
    "year 1": ("a.jsonl", jl(rec(1), rec(2, published_at="0001-01-01T00:00:00+03:00"), rec(3)), 2, 1, "раньше 1990"),
    "1980": ("a.jsonl", jl(rec(1), rec(2, published_at="1980-05-01T00:00:00+03:00")), 1, 1, "раньше 1990"),
    "two days ahead": ("a.jsonl", jl(rec(1, published_at="2026-03-26T13:00:00+00:00"), rec(2)), 1, 1, "будущем"),
    "deep JSON": ("a.jsonl", jl(rec(1), b"[" * 100_000 + b"\n", rec(3)), 2, 1, "глубоко"),
    "object id": ("a.jsonl", jl(rec(1), rec(2, id={"x": 1}), rec(3)), 2, 1, "id"),
    "lone surrogate": ("a.jsonl", jl(rec(1), b'{"platform": "vk", "source": "vk:-1", "id": "x", '
                       b'"published_at": "2026-03-01T10:00:00+03:00", "text": "\\ud800 bad"}\n'), 1, 1, "суррогат"),
    "huge counter": ("a.jsonl", jl(rec(1, likes=10**30, views=float("inf")), rec(2)), 2, 0, ""),
    "NaN date": ("a.jsonl", b'{"platform": "vk", "source": "vk:-1", "id": "n", "published_at": NaN, "text": "x"}\n'
                 + jl(rec(2)), 1, 1, "дата"),
    "CSV huge cell": ("a.csv", csv_rows(10, {4: "2026-03-01T10:00:00+03:00," + "ж" * 140_000}), 9, 1, "CSV"),
    "CSV stray quote": ("a.csv", csv_rows(3000, {5: '2026-03-01T10:00:00+03:00,"Яма с кавычкой'}), 2999, 1,
                        "CSV"),
    "CSV invalid byte": ("a.csv", csv_rows(50).replace("Яма номер 7\n".encode(), b"\xff\xfe\n"), 49, 1, "UTF-8"),
    "CSV CRLF": ("a.csv", csv_rows(20).replace(b"\n", b"\r\n"), 20, 0, ""),
    "TG numeric from_id": ("a.json", tg([msg(1, from_id=12345), msg(2)]), 2, 0, ""),
    "TG object from_id": ("a.json", tg([msg(1, from_id={"id": 1}), msg(2)]), 2, 0, ""),
    "TG bare list, numeric from_id": ("a.json", json.dumps([msg(1, from_id=5), msg(2, from_id=5)]).encode(), 2, 0,
                                      ""),
    "TG bare list, object from_id": ("a.json", json.dumps([msg(1, from_id={"a": 1}), msg(2)]).encode(), 2, 0, ""),
    "TG truncated": ("a.json", tg([msg(i) for i in range(10)])[:-300], None, 1, "обрывается"),
    "TG deep message": ("a.json", tg([msg(1)])[:-2] + b", " + b"[" * 100_000 + b"]}", 1, 1, "повреждён"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_bad_record_costs_only_itself(tmp_path, name):
    filename, content, posts, letters, word = CASES[name]
    path = tmp_path / filename
    path.write_bytes(content)
    items = list(read_file(path, OPTS))
    got_posts = [x for x in items if isinstance(x, Post)]
    dead = [x for x in items if isinstance(x, DeadLetter)]
    if posts is not None:
        assert len(got_posts) == posts
    else:
        assert len(got_posts) >= 1
    assert len(dead) == letters
    assert all(word in d.reason for d in dead), [d.reason for d in dead]
    assert len({p.uid for p in got_posts}) == len(got_posts)
    for p in got_posts:
        p.text.encode("utf-8")
        assert p.reactions.likes < 2**32 and p.reactions.views < 2**32


def test_csv_stray_quote_keeps_both_neighbours(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes(csv_rows(6, {2: '2026-03-01T10:00:00+03:00,"Яма с кавычкой'}))
    items = list(read_file(path, OPTS))
    assert [(type(x).__name__, getattr(x, "origin", None) or x.text) for x in items] == [
        ("Post", "Яма номер 0"), ("Post", "Яма номер 1"), ("DeadLetter", "q.csv:4"), ("Post", "Яма номер 3"),
        ("Post", "Яма номер 4"), ("Post", "Яма номер 5")]


def test_csv_quoted_multiline_text_is_still_one_post(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes('published_at,text\n2026-03-01T09:00:00+03:00,"Яма\nна Ленина, 5\nуже месяц"\n'.encode())
    (post,) = read_file(path, OPTS)
    assert post.text == "Яма\nна Ленина, 5\nуже месяц"
