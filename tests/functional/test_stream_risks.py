"""The sink's side of the risk workflow (pipeline/stream/risks.py) against the embedded store and a fake Bot API:
a lane's outputs give the risk events and the chat messages the embedded runner's tracker gives, also when
batches come again and when the sink restarts in between."""
from __future__ import annotations

import pytest

from alerting.outbox import Outbox
from core.settings import Settings
from core.taxonomy import load_topics
from pipeline.geo import load_gazetteer
from pipeline.stages import detect_in_order, detector_factory, risk_tracker, tracker_factory
from pipeline.stream.risks import WorkflowWriter
from storage.clickhouse import ClickHouseStore
from storage.risks import RiskStore
from tests.fakes.bot_api import FakeBotApi
from tests.unit.test_stream_workflow import workflow_stream

TOKEN, CHAT = "999:stream", -100999
TOPICS = load_topics()


def settings_for(tg: FakeBotApi) -> Settings:
    # edit_interval_s=0: every card change is an edit at once, so what is sent does not depend on wall time
    return Settings(telegram={"bot_token": TOKEN, "alert_chat_id": str(CHAT), "bot_api_base": tg.base,
                              "max_messages_per_minute": 10_000, "edit_interval_s": 0})


def requests(tg: FakeBotApi) -> list[tuple]:
    return [(c.method, c.params.get("text"), c.params.get("message_id"),
             (c.params.get("reply_parameters") or {}).get("message_id"), str(c.params.get("reply_markup")))
            for c in tg.calls()]


def events(store) -> list[tuple]:
    return [tuple(r.values()) for r in store.query_dicts(
        "SELECT alert_id, event_id, seq, at, event, state, actor, details FROM risk_events FINAL "
        "ORDER BY alert_id, at, seq, event_id")]


@pytest.fixture
def embedded(dsn):
    """The embedded runner's tracker over the workflow stream: (chat requests, risk events, answers)."""
    with FakeBotApi(TOKEN) as tg:
        store = ClickHouseStore.connect(dsn)
        store.migrate()
        tracker, chat = risk_tracker(settings_for(tg), store, "stream", TOPICS)
        detector = detector_factory(Settings(), TOPICS, load_gazetteer())()
        detect_in_order(workflow_stream(), detector, tracker, lambda a, n: None, {})
        tracker.flush()
        chat.close()
        return requests(tg), events(store), store.query_dicts("SELECT * FROM risk_answers FINAL")


def lane_outputs():
    outbox = Outbox()
    tracker = tracker_factory(Settings())([outbox])
    outbox.alerts = tracker.alerts
    detector = detector_factory(Settings(), TOPICS, load_gazetteer())()
    detect_in_order(workflow_stream(), detector, tracker, lambda a, n: None, {})
    return [("Демянский", o) for o in outbox.take()]


def test_outputs_delivered_again_and_a_restarted_sink_give_the_embedded_events_and_chat(embedded, chdb_root):
    outputs = lane_outputs()
    assert len(outputs) >= 10
    cut = len(outputs) // 2
    with FakeBotApi(TOKEN) as tg:
        store = ClickHouseStore.connect(f"chdb://{chdb_root}?database=kafka_risks")
        store.migrate()
        first = WorkflowWriter(settings_for(tg), TOPICS, "stream", "t.risks.v1")
        assert first.write(store, outputs[:cut]) == cut
        assert first.write(store, outputs[1:cut + 3]) == 3         # a redelivery: only the new ones
        first.close()
        again = WorkflowWriter(settings_for(tg), TOPICS, "stream", "t.risks.v1")   # the sink restarted
        assert again.write(store, outputs[2:]) == len(outputs) - cut - 3
        again.close()
        chat_requests = requests(tg)
    want_requests, want_events, want_answers = embedded
    assert chat_requests == want_requests
    assert sum(1 for r in chat_requests if r[0] == "sendMessage" and r[4] != "None") >= 2    # cards, once each
    assert events(store) == want_events
    assert store.query_dicts("SELECT * FROM risk_answers FINAL") == want_answers
    assert RiskStore(store).offset("t.risks.v1:Демянский") == len(outputs)


def test_a_restarted_sink_posts_notices_under_the_card_an_earlier_one_sent(chdb_root):
    outputs = lane_outputs()
    card = next(n for n, (_, o) in enumerate(outputs) if o.event is None)
    notice = next(n for n, (_, o) in enumerate(outputs) if n > card and o.event is not None
                  and o.event.event == "answered")
    with FakeBotApi(TOKEN) as tg:
        store = ClickHouseStore.connect(f"chdb://{chdb_root}?database=kafka_resume")
        store.migrate()
        WorkflowWriter(settings_for(tg), TOPICS, "stream", "r").write(store, outputs[:notice])
        card_id = RiskStore(store).message(str(CHAT), outputs[card][1].risk.alert_id)[0]
        WorkflowWriter(settings_for(tg), TOPICS, "stream", "r").write(store, outputs[notice:notice + 1])
        sent = tg.calls("sendMessage")[-1].params
    assert "Ответ" in sent["text"] or "ответ" in sent["text"]
    assert sent["reply_parameters"]["message_id"] == card_id
