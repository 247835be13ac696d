"""The risk lifecycle as a pure event-time state machine: transitions, SLA from the first post, golden texts."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from alerting.lifecycle import Sla, TransitionError, apply, due_sla, replay, start
from alerting.reaction import Mention, Reaction, next_step
from alerting.risk_text import event_text, sla_text, state_text
from core.errors import ConfigError

MSK = timezone(timedelta(hours=3))
FIRST = datetime(2026, 3, 24, 6, 52, tzinfo=MSK)
SLA = Sla(norm_s=8 * 3600, deadline_s=24 * 3600, remind_before_s=2 * 3600)


def at(hours: float) -> datetime:
    return FIRST + timedelta(hours=hours)


def new_risk(detected_h: float = 0.5):
    return start("A-1", FIRST, at(detected_h), {"first_at": FIRST.isoformat()})[0]


def test_the_happy_path_and_its_history():
    risk = new_risk()
    risk, _ = apply(risk, "taken", at(1), "@ivanova")
    risk, _ = apply(risk, "answered", at(3), "@ivanova", {"origin": "chat", "platforms": ["ВКонтакте"],
                                                          "links": ["https://vk.com/wall-1_2"], "after_first_s": 10800})
    risk, _ = apply(risk, "watching", at(4))
    risk, _ = apply(risk, "worked_out", at(16))
    assert [e.event for e in risk.history] == ["detected", "taken", "answered", "watching", "worked_out"]
    assert [e.state for e in risk.history] == ["new", "in_work", "answered", "watching", "worked_out"]
    assert risk.taken_by == "@ivanova" and risk.answered_at == at(3) and risk.verdict_at == at(16)
    assert replay(list(reversed(risk.history))) == risk          # the stored history rebuilds the risk
    assert len({e.event_id for e in risk.history}) == 5


def test_a_closed_risk_refuses_actions_in_russian_and_reopens():
    risk, _ = apply(new_risk(), "false_alarm", at(1), "@petrov")
    refused = "в состоянии «ложное срабатывание»: действие «Взять в работу» невозможно"
    with pytest.raises(TransitionError, match=refused):
        apply(risk, "taken", at(2), "@ivanova")
    done, _ = apply(new_risk(), "worked_out", at(1), "@petrov")
    reopened, ev = apply(done, "reopened", at(5), details={"complaints": 2})
    assert reopened.state == "in_work" and ev.state == "in_work"


def test_history_never_runs_backwards_and_same_time_events_get_a_sequence():
    risk, ev1 = apply(new_risk(1), "taken", at(1), "@a")
    risk, ev2 = apply(risk, "topic_changed", at(0), "@a", {"from": "water", "to": "roads"})
    assert ev2.at == at(1) and (ev1.seq, ev2.seq) == (1, 2) and risk.topic == "roads"


def test_sla_counts_from_the_first_post_not_from_detection():
    risk = new_risk(0.5)
    assert due_sla(risk, at(5.9), SLA)[1] == []
    risk, events = due_sla(risk, at(6), SLA)
    assert [(e.event, e.details["kind"], e.at) for e in events] == [("reminder", "norm_soon", at(6))]
    risk, events = due_sla(risk, at(23), SLA)
    assert [(e.details["kind"], e.at) for e in events] == [("norm_missed", at(8)), ("deadline_soon", at(22))]
    risk, events = due_sla(risk, at(30), SLA)                    # checked late: raised at its own time
    assert [(e.event, e.at) for e in events] == [("escalated", at(24))]
    assert due_sla(risk, at(40), SLA)[1] == []                   # each mark once


def test_a_reminder_whose_mark_has_passed_is_skipped():
    risk = new_risk(9)                                           # raised 9 h after its first post
    risk, events = due_sla(risk, at(9), SLA)
    assert [e.details["kind"] for e in events] == ["norm_missed"]
    assert events[0].at == at(9)                                 # not before the risk existed


def test_an_answered_risk_gets_no_reminders():
    risk, _ = apply(new_risk(), "answered", at(2), "@a", {})
    assert due_sla(risk, at(30), SLA)[1] == []


def test_golden_texts():
    tz = MSK
    risk = new_risk()
    risk, taken = apply(risk, "taken", at(1), "@ivanova")
    assert event_text(taken, tz) == "24.03 07:52 Взят в работу (@ivanova)"
    assert state_text(risk) == "Статус: в работе · ответственный: @ivanova"
    assert sla_text(risk, SLA, tz) == "Ответ: норматив до 24.03 14:52, крайний срок до 25.03 06:52"
    risk, (soon,) = due_sla(risk, at(6), SLA)
    assert event_text(soon, tz) == "24.03 12:52 Напоминание: до норматива ответа осталось 2 ч (до 24.03 14:52)"
    risk, (missed,) = due_sla(risk, at(8), SLA)
    assert event_text(missed, tz) == "24.03 14:52 ⚠ Норматив ответа нарушен: ответа нет с первого сообщения (8 ч)"
    assert sla_text(risk, SLA, tz).endswith(" — ⚠ норматив нарушен")
    risk, answered = apply(risk, "answered", at(9.5), "@ivanova",
                           {"origin": "chat", "platforms": ["ВКонтакте", "Telegram"],
                            "links": ["https://vk.com/wall-1_2", "https://t.me/c/5"], "after_first_s": 34200})
    assert event_text(answered, tz) == ("24.03 16:22 Ответ зарегистрирован (в чате): ВКонтакте, Telegram; "
                                        "2 ссылки, через 9 ч 30 мин после первого сообщения")
    assert sla_text(risk, SLA, tz) == "Ответ дан 24.03 16:22, через 9 ч 30 мин после первого сообщения (в срок)"
    verdict = {"after_posts": 3, "after_per_hour": 0.25, "after_negative_share": 0.333, "before_per_hour": 2.5,
               "before_negative_share": 0.9, "new_sources": [], "quiet_s": 43200}
    risk, _ = apply(risk, "watching", at(10.5))
    risk, done = apply(risk, "worked_out", at(22), details=verdict)
    assert event_text(done, tz) == ("25.03 04:52 Предлагается вердикт «отработан»: 12 ч без распространения и "
                                    "негативной реакции; после ответа 3 сообщения (0.25 в час, негативных 33%), "
                                    "до ответа 2.5 в час (негативных 90%); новых источников нет")


REACTION = Reaction(quiet_s=12 * 3600, compare_s=6 * 3600, watch_after_s=3600, reopen_posts=2,
                    official_sources=("vk:-193847201",))


def mention(uid: str, hours: float, source: str = "vk:-1", negative: bool = True) -> Mention:
    return Mention(uid, at(hours), source, negative)


def test_reaction_watching_then_verdict_after_a_quiet_period():
    risk, _ = apply(new_risk(), "answered", at(4), "@a", {})
    before = [mention(f"b{i}", 1 + i * 0.5) for i in range(6)]              # 6 negative posts before the answer
    after = [mention("a1", 4.5), mention("a2", 6, negative=False), mention("a3", 7, source="tg:new")]
    ms = before + after
    event, when, figures = next_step(risk, ms, at(5), REACTION)
    assert (event, when) == ("watching", at(5))
    assert figures["before_posts"] == 6 and figures["before_per_hour"] == 1.0 and figures["after_posts"] == 1
    risk, _ = apply(risk, "watching", when, details=figures)
    assert next_step(risk, ms, at(18.9), REACTION) is None                   # the spread at 7 h resets the clock
    event, when, figures = next_step(risk, ms, at(19), REACTION)
    assert (event, when) == ("worked_out", at(19))
    assert figures["new_sources"] == ["tg:new"] and figures["after_posts"] == 3 and figures["quiet_s"] == 43200


def test_renewed_complaints_reopen_a_worked_out_risk():
    risk, _ = apply(new_risk(), "answered", at(4), "@a", {})
    risk, _ = apply(risk, "watching", at(5))
    risk, _ = apply(risk, "worked_out", at(17))
    ms = [mention("r1", 20), mention("ok", 21, negative=False)]
    assert next_step(risk, ms, at(21), REACTION) is None                     # one complaint is not a trend
    event, when, details = next_step(risk, ms + [mention("r2", 22)], at(22), REACTION)
    assert (event, when, details["uids"]) == ("reopened", at(22), ["r1", "r2"])


def test_replies_on_the_official_page_are_reaction_not_spread():
    risk, _ = apply(new_risk(), "answered", at(4), "@a", {})
    risk, _ = apply(risk, "watching", at(5))
    ms = [mention("b", 1), mention("c", 4.2, source="vk:-193847201", negative=False)]
    event, when, figures = next_step(risk, ms, at(16), REACTION)
    assert (event, when, figures["new_sources"]) == ("worked_out", at(16), [])


def test_the_seasonal_calendar_wraps_the_year_and_lowers_thresholds_in_season():
    from datetime import date

    from alerting.campaigns import Calendar
    cal = Calendar.load()
    assert {c.key for c in cal.active(date(2026, 1, 10))} == {"heating", "ice"}      # seasons across new year
    assert {c.key for c in cal.active(date(2026, 3, 25))} == {"heating", "flood"}     # ice ended 15.03
    assert cal.threshold("emergency", datetime(2026, 3, 25, 12, tzinfo=MSK), 0.55) == 0.45   # flood season
    assert cal.threshold("emergency", datetime(2026, 3, 1, 12, tzinfo=MSK), 0.55) == 0.55
    assert cal.threshold("culture_sport", datetime(2026, 3, 25, 12, tzinfo=MSK), 0.55) == 0.55
    due = cal.reminders(date(2026, 2, 28), date(2026, 4, 10))
    assert [(c.key, remind, start) for c, remind, start in due] == [
        ("flood", date(2026, 3, 1), date(2026, 3, 15)), ("fire", date(2026, 4, 5), date(2026, 4, 15))]


def test_a_broken_calendar_says_where(tmp_path):
    from alerting.campaigns import Calendar
    bad = tmp_path / "c.yaml"
    bad.write_text("campaigns:\n  flood: {name: П, start: '13-01', end: '05-01', message: x}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="календарь кампаний: ошибка в «flood»"):
        Calendar.load(bad)
