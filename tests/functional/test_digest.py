"""`dozor digest` on the demo week: the figures on the page equal direct SQL on the same database."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from pipeline.commands import main
from storage.clickhouse import ClickHouseStore
from tests.functional.demo_db import OFFICIAL

WINDOW = ("published_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32}) "
          "AND published_at <= {as_of:DateTime64(3, 'UTC')}")


def figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-k="(\w+)">([^<]*)<', html))


@pytest.fixture(scope="module", params=["demo", "sample"])
def db(request, demo_db, sample_db):
    """(dsn, sample): the demo week as the demo left it, and with the fixture's known sample risk workflow."""
    return (sample_db, True) if request.param == "sample" else (demo_db[0], demo_db[1])


@pytest.fixture(scope="module")
def store(db):
    return ClickHouseStore.connect(db[0])


@pytest.fixture(scope="module")
def as_of(store):
    return store.scalar("SELECT max(published_at) FROM posts").replace(tzinfo=timezone.utc)


def digest(db, tmp_path, *extra) -> tuple[str, str]:
    out = tmp_path / "digest.html"
    assert main(["digest", "--db", db[0], "--out", str(out), *extra]) == 0
    return out.read_text(encoding="utf-8"), str(out)


def test_week_digest_figures_equal_direct_sql(db, store, as_of, tmp_path, capsys):
    html, out = digest(db, tmp_path, "--period", "week", "--official", OFFICIAL)
    assert "записан" in capsys.readouterr().out
    f = figures(html)
    p = {"as_of": as_of, "days": 7}
    posts = store.scalar(f"SELECT count() FROM posts FINAL WHERE {WINDOW}", **p)
    negative = store.scalar(f"SELECT countIf(sentiment = 'negative') FROM posts FINAL WHERE {WINDOW}", **p)
    assert int(f["posts"]) == posts > 500
    assert f["negative_share"] == f"{round(negative / posts, 3):.0%}"
    new = store.scalar("SELECT count() FROM alerts FINAL WHERE created_at > {as_of:DateTime64(3, 'UTC')} - "
                       "toIntervalDay(7) AND created_at <= {as_of:DateTime64(3, 'UTC')}", as_of=as_of)
    assert int(f["new_risks"]) == new > 0
    state = ("SELECT a.alert_id AS id, a.created_at AS created, a.first_at AS first_post, e.s AS s, "
             "r.first AS first, r.n AS n "
             "FROM (SELECT * FROM alerts FINAL) a "
             "LEFT JOIN (SELECT alert_id, argMax(state, (at, seq)) AS s FROM risk_events FINAL "
             "WHERE at <= {as_of:DateTime64(3, 'UTC')} GROUP BY alert_id) e ON e.alert_id = a.alert_id "
             "LEFT JOIN (SELECT alert_id, min(answered_at) AS first, count() AS n FROM risk_answers FINAL "
             "WHERE answered_at <= {as_of:DateTime64(3, 'UTC')} GROUP BY alert_id) r ON r.alert_id = a.alert_id "
             "WHERE a.created_at <= {as_of:DateTime64(3, 'UTC')} SETTINGS join_use_nulls = 1")
    rows = store.query_dicts(state, as_of=as_of)
    for r in rows:                              # answer clocks start at the story's first post
        r["age"] = as_of - r["first_post"].replace(tzinfo=timezone.utc)
        r["raised_ago"] = as_of - r["created"].replace(tzinfo=timezone.utc)
    open_ = [r for r in rows if r["s"] not in ("worked_out", "false_alarm")]
    assert int(f["open_risks"]) == len(open_)
    assert int(f["overdue"]) == sum(1 for r in open_ if r["n"] is None and r["age"] > timedelta(hours=24))
    period = [r for r in rows if r["raised_ago"] < timedelta(days=7)]
    answered = [r for r in period if r["first"] is not None]
    within = [r for r in answered if r["first"] - r["first_post"] <= timedelta(hours=8)]
    in_time = [r for r in answered if r["first"] - r["first_post"] <= timedelta(hours=24)]
    assert int(f["within_norm"]) == len(within)
    assert int(f["within_deadline"]) == len(in_time)
    assert int(f["late"]) == len(answered) - len(in_time)
    assert int(f["overdue_new"]) == sum(1 for r in period if r["first"] is None and r["s"] != "false_alarm"
                                        and r["age"] > timedelta(hours=24))
    assert int(f["false_alarms"]) == sum(1 for r in period if r["first"] is None and r["s"] == "false_alarm")
    if db[1]:                                  # the fixture's sample workflow: known figures
        assert (len(open_), len(within), int(f["late"]), int(f["overdue_new"]), int(f["false_alarms"])) == (
            2, 4, 0, 0, 1)   # 5 demo stories: Ильина Гора is one (stories by meaning), Ямник a false alarm
    hours = sorted((r["first"] - r["first_post"]).total_seconds() / 3600 for r in answered)
    assert float(f["max_hours"]) == pytest.approx(hours[-1], abs=0.01)
    for event in ("worked_out", "reopened", "false_alarm", "watching"):
        n = store.scalar("SELECT count() FROM risk_events FINAL WHERE event = {e:String} AND at <= "
                         "{as_of:DateTime64(3, 'UTC')} AND at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay(7)",
                         e=event, as_of=as_of)
        assert int(f.get(f"verdict_{event}", 0)) == n
    loudest = store.query_dicts(
        "SELECT url FROM posts FINAL WHERE " + WINDOW + " AND topic != 'other' AND topic_score >= 0.55 AND "
        "sentiment = 'negative' AND NOT (source = {o:String} AND parent_uid = '') "
        "ORDER BY likes + reposts + comments DESC LIMIT 1", o=OFFICIAL, **p)[0]["url"]
    assert html.index(loudest) < html.index("</body>")
    assert "wall-193847201_7375\"" not in html          # the administration's own post is not a resident's quote
    for text in ("Новые риски за период", "Открытые риски", "Сроки ответов (норма — 8 ч, крайний срок — 24 ч",
                 "Настроения жителей", "Характерные сообщения жителей", "Водоснабжение и водоотведение",
                 "Лычково", "data:image/png;base64,"):
        assert text in html, text
    assert (tmp_path / "digest-topics.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "digest-mood.png").read_bytes()[:4] == b"\x89PNG"


def test_weak_spots_from_the_demo_appeals_equal_direct_sql(db, store, as_of, tmp_path):
    html, _ = digest(db, tmp_path, "--period", "week")
    assert "Слабые места: обращения граждан за 30 дней" in html
    f = figures(html)
    p = {"as_of": as_of}
    window = ("received_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay(30) "
              "AND received_at <= {as_of:DateTime64(3, 'UTC')}")
    first = ("SELECT a.appeal_id AS id, a.deadline_at AS due, f.first AS first, f.n AS n, v.verdict AS verdict "
             f"FROM (SELECT * FROM appeals FINAL WHERE {window}) a "
             "LEFT JOIN (SELECT appeal_id, min(answered_at) AS first, count() AS n FROM appeal_answers FINAL "
             "WHERE kind = 'final' AND answered_at <= {as_of:DateTime64(3, 'UTC')} GROUP BY appeal_id) f "
             "ON f.appeal_id = a.appeal_id "
             "LEFT JOIN (SELECT appeal_id, argMax(verdict, answered_at) AS verdict FROM appeal_answers FINAL "
             "WHERE kind = 'final' GROUP BY appeal_id) v ON v.appeal_id = a.appeal_id")
    rows = store.query_dicts(first, **p)
    answered = [r for r in rows if r["n"]]
    naive = as_of.replace(tzinfo=None)
    assert int(f["appeals"]) == len(rows) >= 30
    assert int(f["appeals_answered"]) == len(answered)
    assert int(f["appeals_in_time"]) == sum(1 for r in answered if r["first"] <= r["due"])
    assert int(f["appeals_late"]) == sum(1 for r in answered if r["first"] > r["due"]) > 0
    assert int(f["appeals_overdue"]) == sum(1 for r in rows if not r["n"] and r["due"] < naive) > 0
    assert int(f["appeals_resolved"]) == sum(1 for r in answered if r["verdict"] == "решено")
    assert int(f["appeals_unresolved"]) == sum(1 for r in answered if r["verdict"] in ("разъяснение", "отписка"))
    repeats = store.scalar("SELECT count() FROM appeal_links FINAL WHERE kind = 'repeat' AND appeal_id IN "
                           f"(SELECT appeal_id FROM appeals FINAL WHERE {window})", **p)
    assert int(f["appeals_repeats"]) == repeats > 0
    assert "На что обратить внимание" in html and "Повторные обращения:" in html
    assert "МУП «Демянский водоканал»" in html           # the demo's organisation with an overdue appeal


def test_day_digest_and_an_earlier_date(db, store, as_of, tmp_path):
    html, _ = digest(db, tmp_path, "--period", "day")
    f = figures(html)
    assert int(f["posts"]) == store.scalar(f"SELECT count() FROM posts FINAL WHERE {WINDOW}", as_of=as_of, days=1)
    assert "За сутки" in html
    # as of the evening of 24 March (local time) only the Lychkovo water story exists (answered in time)
    html, _ = digest(db, tmp_path, "--period", "day", "--date", "2026-03-24T20:00")
    f = figures(html)
    at = datetime(2026, 3, 24, 17, 0, tzinfo=timezone.utc)
    assert int(f["posts"]) == store.scalar(f"SELECT count() FROM posts FINAL WHERE {WINDOW}", as_of=at, days=1)
    assert f["new_risks"] == "1"
    if db[1]:
        assert (f["within_norm"], f["open_risks"]) == ("1", "1")
    assert "24 марта 2026, 20:00" in html


def test_bad_date_is_a_clear_russian_error(db, tmp_path, capsys):
    assert main(["digest", "--db", db[0], "--date", "вчера"]) == 2
    assert "ожидается дата" in capsys.readouterr().err


def test_send_posts_the_html_to_the_alert_chat(db, store, tmp_path, monkeypatch, capsys):
    from tests.fakes.bot_api import FakeBotApi
    with FakeBotApi(token="123:abc") as tg:
        monkeypatch.setenv("DOZOR_TELEGRAM__BOT_TOKEN", "123:abc")
        monkeypatch.setenv("DOZOR_TELEGRAM__ALERT_CHAT_ID", "-100500")
        monkeypatch.setenv("DOZOR_TELEGRAM__BOT_API_BASE", tg.base)
        html, _ = digest(db, tmp_path, "--period", "day", "--send")
        (call,) = tg.calls("sendDocument")
    doc = call.params["document"]
    assert call.params["chat_id"] == "-100500" and doc["content_type"] == "text/html"
    assert doc["filename"] == "dozor-digest-day-2026-03-30.html"
    assert doc["content"].decode("utf-8") == html                  # the same page as written to --out
    f = figures(html)
    caption = call.params["caption"]
    assert caption.startswith("<b>Дайджест «Дозор» за сутки</b>")
    assert f"Новых рисков: {f['new_risks']}, открытых: {f['open_risks']}, просрочено: {f['overdue']}" in caption
    (sent,) = tg.sent_to(-100500)
    assert sent["document"]["file_size"] == len(doc["content"])
    assert "Дайджест отправлен в чат -100500" in capsys.readouterr().out


def test_send_without_a_bot_is_a_clear_russian_error(db, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DOZOR_TELEGRAM__BOT_TOKEN", raising=False)
    assert main(["digest", "--db", db[0], "--send"]) == 2
    assert "DOZOR_TELEGRAM__BOT_TOKEN" in capsys.readouterr().err


def test_a_refused_upload_is_reported(db, tmp_path, monkeypatch, capsys):
    from tests.fakes.bot_api import FakeBotApi
    with FakeBotApi(token="123:abc") as tg:
        monkeypatch.setenv("DOZOR_TELEGRAM__BOT_TOKEN", "123:abc")
        monkeypatch.setenv("DOZOR_TELEGRAM__ALERT_CHAT_ID", "-100500")
        monkeypatch.setenv("DOZOR_TELEGRAM__BOT_API_BASE", tg.base)
        tg.fail_next("sendDocument", 500)
        assert main(["digest", "--db", db[0], "--send"]) == 2
    assert "дайджест не отправлен в чат" in capsys.readouterr().err


def test_the_week_digest_has_the_map_the_unknown_places_and_streets(db, store, as_of, tmp_path):
    from pipeline.geo import load_gazetteer
    html, _ = digest(db, tmp_path, "--period", "week")
    located = {s.name for s in load_gazetteer().settlements if s.lat is not None}
    volume = {r["settlement"]: r["posts"] for r in store.query_dicts(
        f"SELECT settlement, count() AS posts FROM posts FINAL WHERE {WINDOW} AND topic != 'other' "
        "AND topic_score >= 0.55 AND settlement != '' GROUP BY settlement", as_of=as_of, days=7)}
    svg = html[html.index("<svg"):html.index("</svg>")]
    points = {name: int(n) for name, n in re.findall(r'data-place="([^"]+)" data-posts="(\d+)"', svg)}
    assert points == {name: volume.get(name, 0) for name in located} and points["Лычково"] > 0
    listed = dict(re.findall(r'data-place-unlocated="([^"]+)">[^<]*— (\d+)<', html))
    assert {k: int(v) for k, v in listed.items()} == {k: v for k, v in volume.items() if k not in located}
    assert "Жирково" in listed                      # a story's place with no coordinates: listed, not drawn
    unknown = html[html.index("<h2>Неизвестные населённые пункты</h2>"):]
    named = store.query_dicts(f"SELECT place, count() AS n FROM posts FINAL ARRAY JOIN place_unverified AS place "
                              f"WHERE {WINDOW} GROUP BY place", as_of=as_of, days=7)
    assert dict(re.findall(r'data-unverified="([^"]+)">[^<]*</td><td>(\d+)<', unknown)) == {
        r["place"]: str(r["n"]) for r in named}
    assert "Кирилловщина" in {r["place"] for r in named}   # the demo's resident names a place the gazetteer lacks
    streets = store.query_dicts("SELECT settlement, street, object FROM alerts FINAL WHERE street != '' AND "
                                "created_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay(7)", as_of=as_of)
    assert streets                                  # the demo has an incident on a street
    for a in streets:
        assert f"<td>{', '.join(p for p in (a['settlement'], a['street'], a['object']) if p)}</td>" in html
