"""Every cookbook query (analytics/sql, docs/sql) on the demo week, checked against figures computed here in
Python from plain rows of the same database (and from the risk workflow the fixture wrote)."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from analytics.queries import Cookbook, cookbook
from core.errors import NotFound, UsageError
from tests.functional.demo_db import OFFICIAL, risk_rows

MSK = ZoneInfo("Europe/Moscow")
TESTED = set()


@pytest.fixture(scope="module", params=["demo", "sample"])
def db(request, demo_db, sample_db):
    """(dsn, sample): the demo week with the risk workflow the demo ran, and the same week with the fixture's
    known sample workflow (answers, verdicts, a reopened story, a false alarm) for exact figures."""
    return (sample_db, True) if request.param == "sample" else (demo_db[0], demo_db[1])


@pytest.fixture(scope="module")
def book(db):
    return Cookbook.connect(db[0])


@pytest.fixture(scope="module")
def posts(book):
    df = pd.DataFrame(book.store.query_dicts(
        "SELECT uid, source, platform, author, published_at, topic, topic_score, sentiment, toxic, settlement, "
        "likes + reposts + comments AS engagement, parent_uid, text FROM posts FINAL"))
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    return df


@pytest.fixture(scope="module")
def as_of(book):
    return book.as_of()


@pytest.fixture(scope="module")
def risks(book, as_of):
    """The risk tables as of the latest post, folded in Python."""
    return risk_rows(book.store, as_of)


@pytest.fixture(scope="module")
def sample(db):
    """True when the figures come from the fixture's known sample workflow (then exact values are checked)."""
    return db[1]


def period(posts, as_of, days=7, shift=0):
    end = pd.Timestamp(as_of) - pd.Timedelta(days=shift * days)
    return posts[(posts.published_at > end - pd.Timedelta(days=days)) & (posts.published_at <= end)]


def reports(df):
    return df[(df.topic != "other") & (df.topic_score >= 0.55 - 1e-6)]


def run(book, name, **params):
    TESTED.add(name)
    return book.run(name, **params)


def test_every_query_has_a_header_and_the_cookbook_has_at_least_ten():
    queries = cookbook()
    assert len(queries) >= 10
    for q in queries.values():
        assert q.title and "Params:" in q.header and "Columns:" in q.header, q.name


def test_this_week_is_the_demo_week(as_of):
    assert as_of.astimezone(MSK).date().isoformat() == "2026-03-30"


def test_top_problems_by_settlement(book, posts, as_of):
    got = run(book, "top_problems_by_settlement", limit=100)
    week = reports(period(posts, as_of))
    expected = week.groupby(["settlement", "topic"]).size().sort_values(ascending=False)
    assert dict(zip(zip(got.settlement, got.topic, strict=True), got.posts, strict=True)) == expected.to_dict()
    assert list(got.posts) == sorted(got.posts, reverse=True)
    top = got[got.settlement != ""].iloc[0]
    assert (top.settlement, top.topic) == ("Жирково", "emergency")      # the house fire of 28 March
    neg = week[(week.settlement == "Жирково") & (week.topic == "emergency")]
    assert top.negative_share == pytest.approx((neg.sentiment == "negative").mean(), abs=1e-3)
    assert len(run(book, "top_problems_by_settlement", limit=3)) == 3


def test_growth_vs_last_week(book, posts, as_of):
    got = run(book, "growth_vs_last_week").set_index(["topic", "settlement"])
    now = reports(period(posts, as_of)).groupby(["topic", "settlement"]).size()
    before = reports(period(posts, as_of, shift=1)).groupby(["topic", "settlement"]).size()
    for key in set(now.index) | set(before.index):
        row = got.loc[key]
        assert (row.this_period, row.previous_period) == (now.get(key, 0), before.get(key, 0)), key
        assert row.delta == now.get(key, 0) - before.get(key, 0)
        if before.get(key, 0):
            assert row.growth == pytest.approx(now.get(key, 0) / before[key] - 1, abs=1e-3)
        else:
            assert pd.isna(row.growth)
    assert len(got) == len(set(now.index) | set(before.index))


def _first_answers(risks):
    return {a: min(r["answers"]) if r["answers"] else None for a, r in risks.items()}


def test_answer_times_against_the_24_hour_norm(book, risks, sample, as_of):
    got = run(book, "answer_times").set_index("alert_id")
    alerts = book.store.alerts()
    week = [a for a in alerts if as_of - timedelta(days=7) < a["created_at"] <= as_of]
    assert set(got.index) == {a["alert_id"] for a in week} and len(week) >= 5
    first = _first_answers(risks)
    for a in week:
        row = got.loc[a["alert_id"]]
        assert (row.street, row.object) == (a["street"], a["object"])      # where, below the settlement
        answered = first.get(a["alert_id"])
        state = _states(risks).get(a["alert_id"], "new")
        assert row.state == state
        if answered is None:                   # the clock starts at the story's first post
            assert pd.isna(row.answer_hours)
            overdue = (as_of - a["first_at"]) > timedelta(hours=24)
            assert row.status == ("ложная тревога" if state == "false_alarm" else
                                  "просрочено" if overdue else "ждёт ответа")
        else:
            hours = (answered - a["first_at"]).total_seconds() / 3600
            assert row.answer_hours == pytest.approx(hours, abs=0.01)
            assert row.status == ("в норму" if hours <= 8 else "в срок" if hours <= 24 else "с опозданием")
            assert row.answers == len(risks[a["alert_id"]]["answers"])
    if sample:
        assert {"в норму", "ложная тревога"} <= set(got.status)
    # the norms are parameters: with no time allowed every answered story is late
    strict = run(book, "answer_times", norm_hours=0, deadline_hours=0)
    assert set(strict[strict.answers > 0].status) == {"с опозданием"}


def test_answer_norm_summary_agrees_with_the_per_risk_rows(book):
    rows = run(book, "answer_times")
    (s,) = run(book, "answer_norm_summary").to_dict("records")
    counts = Counter(rows.status)
    assert s["risks"] == len(rows) and s["answered"] == int((rows.answers > 0).sum())
    assert (s["within_norm"], s["within_deadline"], s["late"], s["overdue"], s["waiting"], s["false_alarms"]) == (
        counts["в норму"], counts["в норму"] + counts["в срок"], counts["с опозданием"], counts["просрочено"],
        counts["ждёт ответа"], counts["ложная тревога"])
    assert s["within_norm_share"] == pytest.approx(counts["в норму"] / (len(rows) - counts["ложная тревога"]),
                                                   abs=1e-3)
    hours = rows.answer_hours.dropna().astype(float)
    assert s["median_hours"] == pytest.approx(hours.median(), abs=0.01)
    assert s["max_hours"] == pytest.approx(hours.max(), abs=0.01)


def _states(risks):
    return {a: r["events"][-1][1] for a, r in risks.items() if r["events"]}


def test_worked_out_share(book, risks, sample, as_of):
    states = _states(risks)
    week = [a for a in book.store.alerts() if as_of - timedelta(days=7) < a["created_at"] <= as_of]
    by_topic = defaultdict(Counter)
    for a in week:
        by_topic[a["topic"]][states.get(a["alert_id"], "new")] += 1
    got = run(book, "worked_out_share").set_index("topic")
    assert set(got.index) == set(by_topic)
    for topic, c in by_topic.items():
        row = got.loc[topic]
        assert (row.risks, row.worked_out, row.false_alarm) == (sum(c.values()), c["worked_out"], c["false_alarm"])
    if sample:
        assert got.worked_out.sum() == 2        # the Lychkovo water and the Zhirkovo fire; Demyansk reopened


def test_reopened_risks(book, risks, sample):
    got = run(book, "reopened_risks").set_index("alert_id")
    reopened = {a: r for a, r in risks.items() if any(e[0] == "reopened" for e in r["events"])}
    assert set(got.index) == set(reopened)
    for alert_id, r in reopened.items():
        assert got.loc[alert_id].reopened == sum(1 for e in r["events"] if e[0] == "reopened")
        assert got.loc[alert_id].state == r["events"][-1][1]
    if sample:
        row = got.iloc[0]
        assert (row.topic, row.settlement, row.reopened, row.state) == ("heating", "Демянск", 1, "in_work")


def test_noisiest_sources_agree_with_posts(book, posts, as_of):
    got = run(book, "noisiest_sources", limit=100).set_index("source")
    hours = posts.published_at.dt.floor("h")
    start = (pd.Timestamp(as_of) - pd.Timedelta(days=7)).floor("h")
    week = posts[(hours > start) & (hours <= pd.Timestamp(as_of))]
    for source, g in week.groupby("source"):
        row = got.loc[source]
        assert row.posts == len(g)
        assert row.negative_share == pytest.approx((g.sentiment == "negative").mean(), abs=1e-3)
        assert row.toxic == int(g.toxic.sum()) and row.authors == g.author.nunique()
        assert row.reactions == int(g.engagement.sum())
    assert list(got.posts) == sorted(got.posts, reverse=True)
    official = got.loc[OFFICIAL]
    assert official.stories == sum(1 for a in book.store.alerts() if OFFICIAL in a["sources"])


def test_topic_seasonality_adds_up_to_all_posts(book, posts):
    got = run(book, "topic_seasonality")
    expected = posts[posts.topic != "other"].groupby("topic").size()
    assert got.groupby("topic").posts.sum().to_dict() == expected.to_dict()
    local = posts.published_at.dt.tz_convert(MSK)
    water = posts[posts.topic == "water"]
    by_weekday = (local[water.index].dt.day_of_week + 1).value_counts().to_dict()
    assert got[got.topic == "water"].groupby("weekday").posts.sum().to_dict() == by_weekday


def test_negative_share_trend(book, posts, as_of):
    got = run(book, "negative_share_trend").set_index("day")
    start = (pd.Timestamp(as_of) - pd.Timedelta(days=7)).floor("h")
    week = posts[(posts.published_at.dt.floor("h") > start) & (posts.published_at <= pd.Timestamp(as_of))]
    days = week.published_at.dt.tz_convert(MSK).dt.date
    for day, g in week.groupby(days):
        assert got.loc[day].posts == len(g)
        assert got.loc[day].negative_share == pytest.approx((g.sentiment == "negative").mean(), abs=1e-3)
    assert len(got) == days.nunique()


def test_stories_by_topic_settlement(book, as_of):
    week = [a for a in book.store.alerts() if as_of - timedelta(days=7) < a["created_at"] <= as_of]
    got = run(book, "stories_by_topic_settlement")
    assert got.stories.sum() == len(week)
    row = got[(got.topic == "water") & (got.settlement == "Лычково")].iloc[0]
    lych = [a for a in week if (a["topic"], a["settlement"]) == ("water", "Лычково")]
    assert row.posts == sum(a["n_posts"] for a in lych) and row.top_level == lych[0]["level"]


def _expected_open(book, at):
    states = _states(risk_rows(book.store, at))
    return {a["alert_id"] for a in book.store.alerts() if a["created_at"] <= at
            and states.get(a["alert_id"], "new") not in ("worked_out", "false_alarm")}


def test_open_risks(book, risks, as_of):
    states, first = _states(risks), _first_answers(risks)
    got = run(book, "open_risks").set_index("alert_id")
    assert set(got.index) == _expected_open(book, as_of)
    where = {a["alert_id"]: (a["street"], a["object"]) for a in book.store.alerts()}
    for alert_id, row in got.iterrows():
        assert row.state == states.get(alert_id, "new")
        assert (row.street, row.object) == where[alert_id]
        assert bool(row.overdue) == (first.get(alert_id) is None and row.age_hours > 24)
        assert row.age_hours == pytest.approx((as_of - pd.Timestamp(row.first_post_at, tz="UTC")).total_seconds()
                                              / 3600, abs=0.06)
    # as of a moment before each verdict or reopening, the open set is what the history said then
    moments = [e[3] for r in risks.values() for e in r["events"] if e[0] in ("worked_out", "reopened", "false_alarm")]
    assert moments
    for at in moments:
        earlier = run(book, "open_risks", as_of=at - timedelta(minutes=1))
        assert set(earlier.alert_id) == _expected_open(book, at - timedelta(minutes=1))


def test_verdicts(book, risks, as_of):
    got = run(book, "verdicts").set_index("event")
    events = [e for r in risks.values() for e in r["events"] if e[3] > as_of - timedelta(days=7)]
    kinds = {"worked_out", "false_alarm", "reopened", "watching", "answered", "escalated"}
    assert set(got.index) == {e[0] for e in events} & kinds
    for event in set(got.index):
        mine = [e for e in events if e[0] == event]
        assert got.loc[event].total == len(mine)
        assert got.loc[event].automatic == sum(1 for e in mine if e[2] == "dozor")


def test_notable_quotes(book, posts, as_of):
    got = run(book, "notable_quotes", official=[OFFICIAL], limit=10)
    assert 0 < len(got) <= 10
    assert list(got.engagement) == sorted(got.engagement, reverse=True)
    assert not got.duplicated(["settlement", "topic"]).any()
    rows = posts.set_index("text").loc[list(got.text)]
    assert (rows.sentiment == "negative").all()
    assert not ((rows.source == OFFICIAL) & (rows.parent_uid == "")).any()
    assert got.url.str.startswith("https://").all()
    week = reports(period(posts, as_of))
    loudest = week[week.sentiment == "negative"].engagement.max()
    assert got.engagement.iloc[0] == loudest
    with_official = run(book, "notable_quotes", limit=10)
    assert (with_official.url.str.contains("wall-193847201_")).any()
    where = {r["url"]: (r["street"], r["object"]) for r in book.store.query_dicts(
        "SELECT url, street, object FROM posts FINAL WHERE url IN {u:Array(String)}", u=list(got.url))}
    assert list(zip(got.street, got.object, strict=True)) == [where[u] for u in got.url]    # where it happened


def test_unverified_places(book, as_of):
    got = run(book, "unverified_places")
    named = book.store.query_dicts(
        "SELECT uid, published_at, place_unverified FROM posts FINAL WHERE notEmpty(place_unverified)")
    start = as_of - timedelta(days=7)
    counts = Counter(p for r in named if start < r["published_at"].replace(tzinfo=timezone.utc) <= as_of
                     for p in set(r["place_unverified"]))
    assert dict(zip(got.place, got.posts, strict=True)) == dict(counts)


def test_unverified_places_counts_posts_per_name(store):
    from dataclasses import replace

    from tests.conftest import T0, make_enriched
    store.upsert_posts([replace(make_enriched(uid, minutes), place_unverified=places) for uid, minutes, places in (
        ("u1", 0, ("Кирилловщина",)), ("u2", 60, ("Кирилловщина", "Песочки")), ("u3", 90, ()),
        ("u4", -8 * 24 * 60, ("Старое Урочище",)))], "t")
    got = run(Cookbook(store), "unverified_places", as_of=T0 + timedelta(hours=3), days=7)
    assert list(zip(got.place, got.posts, strict=True)) == [("Кирилловщина", 2), ("Песочки", 1)]
    assert got.last_at.iloc[0] == (T0 + timedelta(hours=1)).astimezone(timezone.utc).replace(tzinfo=None)


def test_topic_daily(book, posts, as_of):
    got = run(book, "topic_daily")
    start = (pd.Timestamp(as_of) - pd.Timedelta(days=7)).floor("h")
    week = posts[(posts.published_at.dt.floor("h") > start) & (posts.published_at <= pd.Timestamp(as_of))
                 & (posts.topic != "other")]
    assert got.posts.sum() == len(week)
    water = got[got.topic == "water"].set_index("day").posts
    assert water.idxmax().isoformat() == "2026-03-24"          # the day Lychkovo had no water


def test_settlement_volume(book, as_of):
    got = run(book, "settlement_volume").set_index("settlement")
    top = run(book, "top_problems_by_settlement", limit=1000)
    assert got.posts.to_dict() == top[top.settlement != ""].groupby("settlement").posts.sum().to_dict()
    alerts = book.store.alerts()
    for place, row in got.iterrows():
        assert row.stories == sum(1 for a in alerts if a["settlement"] == place
                                  and as_of - timedelta(days=7) < a["created_at"] <= as_of)


def test_period_overview(book, posts, as_of):
    (got,) = run(book, "period_overview").to_dict("records")
    week = period(posts, as_of)
    assert (got["posts"], got["negative"], got["authors"], got["sources"], got["reports"]) == (
        len(week), int((week.sentiment == "negative").sum()), week.author.nunique(), week.source.nunique(),
        len(reports(week)))
    assert got["stories"] == sum(1 for a in book.store.alerts() if as_of - timedelta(days=7) < a["created_at"] <= as_of)
    (day,) = run(book, "period_overview", days=1).to_dict("records")
    assert day["posts"] == len(period(posts, as_of, days=1)) < got["posts"]


APPEAL_DAYS = 30         # the demo's month of appeals (pipeline/data/demo/appeals.csv)


@pytest.fixture(scope="module")
def register(book, as_of):
    """The appeals register read plainly (latest version per key, no SQL aggregation), as of the latest post."""
    utc = lambda t: t.replace(tzinfo=timezone.utc) if t is not None and t.tzinfo is None else t  # noqa: E731
    appeals = {}
    for r in book.store.query_dicts("SELECT appeal_id, received_at, deadline_at, org, topic, settlement, rating, "
                                    "ingested_at FROM appeals"):
        if r["appeal_id"] not in appeals or r["ingested_at"] > appeals[r["appeal_id"]]["ingested_at"]:
            appeals[r["appeal_id"]] = {**r, "received_at": utc(r["received_at"]), "deadline_at": utc(r["deadline_at"])}
    answers = {}
    for r in book.store.query_dicts("SELECT appeal_id, answer_id, answered_at, kind, verdict FROM appeal_answers"):
        if utc(r["answered_at"]) <= as_of:
            answers[(r["appeal_id"], r["answer_id"])] = {**r, "answered_at": utc(r["answered_at"])}
    events = {(r["appeal_id"], r["event"]) for r in book.store.query_dicts(
        "SELECT appeal_id, event, at FROM appeal_events") if utc(r["at"]) <= as_of}
    links = {(r["appeal_id"], r["target_id"]) for r in book.store.query_dicts(
        "SELECT appeal_id, target_id FROM appeal_links WHERE kind = 'repeat'")}
    period = {i: a for i, a in appeals.items() if as_of - timedelta(days=APPEAL_DAYS) < a["received_at"] <= as_of}
    finals = defaultdict(list)
    for a in answers.values():
        if a["kind"] == "final":
            finals[a["appeal_id"]].append(a)
    for lst in finals.values():
        lst.sort(key=lambda a: (a["answered_at"], a["answer_id"]))
    repeated = {t for i, t in links if appeals[i]["received_at"] <= as_of}
    returned = {i for i, a in appeals.items() if a["rating"] == "not_satisfied"} | {
        i for i, e in events if e in ("not_satisfied", "returned")}
    satisfied = {i for i, a in appeals.items() if a["rating"] == "satisfied"} | {
        i for i, e in events if e == "satisfied"}
    return {"all": appeals, "period": period, "finals": finals, "links": links, "repeated": repeated,
            "returned": returned, "satisfied": satisfied}


def _org(name):
    return name or "(не указана)"


def test_the_demo_month_of_appeals_is_there(register, sample):
    assert len(register["period"]) >= 30 and len(register["links"]) >= 5
    assert {a["verdict"] for lst in register["finals"].values() for a in lst} >= {"решено", "отписка"}


def test_appeal_deadlines(book, register, as_of):
    got = run(book, "appeal_deadlines", days=APPEAL_DAYS).set_index("org")
    expected = defaultdict(Counter)
    for i, a in register["period"].items():
        c = expected[_org(a["org"])]
        c["appeals"] += 1
        first = register["finals"][i][0]["answered_at"] if register["finals"].get(i) else None
        if first is not None:
            c["answered"] += 1
            c["in_time" if first <= a["deadline_at"] else "late"] += 1
        elif a["deadline_at"] < as_of:
            c["overdue"] += 1
        else:
            c["waiting"] += 1
    assert set(got.index) == set(expected)
    for org, c in expected.items():
        row = got.loc[org]
        assert [row.appeals, row.answered, row.in_time, row.late, row.overdue, row.waiting] == [
            c["appeals"], c["answered"], c["in_time"], c["late"], c["overdue"], c["waiting"]], org
    assert got.overdue.sum() >= 2 and got.late.sum() >= 2           # the demo has both


def test_appeal_verdicts(book, register):
    got = run(book, "appeal_verdicts", days=APPEAL_DAYS).set_index(["org", "topic"])
    expected = defaultdict(Counter)
    for i, a in register["period"].items():
        if register["finals"].get(i):
            expected[(_org(a["org"]), a["topic"])][register["finals"][i][-1]["verdict"]] += 1
    assert set(got.index) == set(expected)
    for key, c in expected.items():
        row = got.loc[key]
        n = sum(c.values())
        assert (row.answered, row.resolved, row.explained, row.formal, row.redirected) == (
            n, c["решено"], c["разъяснение"], c["отписка"], c["переадресовано"]), key
        assert row.unresolved_share == pytest.approx((c["разъяснение"] + c["отписка"]) / n, abs=1e-3)


def test_repeat_appeals(book, register):
    got = run(book, "repeat_appeals", days=APPEAL_DAYS)
    expected = {(i, t) for i, t in register["links"] if i in register["period"]}
    assert set(zip(got.appeal_id, got.earlier_id, strict=True)) == expected
    for row in got.itertuples():
        earlier = register["finals"].get(row.earlier_id) or []
        assert row.org == _org(register["all"][row.earlier_id]["org"])
        if earlier:
            assert row.earlier_verdict == earlier[-1]["verdict"]
    if not got.empty:
        assert (got.days_after_answer > 0).all()                     # a repeat comes after the answer


def test_repeat_appeals_take_the_last_final_answer_up_to_as_of(book, as_of):
    """The earlier appeal's verdict: its last final answer as of the query's end, never an intermediate or a
    later one."""
    utc = lambda t: t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t  # noqa: E731
    answers = book.store.query_dicts(
        "SELECT appeal_id, answer_id, answered_at, kind, verdict FROM appeal_answers FINAL")
    for when in (as_of, as_of - timedelta(days=7), as_of - timedelta(days=14)):
        got = run(book, "repeat_appeals", as_of=when, days=APPEAL_DAYS)
        for row in got.itertuples():
            finals = sorted((utc(a["answered_at"]), a["answer_id"], a["verdict"]) for a in answers
                            if a["appeal_id"] == row.earlier_id and a["kind"] == "final"
                            and utc(a["answered_at"]) <= when)
            assert row.earlier_verdict == (finals[-1][2] if finals else ""), (when, row.appeal_id)


def test_repeat_appeals_ignore_intermediate_and_later_answers(store):
    """An earlier appeal answered «отписка», then an intermediate answer, then (after as_of) a final «решено»: the
    repeat query reports «отписка», four days after the first answer."""
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    day = timedelta(days=1)
    store.client.insert("appeals", [("pos:1", "pos", "pos", t0, "Нет воды на ул. Вокзальной", "Лычково"),
                                    ("pos:2", "pos", "pos", t0 + 5 * day, "Опять нет воды на ул. Вокзальной",
                                     "Лычково")],
                        column_names=["appeal_id", "source", "channel", "received_at", "text", "settlement"])
    store.client.insert("appeal_answers", [("pos:1", "pos:1#0", t0 + day, "final", "отписка"),
                                           ("pos:1", "pos:1#1", t0 + 3 * day, "intermediate", "разъяснение"),
                                           ("pos:1", "pos:1#2", t0 + 20 * day, "final", "решено")],
                        column_names=["appeal_id", "answer_id", "answered_at", "kind", "verdict"])
    store.client.insert("appeal_links", [("pos:2", "repeat", "pos:1", 1.0, "test")],
                        column_names=["appeal_id", "kind", "target_id", "score", "dataset"])
    got = Cookbook(store).run("repeat_appeals", as_of=t0 + 10 * day, days=30).to_dict("records")
    assert [(r["appeal_id"], r["earlier_id"], r["earlier_verdict"], r["days_after_answer"]) for r in got] == [
        ("pos:2", "pos:1", "отписка", 4.0)]


def test_returned_answers(book, register):
    got = run(book, "returned_answers", days=APPEAL_DAYS).set_index("org")
    expected = defaultdict(Counter)
    for i, a in register["period"].items():
        if not register["finals"].get(i):
            continue
        c = expected[_org(a["org"])]
        c["answered"] += 1
        by_citizen, by_repeat = i in register["returned"], i in register["repeated"]
        c["returned"] += by_citizen or by_repeat
        c["by_citizen"] += by_citizen
        c["by_repeat"] += by_repeat
    expected = {o: c for o, c in expected.items() if c["returned"]}
    assert set(got.index) == set(expected)
    for org, c in expected.items():
        row = got.loc[org]
        assert (row.answered, row.returned, row.by_citizen, row.by_repeat) == (
            c["answered"], c["returned"], c["by_citizen"], c["by_repeat"]), org
    assert list(got.returned_share) == sorted(got.returned_share, reverse=True)


def test_satisfaction_per_organisation_and_topic(book, register, risks, as_of):
    got = run(book, "satisfaction", days=APPEAL_DAYS)
    counts = {"организация": defaultdict(Counter), "тема": defaultdict(Counter)}
    for i, a in register["period"].items():
        if not register["finals"].get(i):
            continue
        against = i in register["returned"] or i in register["repeated"]
        verdict = "against" if against else "for" if i in register["satisfied"] else "none"
        for scope, name in (("организация", _org(a["org"])), ("тема", a["topic"])):
            counts[scope][name][verdict] += 1
    for alert in book.store.alerts():
        events = risks.get(alert["alert_id"], {"events": []})["events"]
        if not (as_of - timedelta(days=APPEAL_DAYS) < alert["created_at"] <= as_of) or not any(
                e[0] == "answered" for e in events):
            continue
        if any(e[0] == "reopened" for e in events):
            counts["тема"][alert["topic"]]["against"] += 1
        elif any(e[0] == "worked_out" and e[2] == "dozor" for e in events):
            counts["тема"][alert["topic"]]["for"] += 1
    rows = {(r.scope, r.name): r for r in got.itertuples()}
    expected = {(s, n) for s, names in counts.items() for n in names}
    assert set(rows) == expected
    for (scope, name), c in ((k, counts[k[0]][k[1]]) for k in expected):
        row = rows[(scope, name)]
        assert row.no_evidence == c["none"] and row.satisfied + row.risks_quiet == c["for"], (scope, name)
        if c["for"] + c["against"]:
            assert row.satisfaction == pytest.approx(c["for"] / (c["for"] + c["against"]), abs=1e-3)
        else:
            assert pd.isna(row.satisfaction)


def test_verdict_outcomes(book, register):
    got = run(book, "verdict_outcomes", days=APPEAL_DAYS).set_index("verdict")
    expected = defaultdict(Counter)
    for i in register["period"]:
        if register["finals"].get(i):
            c = expected[register["finals"][i][-1]["verdict"]]
            c["answered"] += 1
            c["satisfied"] += i in register["satisfied"]
            c["returned"] += i in register["returned"]
            c["repeated"] += i in register["repeated"]
    assert set(got.index) == set(expected)
    for verdict, c in expected.items():
        row = got.loc[verdict]
        assert (row.answered, row.satisfied, row.returned, row.repeated) == (
            c["answered"], c["satisfied"], c["returned"], c["repeated"]), verdict
        assert row.returned_share == pytest.approx(c["returned"] / c["answered"], abs=1e-3)


def test_an_empty_result_keeps_its_columns(book):
    got = run(book, "verdicts", as_of=datetime(2020, 1, 1, tzinfo=timezone.utc))
    assert got.empty and list(got.columns) == ["event", "automatic", "staff", "total"]


def test_unknown_parameters_and_names_are_refused(book):
    with pytest.raises(UsageError, match="неизвестные параметры"):
        book.run("verdicts", limit=3)
    with pytest.raises(NotFound, match="нет такого запроса"):
        book.run("no_such_query")


def test_every_cookbook_query_was_tested():
    names = {n.split("_", 1)[1] for n in cookbook()}
    assert names <= TESTED, names - TESTED
