"""The demo week in a database, plus a known risk workflow written over its alerts (until issue 6's workflow
fills risk_events/risk_answers itself): each story is answered by the administration's own post about it on
its official page (pipeline/data/demo/truth.json related_ids), and given a known fate below."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

from pipeline.commands.demo import demo_path

OFFICIAL = "vk:-193847201"
# (topic, settlement) -> the events after `detected`: (event, state, actor, hours after the answer)
FATES = {
    ("water", "Лычково"): [("taken", "in_work", "monitor", -2.0), ("answered", "answered", "monitor", 0.0),
                           ("worked_out", "worked_out", "dozor", 24.0)],
    ("heating", "Демянск"): [("answered", "answered", "monitor", 0.0), ("worked_out", "worked_out", "dozor", 20.0),
                             ("reopened", "in_work", "Иванова", 30.0)],
    ("roads", "Ямник"): [("false_alarm", "false_alarm", "Иванова", None)],
    ("emergency", "Жирково"): [("answered", "answered", "monitor", 0.0),
                               ("worked_out", "worked_out", "Иванова", 10.0)],
    ("power", "Ильина Гора"): [("taken", "in_work", "monitor", -1.0), ("answered", "answered", "monitor", 0.0),
                               ("watching", "watching", "monitor", 2.0)],
}   # the storm in Ильина Гора (a tree on the wires, then no power) is one story since stories go by meaning
# a second, late answer to the Demyansk heating story (a chat registration), hours after the story
LATE_CHAT_ANSWER_H = 40.0


def _posts_by_id() -> dict[str, dict]:
    return {p["id"]: p for p in map(json.loads, demo_path().read_text(encoding="utf-8").splitlines())}


def official_answers() -> dict[tuple[str, str], dict]:
    """(topic, settlement) -> the first official top-level post among the incident's related posts."""
    truth = json.loads(demo_path().with_name("truth.json").read_text(encoding="utf-8"))
    posts = _posts_by_id()
    out = {}
    for inc in truth["incidents"]:
        mine = [posts[i] for i in inc.get("related_ids", []) if posts[i]["source"] == OFFICIAL and "_c" not in i]
        if mine:
            out[(inc["topic"], inc["settlement"])] = min(mine, key=lambda p: p["published_at"])
    return out


def _id(*parts) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def risk_rows(store, as_of=None) -> dict:
    """What risk_events / risk_answers hold, read plainly and folded in Python (latest row per key, no SQL
    aggregation): {alert_id: {"events": [(event, state, actor, at, seq)] in (at, seq) order, "answers": [at]}}."""
    out: dict = {}
    seen = set()
    for r in store.query_dicts("SELECT alert_id, event_id, seq, at, event, state, actor FROM risk_events"):
        at = r["at"].replace(tzinfo=timezone.utc)
        if (r["alert_id"], r["event_id"]) in seen or (as_of is not None and at > as_of):
            continue
        seen.add((r["alert_id"], r["event_id"]))
        out.setdefault(r["alert_id"], {"events": [], "answers": []})["events"].append(
            (r["event"], r["state"], r["actor"], at, r["seq"]))
    answers = {}
    for r in store.query_dicts("SELECT alert_id, answer_id, answered_at FROM risk_answers"):
        at = r["answered_at"].replace(tzinfo=timezone.utc)
        if as_of is None or at <= as_of:
            answers[(r["alert_id"], r["answer_id"])] = at
    for (alert_id, _), at in answers.items():
        out.setdefault(alert_id, {"events": [], "answers": []})["answers"].append(at)
    for risk in out.values():
        risk["events"].sort(key=lambda e: (e[3], e[4]))
        risk["answers"].sort()
    return out


def fill_risks(store) -> bool:
    """The sample workflow below when the demo left the risk tables empty; True when it was written."""
    if store.scalar("SELECT count() FROM risk_events") or store.scalar("SELECT count() FROM risk_answers"):
        return False
    write_risks(store)
    return True


def write_risks(store) -> dict:
    """Write the known workflow; returns what was written: {alert_id: {"events": [...], "answers": [...]}}."""
    answers = official_answers()
    written = {}
    for alert in store.alerts():
        key = (alert["topic"], alert["settlement"])
        fate = FATES.get(key)
        if fate is None:
            continue
        events = [("detected", "new", "dozor", alert["created_at"])]
        rows_a = []
        post = answers.get(key)
        answered_at = (datetime.fromisoformat(post["published_at"]).astimezone(timezone.utc) if post
                       else alert["created_at"] + timedelta(hours=1))
        for event, state, actor, h in fate:
            at = answered_at + timedelta(hours=h) if h is not None else alert["created_at"] + timedelta(hours=3)
            events.append((event, state, actor, max(at, alert["created_at"])))
        if post and any(e[0] == "answered" for e in fate):
            rows_a.append((alert["alert_id"], post["id"], answered_at, post["text"], ["vk"], [post["url"]],
                           [post["id"]], OFFICIAL, "official_page", "demo"))
        if key == ("heating", "Демянск"):
            at = alert["created_at"] + timedelta(hours=LATE_CHAT_ANSWER_H)
            rows_a.append((alert["alert_id"], "chat-1001", at, "Ремонт котельной завершён", ["vk", "telegram"],
                           ["https://vk.com/wall-193847201_9999"], [], "monitor", "chat", "demo"))
        rows_e = [(alert["alert_id"], _id(alert["alert_id"], ev, at, actor), seq, at, ev, state, actor, "{}", "demo")
                  for seq, (ev, state, actor, at) in enumerate(events)]
        store.client.insert("risk_events", rows_e, column_names=(
            "alert_id", "event_id", "seq", "at", "event", "state", "actor", "details", "dataset"))
        if rows_a:
            store.client.insert("risk_answers", rows_a, column_names=(
                "alert_id", "answer_id", "answered_at", "text", "platforms", "links", "linked_uids", "author",
                "origin", "dataset"))
        written[alert["alert_id"]] = {"alert": alert, "events": events, "answers": [r[2] for r in rows_a]}
    return written
