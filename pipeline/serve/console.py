"""What the console's pages show, read and composed from the database: one object per server, shared by the
request threads (the store's client serialises its queries).

    console = Console.build(settings, store, sql_connect, chat=AlertChat|None, backlog=CardBacklog|None)
    console.register(now, {"level": "высокий"})      # rows for the register (views.register_rows)
    console.risk_page("A-…", now)                    # the risk's page; None when unknown
    console.act("A-…", "take", "ivanova")            # the chat's buttons, from the console: (ok, message)
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from alerting.actions import DONE, StaffActions
from alerting.bot_api import BotApiError
from alerting.lifecycle import ACTION_NAMES, OPEN, STATE_NAMES, Sla, TransitionError, stored_risk
from alerting.risk_text import event_text
from pipeline.serve import svg
from pipeline.serve.views import filter_options, register_rows, sla_clock
from storage.console import ALL, ConsoleQueries
from storage.console import OPEN as OPEN_STATES
from storage.readonly import ReadOnlySql
from storage.risks import RiskStore

log = logging.getLogger("dozor.serve")
BUTTONS = (("take", "Взять в работу"), ("false", "Ложное срабатывание"), ("done", "Отработано"))


@dataclass
class Console:
    settings: object
    store: object
    queries: ConsoleQueries
    risks: RiskStore
    actions: StaffActions
    sql: ReadOnlySql
    topics: dict
    gazetteer: object
    sla: Sla
    tz: ZoneInfo
    backlog: object | None = None                 # pipeline.serve.chat.CardBacklog: cards to show again

    @classmethod
    def build(cls, settings, store, sql_connect, chat=None, backlog=None, dataset: str = "live") -> Console:
        from core.taxonomy import load_topics
        from pipeline.geo import load_gazetteer
        topics = load_topics(settings.topics_file)
        risks = RiskStore(store, dataset)
        return cls(settings, store, ConsoleQueries(store), risks, StaffActions(risks, chat, topics),
                   ReadOnlySql(sql_connect), topics, load_gazetteer(settings.gazetteer_file), Sla.of(settings.risks),
                   ZoneInfo(settings.timezone), backlog)

    # --- the register ---------------------------------------------------------------------------------------
    def register(self, now: datetime, filters: dict) -> tuple[list[dict], dict, int]:
        """The most urgent `serve.register_rows` risks, the filters' options and how many matched. Open risks by
        default; state "all" or a closed state shows those instead."""
        state = filters.get("state", "")
        states = ALL if state == "all" else (state,) if state in ALL else OPEN_STATES
        risks = self.queries.open_risks(states=states)
        rows, total = register_rows(risks, now, self.sla, self.topics, self.tz, dict(filters, state=""),
                                    self.settings.serve.register_rows)
        return rows, filter_options(risks, self.topics), total

    # --- a risk ---------------------------------------------------------------------------------------------
    def risk_page(self, alert_id: str, now: datetime) -> dict | None:
        alert, risk = self.risks.alert(alert_id), stored_risk(self.risks, alert_id)
        if alert is None:
            return None
        posts = self.queries.risk_posts(list(alert.post_uids), alert.first_at, alert.last_at)
        answers = self.risks.answers(alert_id)
        for a in answers:
            a["answered_at"] = a["answered_at"].replace(tzinfo=timezone.utc)
        answer_at = risk.answered_at if risk is not None else None
        answer_at = answer_at or (answers[0]["answered_at"] if answers else None)
        end = max([alert.last_at, answer_at or alert.last_at])
        span_end = min(now, end + timedelta(hours=2)) if end < now else end
        topic = (risk.topic if risk is not None and risk.topic else None) or alert.topic
        compare = timedelta(seconds=self.settings.risks.compare_s)
        reaction_end = min(now, (answer_at or alert.last_at) + timedelta(hours=48))
        hours = self.queries.reaction(topic, alert.settlement or "", alert.first_at - compare, reaction_end)
        verdicts = [e for e in (risk.history if risk else ()) if e.event in ("worked_out", "reopened", "false_alarm",
                                                                              "watching")]
        state = risk.state if risk is not None else "new"
        return {
            "alert": alert, "risk": risk, "state": state, "state_name": STATE_NAMES.get(state, state),
            "is_open": state in OPEN, "topic": topic, "topic_name": self._topic(topic),
            "sla": sla_clock(alert.first_at, answer_at, now, self.sla) if state in OPEN else None,
            "posts": [dict(p, local=p["published_at"].astimezone(self.tz).strftime("%d.%m %H:%M")) for p in posts],
            "timeline": svg.timeline_svg(posts, answer_at, alert.first_at - timedelta(minutes=30), span_end, self.tz),
            "reaction": svg.reaction_svg(hours, answer_at, self.tz),
            "answers": answers, "verdicts": [self._line(e) for e in verdicts],
            "history": [self._line(e) for e in (risk.history if risk else ())],
            "buttons": BUTTONS if state in OPEN else (), "topics": sorted(
                ((code, t.name) for code, t in self.topics.items()), key=lambda t: t[1]),
            "first_local": alert.first_at.astimezone(self.tz).strftime("%d.%m.%Y %H:%M"),
        }

    def act(self, alert_id: str, action: str, actor: str, arg: str = "") -> tuple[bool, str]:
        """A button pressed in the console: the same event as the chat's button, the card in the chat updated.
        (ok, the message for staff)."""
        try:
            _, ev = self.actions.press(alert_id, action, actor, arg)
        except TransitionError as e:
            return False, str(e)
        except BotApiError as e:
            log.warning("карточка %s не обновлена в чате: %s", alert_id, e)
            if self.backlog is not None:
                self.backlog.add(alert_id)
            return True, "Сохранено. Чат оповещений недоступен: карточка будет обновлена, когда он ответит."
        return True, DONE[ev.event] + "."

    # --- the map and the sources -----------------------------------------------------------------------------
    def map_points(self, now: datetime) -> list[dict]:
        volume = self.queries.settlement_volume(now - timedelta(days=7))
        open_by: dict[str, int] = {}
        for r in self.queries.open_risks():
            if r["settlement"]:
                open_by[r["settlement"]] = open_by.get(r["settlement"], 0) + 1
        return [{"name": s.name, "lat": s.lat, "lon": s.lon, "open": open_by.get(s.name, 0),
                 "volume": volume.get(s.name, 0), "href": f"/?settlement={s.name}" if open_by.get(s.name) else ""}
                for s in self.gazetteer.settlements]

    def sources(self, now: datetime, names: dict[str, str], live: dict) -> list[dict]:
        """names: source key -> name (the sources file, else every source polled); live: the collector's view."""
        from collectors.completeness import assess
        from storage.cursors import source_stats
        keys = sorted(set(names) | set(self.queries.polled_sources()))
        stats = source_stats(self.store, keys, now, self.settings.collect.rate_days) if keys else {}

        def at(t):
            return t.astimezone(self.tz).strftime("%d.%m %H:%M") if t else "—"
        out = []
        for key in keys:
            s = stats[key]
            notice = assess(s, names.get(key, key), now, self.settings.collect)
            state = live.get(key, {}).get("state")
            out.append({"key": key, "name": names.get(key, key), "last_poll": at(s.last_success_at),
                        "last_post": at(s.last_post_at), "errors": f"{s.failures_in_row} / {s.errors_total}",
                        "rate": f"{s.posts_in_window / s.window_hours:.1f}" if s.window_hours >= 1 else "—",
                        "last_error": s.last_error, "notice": notice.text if notice else "",
                        "css": "overdue" if notice or state == "error" else "ok"})
        return out

    def _line(self, ev) -> str:
        """The chat's line for an event; a stored event without the details it expects still gets one."""
        try:
            return event_text(ev, self.tz)
        except (KeyError, TypeError, ValueError):
            name = ACTION_NAMES.get(ev.event) or STATE_NAMES.get(ev.state, ev.event)
            who = "" if ev.actor == "dozor" else f" ({ev.actor})"
            return f"{ev.at.astimezone(self.tz):%d.%m %H:%M} {name}{who}"

    def _topic(self, code: str) -> str:
        return self.topics[code].name if code in self.topics else code

    @staticmethod
    def action_names() -> dict:
        return ACTION_NAMES
