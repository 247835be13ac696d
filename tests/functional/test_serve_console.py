"""The web console and /metrics over the demo week with its known risk workflow (tests/functional/demo_db.py),
through the real Starlette app and HTTP client: logins, the register, a risk's page and its actions (the same
lifecycle events as the chat's buttons, the card sent to a fake Bot API), the read-only SQL page, /metrics
against the database."""
from __future__ import annotations

import re
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.settings import Settings
from pipeline.serve.auth import hash_password
from tests.fakes.bot_api import FakeBotApi

PASSWORD = "дежурный-смена-1"
BOT, CHAT = "777:console", -100555
OPEN = ("new", "in_work", "answered", "watching")


@pytest.fixture
def console_db(sample_db, chdb_root):
    """The sample week copied into a database of its own (the tests act on its risks)."""
    from storage.clickhouse import ClickHouseStore
    dsn = f"chdb://{chdb_root}?database=console_{uuid.uuid4().hex[:8]}"
    store = ClickHouseStore.connect(dsn)
    store.migrate()
    source = sample_db.split("database=")[1]
    for table in ("posts", "alerts", "dead_letters", "risk_events", "risk_answers", "source_polls"):
        store.client.command(f"INSERT INTO {table} SELECT * FROM {source}.{table}")
    return dsn, store


@pytest.fixture
def client(console_db, tmp_path):
    from starlette.testclient import TestClient

    from pipeline.serve.app import build_app
    from pipeline.serve.console import Console
    from pipeline.serve.health import Health
    from pipeline.serve.metrics import Metrics
    from storage.clickhouse import ClickHouseStore
    from storage.console import ConsoleQueries

    dsn, store = console_db
    with FakeBotApi(BOT) as tg:
        settings = Settings(data_dir=tmp_path, serve={"accounts": {"ivanova": hash_password(PASSWORD)}},
                            telegram={"bot_token": BOT, "alert_chat_id": str(CHAT), "bot_api_base": tg.base})
        from alerting.chat import AlertChat
        from core.taxonomy import load_topics
        from storage.risks import RiskStore
        chat = AlertChat.from_settings(settings, RiskStore(store), load_topics())
        console = Console.build(settings, store, lambda: ClickHouseStore.connect(dsn).client, chat)
        health = Health()
        health.add("database", "база данных")
        app = build_app(settings, console, health, Metrics(ConsoleQueries(store), health, settings.risks))
        with TestClient(app, follow_redirects=False) as c:
            yield c, store, tg


def login(c) -> None:
    assert c.post("/login", data={"login": "ivanova", "password": PASSWORD}).status_code == 303


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def open_states(store) -> dict[str, str]:
    rows = store.query_dicts("SELECT alert_id, argMax(state, (at, seq)) AS state FROM risk_events FINAL "
                             "GROUP BY alert_id")
    return {r["alert_id"]: r["state"] for r in rows if r["state"] in OPEN}


def test_only_health_is_anonymous(client) -> None:
    c, _, _ = client
    health = c.get("/health")
    assert health.status_code == 200 and health.json()["components"]["database"]["state"] == "ok"
    for path in ("/", "/risk/A-1", "/map", "/sources", "/sql"):
        response = c.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    assert c.get("/metrics").status_code == 401 and c.get("/api/risks").status_code == 401
    assert c.post("/login", data={"login": "ivanova", "password": "не тот"}).status_code == 401
    assert c.get("/metrics", auth=("ivanova", "не тот")).status_code == 401
    assert c.get("/metrics", auth=("ivanova", PASSWORD)).status_code == 200


def test_the_register_lists_the_open_risks_and_filters_them(client) -> None:
    c, store, _ = client
    login(c)
    expected = open_states(store)
    assert expected                                         # the sample week leaves some risks open
    page = c.get("/").text
    assert set(re.findall(r'href="/risk/(A-[0-9a-f]+)"', page)) == set(expected)
    rows = c.get("/api/risks").json()["risks"]
    assert {r["alert_id"] for r in rows} == set(expected)
    assert all(r["sla"]["text"] for r in rows)
    one = rows[0]
    filtered = c.get("/api/risks", params={"settlement": one["settlement"]}).json()["risks"]
    assert {r["settlement"] for r in filtered} == {one["settlement"]}
    everything = c.get("/api/risks", params={"state": "all"}).json()["risks"]
    assert len(everything) == store.scalar("SELECT uniqExact(alert_id) FROM risk_events")


def test_take_in_the_console_writes_the_chat_buttons_event_and_shows_the_card(client) -> None:
    c, store, tg = client
    login(c)
    alert_id = next(a for a, s in sorted(open_states(store).items()) if s in ("new", "in_work"))
    page = c.get(f"/risk/{alert_id}")
    assert page.status_code == 200 and "Взять в работу" in page.text and "Реакция до и после ответа" in page.text
    done = c.post(f"/risk/{alert_id}", data={"action": "take", "csrf": csrf(page.text)})
    assert done.status_code == 303 and "ok=" in done.headers["location"]
    events = store.query_dicts("SELECT event, state, actor FROM risk_events FINAL WHERE alert_id = {a:String} "
                               "ORDER BY at DESC, seq DESC LIMIT 1", a=alert_id)
    assert events == [{"event": "taken", "state": "in_work", "actor": "ivanova"}]
    cards = [call for call in tg.calls() if call.method in ("sendMessage", "editMessageText")
             and alert_id in call.params["text"]]
    assert cards and "в работе" in cards[0].params["text"].lower()
    assert any("Взят в работу (ivanova)" in call.params["text"] for call in tg.calls("sendMessage"))
    assert "Риск взят в работу" in c.get(done.headers["location"]).text
    forged = c.post(f"/risk/{alert_id}", data={"action": "false", "csrf": "forged"})
    assert forged.status_code == 400
    assert store.scalar("SELECT count() FROM risk_events FINAL WHERE alert_id = {a:String} AND "
                        "event = 'false_alarm'", a=alert_id) == 0


def test_the_sql_page_reads_and_refuses_writes(client) -> None:
    c, store, _ = client
    login(c)
    token = csrf(c.get("/sql").text)
    ok = c.post("/sql", data={"sql": "SELECT source, count() AS n FROM posts GROUP BY source ORDER BY source",
                              "csrf": token})
    assert ok.status_code == 200 and "vk:-193847201" in ok.text
    before = store.scalar("SELECT count() FROM posts")
    refused = c.post("/sql", data={"sql": "INSERT INTO posts (uid) VALUES ('x')", "csrf": token})
    assert refused.status_code == 400 and "только запросы SELECT" in refused.text
    assert store.scalar("SELECT count() FROM posts") == before
    book = c.post("/sql", data={"name": "11_open_risks", "csrf": token})
    assert book.status_code == 200 and "alert_id" in book.text
    csv_file = c.post("/sql", data={"sql": "SELECT number FROM numbers(5000)", "csrf": token, "format": "csv"})
    assert csv_file.headers["content-type"].startswith("text/csv")
    lines = csv_file.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "number" and len(lines) == 1 + 1000          # the row limit


def test_map_and_sources_pages(client) -> None:
    c, _, _ = client
    login(c)
    page = c.get("/map").text
    assert "<svg" in page and "Демянск" in page and "Лычково" in page
    assert c.get("/sources").status_code == 200


def test_metrics_parse_and_match_the_database(client) -> None:
    c, store, _ = client
    text = c.get("/metrics", auth=("ivanova", PASSWORD)).text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert all(name.startswith("dozor_") for name in families)

    def samples(name):
        return {tuple(s.labels.values()): s.value for s in families[name].samples if s.name.endswith("_total")
                or s.name == name}
    processed = {r["source"]: r["n"] for r in store.query_dicts("SELECT source, uniqExact(uid) AS n FROM posts "
                                                                 "GROUP BY source")}
    assert samples("dozor_posts_processed") == {(k,): float(v) for k, v in processed.items()}
    levels = {r["level"]: r["n"] for r in store.query_dicts("SELECT level, count() AS n FROM alerts FINAL "
                                                             "GROUP BY level")}
    assert samples("dozor_alerts") == {(k,): float(v) for k, v in levels.items()}
    assert samples("dozor_dead_letters") == {(): float(store.scalar("SELECT count() FROM dead_letters"))}
    assert samples("dozor_risks_open") == {(): float(len(open_states(store)))}
    assert "dozor_process_resident_memory_bytes" in families and "dozor_db_write_seconds" in families
