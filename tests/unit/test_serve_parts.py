"""dozor serve's pure parts: the SLA clock, the SQL page's guard, passwords, the digest schedule, the supervisor,
health, the chat's observation and backlog, the SVG's escaping."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from alerting.bot_api import BotApiError
from alerting.lifecycle import Sla
from core.risks import RiskEvent
from core.settings import Digest
from pipeline.digests import due_periods
from pipeline.serve.auth import check_login, hash_password, verify_password
from pipeline.serve.chat import CardBacklog, ObservedApi
from pipeline.serve.health import Health
from pipeline.serve.supervisor import Supervised, next_backoff
from pipeline.serve.svg import map_svg, timeline_svg
from pipeline.serve.views import register_rows, sla_clock
from storage.readonly import check_select

T0 = datetime(2026, 3, 24, 8, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)


@pytest.mark.parametrize("age_h, answered_h, text, css", [
    (2, None, "до норматива 6 ч 00 мин, до срока 22 ч 00 мин", "ok"),
    (6.5, None, "до норматива 1 ч 30 мин, до срока 17 ч 30 мин", "soon"),
    (9, None, "норматив нарушен; до срока 15 ч 00 мин", "overdue"),
    (26, None, "срок истёк 2 ч 00 мин назад", "overdue"),
    (50, None, "срок истёк 1 сут 2 ч назад", "overdue"),
    (30, 3, "ответ через 3 ч 00 мин", "done"),
    (30, 10.25, "ответ через 10 ч 15 мин (позже норматива)", "late"),
])
def test_sla_clock_counts_from_the_first_post(age_h, answered_h, text, css) -> None:
    answered = T0 + answered_h * H if answered_h is not None else None
    clock = sla_clock(T0, answered, T0 + age_h * H, Sla())
    assert (clock["text"], clock["css"]) == (text, css)


def test_register_puts_the_most_urgent_first_and_filters() -> None:
    def risk(alert_id, first_h, level="средний", settlement="Демянск", state="new"):
        return {"alert_id": alert_id, "level": level, "topic": "water", "settlement": settlement, "n_posts": 3,
                "first_at": T0 + first_h * H, "answered_at": None, "state": state, "taken_by": ""}
    rows = [risk("A-new", 20), risk("A-old", 0), risk("A-mid", 10, "высокий", "Лычково"),
            dict(risk("A-answered", -5), answered_at=T0)]
    now = T0 + 21 * H

    def ids(**kw):
        found, total = register_rows(rows, now, Sla(), {}, timezone.utc, **kw)
        return [r["alert_id"] for r in found], total
    assert ids() == (["A-old", "A-mid", "A-new", "A-answered"], 4)
    assert ids(limit=2) == (["A-old", "A-mid"], 4)
    assert ids(filters={"settlement": "Лычково"}) == (["A-mid"], 1)
    sla = register_rows(rows, now, Sla(), {}, timezone.utc)[0][0]["sla"]
    assert sla["text"] == "норматив нарушен; до срока 3 ч 00 мин"


@pytest.mark.parametrize("sql, refused", [
    ("SELECT count() FROM posts", None),
    ("  with 1 AS x select x", None),
    ("SELECT 'SETTINGS' AS word", None),
    ("SELECT 1;", None),
    ("INSERT INTO posts SELECT * FROM posts", "только запросы SELECT"),
    ("DROP TABLE posts", "только запросы SELECT"),
    ("SELECT 1; DROP TABLE posts", "только один запрос"),
    ("SELECT 1 SETTINGS readonly = 0", "SETTINGS"),
    ("-- just a comment", "Пустой запрос"),
])
def test_the_sql_page_takes_one_select_only(sql, refused) -> None:
    why = check_select(sql)
    assert (why is None) if refused is None else (refused in why)


def test_passwords_are_salted_scrypt_hashes() -> None:
    stored = hash_password("дежурный-2026")
    assert stored.startswith("scrypt$") and stored != hash_password("дежурный-2026")
    assert verify_password("дежурный-2026", stored) and not verify_password("дежурный-2025", stored)
    assert not verify_password("x", "md5$abc") and not verify_password("x", "garbage")
    assert check_login({"duty": stored}, "duty", "дежурный-2026") and not check_login({"duty": stored}, "boss", "x")


MONDAY = datetime(2026, 3, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("at, sent, due", [
    ("07:59", {}, []),
    ("08:00", {}, ["day"]),
    ("09:30", {}, ["day", "week"]),
    ("09:30", {"day": MONDAY.date().toordinal()}, ["week"]),
    ("23:00", {}, []),                      # more than 12 h late: that day's digest is skipped
])
def test_digest_schedule(at, sent, due) -> None:
    now = datetime.combine(MONDAY.date(), datetime.strptime(at, "%H:%M").time(), timezone.utc)
    assert due_periods(Digest(daily_at="08:00", weekly_at="09:00", weekday=1), now, sent) == due
    assert due_periods(Digest(daily_at="08:00", weekly_at="09:00", weekday=2), now, sent) == \
        [p for p in due if p == "day"]


class _Stop(threading.Event):
    """Records the waits instead of sleeping; set after `steps` waits."""

    def __init__(self, steps: int):
        super().__init__()
        self.waits, self.steps = [], steps

    def wait(self, timeout=None):
        self.waits.append(timeout)
        if len(self.waits) >= self.steps:
            self.set()
        return self.is_set()


def test_a_failing_step_is_retried_with_backoff_and_the_component_says_so() -> None:
    health = Health(clock=lambda: 100.0)
    component = health.add("collector", "сбор")
    outcomes = iter([RuntimeError("база недоступна"), RuntimeError("база недоступна"), None, None])
    seen = []

    def step(stop):
        outcome = next(outcomes)
        seen.append(component.state)
        if outcome is not None:
            raise outcome
    stop = _Stop(4)
    Supervised(component, step, every_s=5, max_backoff_s=60).run(stop)
    assert stop.waits == [1.0, 2.0, 5, 5]
    assert seen == ["starting", "error", "error", "ok"]
    assert component.state == "stopped" and component.failures == 0
    assert [next_backoff(b, 60) for b in (0, 1, 32, 60)] == [1, 2, 60, 60]


def test_health_reports_an_outage_and_a_stale_part() -> None:
    now = [1000.0]
    health = Health(clock=lambda: now[0])
    chat, digest = health.add("chat", "чат"), health.add("digest", "дайджест", stale_s=60)
    chat.failed("Telegram getUpdates: 0 нет связи с Bot API")
    digest.ok()
    now[0] += 120
    snap = health.snapshot()
    assert snap["status"] == "degraded" and snap["problems"] == ["chat", "digest"]
    assert snap["components"]["chat"]["error"].startswith("Telegram getUpdates")
    assert snap["components"]["digest"]["last_success_age_s"] == 120.0
    chat.ok()
    digest.ok()
    assert health.snapshot()["status"] == "ok"


class _Counter:
    def __init__(self):
        self.counts = {}

    def labels(self, method):
        counter = self

        class _One:
            def inc(self):
                counter.counts[method] = counter.counts.get(method, 0) + 1
        return _One()


class _Api:
    def __init__(self, error=None):
        self.error = error

    def send_message(self, chat_id, text, **kw):
        if self.error:
            raise self.error
        return {"message_id": 1}


def test_observed_api_marks_outages_and_counts_errors() -> None:
    health, errors = Health(), _Counter()
    component = health.add("chat", "чат")
    ObservedApi(_Api(), component, errors).send_message(1, "x")
    assert component.state == "ok"
    with pytest.raises(BotApiError):
        ObservedApi(_Api(BotApiError("sendMessage", 0, "нет связи")), component, errors).send_message(1, "x")
    assert component.state == "error" and errors.counts == {"sendMessage": 1}
    with pytest.raises(BotApiError):                       # a refused message: Telegram is there
        ObservedApi(_Api(BotApiError("sendMessage", 400, "bad")), health.add("c2", "c"), errors).send_message(1, "x")
    assert health.components["c2"].state == "starting" and errors.counts == {"sendMessage": 2}


class _Risks:
    """Stored history as RiskRecords gives it: one `detected` event per alert."""

    def alert(self, alert_id):
        return f"alert {alert_id}"

    def events(self, alert_id):
        at = datetime(2026, 3, 30, 9, tzinfo=timezone.utc)
        return [RiskEvent(alert_id, "detected", at, "new", "dozor")]


class _Chat:
    def __init__(self, down):
        self.down, self.shown = down, []

    def show(self, alert, risk):
        if self.down:
            raise BotApiError("sendMessage", 0, "нет связи")
        self.shown.append((alert, risk))

    def flush(self, force=False):
        pass


def test_the_backlog_shows_missed_cards_once_the_chat_is_back() -> None:
    backlog = CardBacklog()
    for alert_id in ("A-1", "A-2", "A-1"):
        backlog.add(alert_id)
    assert backlog.drain(_Risks(), _Chat(down=True)) == 0 and len(backlog) == 2
    chat = _Chat(down=False)
    assert backlog.drain(_Risks(), chat) == 2 and len(backlog) == 0
    assert [(alert, risk.alert_id, risk.state) for alert, risk in chat.shown] == [
        ("alert A-1", "A-1", "new"), ("alert A-2", "A-2", "new")]


def test_svg_escapes_names_and_links_posts() -> None:
    svg = map_svg([{"name": "<script>Лычково", "lat": 57.9, "lon": 32.4, "open": 2, "volume": 10, "href": "/?s=1"},
                   {"name": "Демянск", "lat": 57.64, "lon": 32.47, "open": 0, "volume": 40, "href": ""},
                   {"name": "Без координат", "lat": None, "lon": None, "open": 1, "volume": 1, "href": ""}])
    assert "<script>" not in svg and "&lt;script&gt;Лычково (2)" in svg and "Без координат" not in svg
    post = {"published_at": T0, "source": "vk:-1", "text": "нет <воды>", "url": "https://vk.com/wall-1_2",
            "negative": 0.9}
    line = timeline_svg([post], T0 + H, T0 - H, T0 + 2 * H, timezone.utc)
    assert 'href="https://vk.com/wall-1_2"' in line and "нет &lt;воды&gt;" in line and "ответ" in line
