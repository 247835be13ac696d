"""Year 1 and year 9999 never raise in the pure cores (issue 16): the seasonal calendar, the row builder and the SLA
clock take them (input checks keep such dates out, but a core must not fall over on one that got through)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from alerting.campaigns import Calendar
from alerting.lifecycle import Sla, due_sla, sla_marks, start
from core.records import Alert
from storage import rows

PLUS3 = timezone(timedelta(hours=3))
MINUS3 = timezone(timedelta(hours=-3))
EXTREMES = [datetime(1, 1, 1, 0, 30, tzinfo=PLUS3), datetime(9999, 12, 31, 23, 0, tzinfo=MINUS3),
            datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc), datetime(1, 1, 1, tzinfo=timezone.utc)]


@pytest.mark.parametrize("at", EXTREMES)
def test_seasonal_threshold_at_the_ends_of_time(at):
    assert Calendar.load().threshold("emergency", at, 0.55) <= 0.55


@pytest.mark.parametrize("at", EXTREMES)
def test_rows_clamp_to_what_the_store_holds(at):
    stored = rows.utc(at)
    assert stored.tzinfo == timezone.utc
    assert datetime(1900, 1, 1, tzinfo=timezone.utc) <= stored
    assert stored <= datetime(2299, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    alert = Alert(alert_id="A-1", kind="story", topic="water", settlement=None, level="high", score=1.0,
                  created_at=at, updated_at=at, first_at=at, last_at=at, post_uids=("u",), sources=("s",),
                  negative_share=1.0, snippets=())
    assert len(rows.alert_row(alert, "t")) == len(rows.ALERT_COLUMNS)


@pytest.mark.parametrize("at", EXTREMES)
def test_sla_clock_at_the_ends_of_time(at):
    risk, _ = start("A-1", at, at)
    assert len(sla_marks(risk, Sla())) == 4
    due_sla(risk, at, Sla())
