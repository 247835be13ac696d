"""The risk workflow end to end in event time: a story → card → «Взять в работу» → answer with links →
follow-ups → «отработан» after the quiet period (and a variant where new complaints reopen it); and the demo
week, whose administration posts register as answers, through a fake Bot API."""
from __future__ import annotations

from datetime import timedelta

import pytest

from alerting.bot import Bot
from alerting.chat import AlertChat, ChatSink
from alerting.detect import Detector
from alerting.workflow import RiskTracker
from core.settings import Settings
from core.taxonomy import load_topics
from storage.risks import RiskStore, RiskStoreSink
from tests.conftest import T0, make_enriched
from tests.fakes.bot_api import FakeBotApi

TOKEN, CHAT, STAFF = "777:workflow", -100555, 31337


@pytest.fixture
def tg():
    with FakeBotApi(TOKEN) as fake:
        yield fake


def story_post(uid, minutes, author=None, parent=None, negative=0.9, sentiment="negative", source="vk:-1"):
    return make_enriched(uid, minutes, topic="water", settlement="Лычково", author=author, parent=parent,
                         negative=negative, sentiment=sentiment, source=source)


def quiet_post(uid, minutes):
    return make_enriched(uid, minutes, topic="other", negative=0.1, sentiment="neutral", source="vk:-9")


def run_scenario(tg, store, reopen: bool):
    settings = Settings(telegram={"bot_token": TOKEN, "alert_chat_id": str(CHAT), "bot_api_base": tg.base,
                                  "staff_user_ids": (STAFF,), "max_messages_per_minute": 1000})
    topics = load_topics()
    risks = RiskStore(store, "scenario")
    chat = AlertChat.from_settings(settings, risks, topics)
    tracker = RiskTracker(settings.risks, [RiskStoreSink(risks), ChatSink(chat)])
    detector = Detector(settings.detection, topics)
    now = [T0]
    bot = Bot(chat, risks, settings.telegram, clock=lambda: now[0])

    def feed(*posts):
        store.write_posts(list(posts), "scenario")
        for e in posts:
            alerts = detector.process(e)
            store.write_alerts(alerts, "scenario")
            tracker.observe(e, alerts)
        tracker.flush()

    feed(story_post("vk:-1_1", 0), story_post("vk:-1_2", 10), story_post("vk:-1_3", 20))     # a story: card 1
    store.write_posts([make_enriched("vk:-500_1", 50, topic="water", settlement="Лычково", sentiment="neutral",
                                     negative=0.1, source="vk:-500", text="Подвоз воды у школы")], "scenario")
    now[0] = T0 + timedelta(minutes=30)
    bot.handle(tg.press(STAFF, CHAT, 1, "take:A-" + tracker_id(tracker)))
    bot.handle(tg.say(STAFF, CHAT, "Подвоз воды организован у школы, воду дадут к 18:00.\n"
                      "https://vk.com/wall-500_1", reply_to=1, date=int((T0 + timedelta(hours=1)).timestamp())))
    tracker.sync(risks)
    feed(story_post("vk:-500_1_c2", 90, parent="vk:-500_1"),                     # a complaint under the answer
         quiet_post("q1", 3 * 60), quiet_post("q2", 10 * 60), quiet_post("q3", 14 * 60))
    if reopen:
        feed(story_post("vk:-2_1", 15 * 60, source="vk:-2"), story_post("vk:-2_2", 15 * 60 + 20, source="vk:-2"))
    chat.close()                                                     # edits merged by throttling go out
    alert_id = "A-" + tracker_id(tracker)
    return alert_id, risks, tracker


def tracker_id(tracker) -> str:
    (alert_id,) = tracker.risks
    return alert_id[2:]


def test_story_card_take_answer_followups_then_worked_out(tg, store):
    alert_id, risks, tracker = run_scenario(tg, store, reopen=False)
    history = [(e.event, e.state, e.actor, e.at) for e in risks.events(alert_id)]
    assert [h[:3] for h in history] == [("detected", "new", "dozor"), ("taken", "in_work", "@staff"),
                                        ("answered", "answered", "@staff"), ("watching", "watching", "dozor"),
                                        ("worked_out", "worked_out", "dozor")]
    assert history[3][3] == T0 + timedelta(hours=2)                      # the first figures an hour after
    assert history[4][3] == T0 + timedelta(minutes=90, hours=12)         # 12 quiet hours after the last complaint
    verdict = risks.events(alert_id)[-1].details
    assert verdict["after_posts"] == 1 and verdict["after_negative_share"] == 1.0 and verdict["new_sources"] == []
    (answer,) = risks.answers(alert_id)
    assert answer["linked_uids"] == ["vk:-500_1"] and answer["origin"] == "chat"
    cards = [c for c in tg.calls("sendMessage") if c.params.get("reply_markup")]
    assert len(cards) == 1                                               # one card, edited from then on
    assert {c.params["message_id"] for c in tg.calls("editMessageText")} == {1}
    notices = [c.params["text"] for c in tg.calls("sendMessage") if c.params.get("reply_parameters")]
    assert notices[-1].endswith("Предлагается вердикт «отработан»: 12 ч без распространения и негативной реакции; "
                                "после ответа 1 сообщение (0.08 в час, негативных 100%), до ответа 0.5 в час "
                                "(негативных 100%); новых источников нет")
    assert "Статус: отработан" in tg.messages[(CHAT, 1)]["text"]


def test_new_complaints_after_the_verdict_reopen_the_risk(tg, store):
    alert_id, risks, tracker = run_scenario(tg, store, reopen=True)
    events = risks.events(alert_id)
    assert [e.event for e in events][-2:] == ["worked_out", "reopened"]
    assert events[-1].state == "in_work" and events[-1].details["uids"] == ["vk:-2_1", "vk:-2_2"]
    assert "Риск снова открыт: 2 новые жалобы после вердикта «отработан»" in tg.calls("sendMessage")[-1].params["text"]


def test_the_demo_week_fills_the_risk_tables_and_the_chat(tg, dsn, monkeypatch, tmp_path, models_dir, kit, capsys):
    from pipeline.commands import main
    from storage.clickhouse import ClickHouseStore
    monkeypatch.setenv("DOZOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DOZOR_MODELS_DIR", str(models_dir))
    for key, value in {"BOT_TOKEN": TOKEN, "ALERT_CHAT_ID": str(CHAT), "BOT_API_BASE": tg.base,
                       "MAX_MESSAGES_PER_MINUTE": "10000"}.items():
        monkeypatch.setenv(f"DOZOR_TELEGRAM__{key}", value)
    assert main(["demo", "--db", dsn]) == 0
    out = capsys.readouterr().out
    assert "── Работа с рисками" in out
    store = ClickHouseStore.connect(dsn)
    answers = {r["answer_id"]: r for r in store.query_dicts("SELECT * FROM risk_answers FINAL")}
    # the administration's posts on the water, heating, road, fire and power incidents answer their stories
    assert {"vk:-193847201_7322", "vk:-193847201_7341", "vk:-193847201_7348", "vk:-193847201_7360",
            "vk:-193847201_7375", "vk:-193847201_7396"} <= set(answers)
    assert {r["origin"] for r in answers.values()} == {"official_page"}
    water = answers["vk:-193847201_7322"]["alert_id"]
    rows = store.query_dicts("SELECT event, state, at FROM risk_events FINAL WHERE alert_id = {a:String} "
                             "ORDER BY at, seq", a=water)
    assert [r["event"] for r in rows] == ["detected", "answered", "watching", "answered", "watching", "worked_out"]
    states = store.query_dicts("SELECT alert_id, argMax(state, (at, seq)) AS state FROM risk_events FINAL "
                               "GROUP BY alert_id")
    assert len(states) == len(store.alerts()) and all(r["state"] == "worked_out" for r in states)
    cards = [c for c in tg.calls("sendMessage") if c.params.get("reply_markup")]
    assert len(cards) == len(states)                                    # one card per story ...
    card_ids = {m["message_id"] for m in tg.sent_to(CHAT) if m.get("reply_markup") is not None} | {
        c.params["message_id"] for c in tg.calls("editMessageText")}
    assert len(card_ids) == len(states)                                 # ... edited in place
    assert all("Статус: отработан" in tg.messages[(CHAT, i)]["text"] for i in card_ids)
