"""Staff get an answer when the backlog is large (issue 16, 4) and a button cannot invent a label (8): /risks pages
within Telegram's limit, /risk is cut between whole lines (never inside markup), settopic: takes known topics only."""
from __future__ import annotations

from datetime import timedelta

import pytest

from alerting.lifecycle import apply, start, stored_risk
from tests.conftest import T0
from tests.contract.test_alert_chat import CHAT, STAFF, desk, events, make_alert, tg  # noqa: F401 - fixtures
from tests.fakes.bot_api import html_error


def replies(tg, before):  # noqa: F811
    return [c.params["text"] for c in tg.calls("sendMessage")[before:]]


def test_risks_come_in_pages_within_the_limit(tg, desk):  # noqa: F811
    bot, risks, store, _ = desk
    alerts = [make_alert(3, alert_id=f"A-{i:03d}") for i in range(79)]
    store.write_alerts(alerts, "test")
    risks.write_events([start(a.alert_id, a.first_at, a.created_at, {"first_at": a.first_at.isoformat()})[1]
                        for a in alerts])
    pages, before, n = [], len(tg.calls("sendMessage")), 1
    while True:
        bot.handle(tg.say(STAFF, CHAT, f"/risks {n}" if n > 1 else "/risks"))
        text = replies(tg, before)[-1]
        pages.append(text)
        if f"/risks {n + 1}" not in text:
            break
        n += 1
    assert len(pages) > 1
    assert all(len(p) <= 4096 and html_error(p) is None for p in pages)
    listed = {a.alert_id for a in alerts + [make_alert(3)] if any(a.alert_id + "<" in p for p in pages)}
    assert len(listed) == 80                                              # every open risk on some page
    assert all(t == p for t, p in zip(replies(tg, before), pages, strict=False))        # Telegram accepted every page


@pytest.mark.parametrize("pad", range(6))            # shifts where 4,000 characters end: some land in an entity
def test_a_long_risk_history_is_cut_between_lines(tg, desk, pad):  # noqa: F811
    bot, risks, store, _ = desk
    risk = stored_risk(risks, "A-1")
    evs = []
    for i in range(150):
        risk, ev = apply(risk, "taken", T0 + timedelta(minutes=i), "x" * pad + f"<&> {i:03d} &&&&&&")
        evs.append(ev)
    risks.write_events(evs)
    before = len(tg.calls("sendMessage"))
    bot.handle(tg.say(STAFF, CHAT, "/risk A-1"))
    (text,) = replies(tg, before)
    assert len(text) <= 4096 and html_error(text) is None
    assert len(tg.sent_to(CHAT)[-1]["text"]) > 1000                       # delivered, not refused


def test_settopic_takes_only_a_known_topic(tg, desk):  # noqa: F811
    bot, risks, store, _ = desk
    bot.handle(tg.press(STAFF, CHAT, 1, "settopic:A-1:<script>"))
    assert tg.calls("answerCallbackQuery")[-1].params["text"] == "Неизвестная тема «<script>»."
    assert store.scalar("SELECT count() FROM labels") == 0
    assert [e[0] for e in events(risks)] == ["detected"]
    bot.handle(tg.press(STAFF, CHAT, 1, "settopic:A-1:roads"))
    assert [e[0] for e in events(risks)] == ["detected", "topic_changed"]
    assert store.scalar("SELECT groupUniqArray(label) FROM labels") == ["roads"]
