"""`dozor serve`: the composition. One process owns the database; each part runs in a thread of its own under
a supervisor (supervisor.py) and the HTTP server in another:

    collector  LiveRunner (pipeline/collecting.py): sources on their schedules -> enrich -> detect -> risk workflow
               (SLA clock, verdicts) -> store; its chat sink keeps the cards Telegram missed (chat.py)
    chat       the alert chat bot (alerting/bot.py): long polling, buttons, answers, SLA reminders
    backlog    cards missed while Telegram was away, shown again once it answers
    digest     the scheduled digest (pipeline/digests.py) into the chat
    http       uvicorn + the Starlette app (app.py): /health, /metrics, the console

    Server(settings, dsn, sources_file).run(seconds)    # until SIGTERM / Ctrl-C or `seconds`; returns the exit code

Every part opens its own connection to the database (the embedded engine allows one process, any number of
clients in it). A part whose step raises is retried with back-off; the others go on.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.serve.chat import BackloggedChatSink, CardBacklog, ObservedApi
from pipeline.serve.health import Health
from pipeline.serve.metrics import Metrics, TimedClient
from pipeline.serve.supervisor import Supervised
from storage.clickhouse import open_store
from storage.console import ConsoleQueries

log = logging.getLogger("dozor.serve")


class Server:
    def __init__(self, settings, dsn: str | None = None, sources_file: Path | None = None, dataset: str = "live"):
        self.settings, self.dsn, self.sources_file, self.dataset = settings, dsn, sources_file, dataset
        self.stop = threading.Event()
        self.health = Health()
        self.backlog = CardBacklog()
        self.parts: list[Supervised] = []
        self.stores: list = []
        self.live = None
        self.source_names: dict[str, str] = {}

    def store(self, migrate: bool = False):
        s = open_store(self.settings, self.dsn, migrate=migrate)
        self.stores.append(s)
        return s

    # --- building ---------------------------------------------------------------------------------------------
    def build(self):
        """The app and the parts; raises ValueError / StoreError on a configuration the user must fix."""
        from pipeline.serve.app import build_app
        from pipeline.serve.console import Console

        web = self.store(migrate=True)
        self.health.add("database", "база данных")
        self.metrics = Metrics(ConsoleQueries(web), self.health, self.settings.risks)
        settings = self._sources()
        self._collector(settings)
        self._chat(settings)
        self._digest(settings)
        self.health.add("http", "веб-консоль")
        sql_dsn = self.dsn or settings.clickhouse_dsn
        console = Console.build(settings, web, lambda: open_store(settings, sql_dsn, migrate=False).client,
                                self._chat_client(settings, "console"), self.backlog, self.dataset)
        def live_sources() -> dict:
            return self.health.components["collector"].view(time.time()).get("sources", {})
        return build_app(settings, console, self.health, self.metrics, self.source_names, live_sources)

    def _sources(self):
        from pipeline.collecting import settlements, with_official
        self.sources = []
        if self.sources_file is not None:
            from collectors.sources import load_sources
            self.sources = load_sources(self.sources_file, settlements(self.settings))
            self.source_names = {s.key: s.name or s.key for s in self.sources}
        return with_official(self.settings, self.sources)

    def _collector(self, settings) -> None:
        from pipeline.collecting import build_live, make_collectors
        component = self.health.add("collector", "сбор и обработка")
        if not self.sources:
            component.off("нет файла источников (--sources)")
            return
        collectors = make_collectors(settings, self.sources)
        store = self.store()
        store.client = TimedClient(store.client, self.metrics.db_write)

        def sink(chat_sink):
            chat_sink.chat.api = ObservedApi(chat_sink.chat.api, self._chat_component(), self.metrics.chat_errors)
            return BackloggedChatSink(chat_sink.chat, self.backlog)
        self.live = build_live(settings, store, self.sources, self.dataset, collectors, chat_sink=sink)
        log.info("сбор: источников %d, детектор прогрет %d сообщениями", len(self.sources), self.live.warmed)
        runner = self.live.runner
        component.probe = lambda: _sources_view(runner, time.time())
        every = settings.collect.health_interval_s
        self.parts.append(Supervised(component, lambda stop: runner.run(stop, every),
                                     max_backoff_s=settings.serve.db_retry_max_s))

    def _chat_component(self):
        return self.health.components.get("chat") or self.health.add("chat", "чат оповещений", stale_s=None)

    def _chat_client(self, settings, name: str):
        """An AlertChat of its own for one thread, its calls observed; None without a chat."""
        if not settings.telegram.enabled:
            return None
        from alerting.chat import AlertChat
        from core.taxonomy import load_topics
        from storage.risks import RiskStore
        chat = AlertChat.from_settings(settings, RiskStore(self.store(), self.dataset),
                                       load_topics(settings.topics_file))
        chat.api = ObservedApi(chat.api, self._chat_component(), self.metrics.chat_errors)
        return chat

    def _chat(self, settings) -> None:
        component = self._chat_component()
        backlog_part = self.health.add("backlog", "догоняющая отправка в чат")
        if not settings.telegram.enabled:
            component.off("чат не настроен (DOZOR_TELEGRAM__BOT_TOKEN, __ALERT_CHAT_ID)")
            backlog_part.off("чат не настроен")
            return
        from alerting.bot import Bot
        from alerting.campaigns import Calendar
        from storage.risks import RiskStore
        chat = self._chat_client(settings, "bot")
        risks = RiskStore(chat.messages.store, self.dataset)
        risks.store.client = TimedClient(risks.store.client, self.metrics.db_write)
        bot = Bot(chat, risks, settings.telegram, calendar=Calendar.load(settings.risks.campaigns_file))
        self.parts.append(Supervised(component, lambda stop: bot.run(stop=stop), mark_ok=False,
                                     max_backoff_s=settings.serve.db_retry_max_s))
        catch_up = self._chat_client(settings, "backlog")
        backlog_part.probe = lambda: {"cards_waiting": len(self.backlog)}
        self.parts.append(Supervised(backlog_part, lambda stop: self.backlog.drain(catch_up.messages, catch_up),
                                     every_s=5.0, max_backoff_s=settings.serve.db_retry_max_s))

    def _digest(self, settings) -> None:
        component = self.health.add("digest", "дайджест по расписанию")
        d = settings.digest
        if not settings.telegram.enabled or not (d.daily_at or d.weekly_at):
            component.off("чат не настроен или расписание пусто (DOZOR_DIGEST__DAILY_AT, __WEEKLY_AT)")
            return
        from analytics.queries import Cookbook, settings_defaults
        from pipeline.digests import due_periods, render_digest, send_digest
        from storage.risks import RiskStore
        store = self.store()
        risks, book = RiskStore(store, self.dataset), Cookbook(store, settings.timezone, settings_defaults(settings))
        tz = ZoneInfo(d.timezone or settings.timezone)

        def tick(stop) -> None:
            now = datetime.now(tz)
            sent = {p: risks.offset(f"digest-{p}") for p in ("day", "week")}
            for period in due_periods(d, now, sent):
                html, digest, _ = render_digest(settings, book, period, now.astimezone(timezone.utc))
                log.info("дайджест отправлен в чат: %s", send_digest(settings, digest, html))
                risks.put_offset(f"digest-{period}", now.date().toordinal())
        self.parts.append(Supervised(component, tick, every_s=30.0, max_backoff_s=settings.serve.db_retry_max_s))

    # --- running ----------------------------------------------------------------------------------------------
    def run(self, seconds: float | None = None, host: str | None = None, port: int | None = None) -> int:
        import uvicorn

        app = self.build()
        serve = self.settings.serve
        host, port = host or serve.host, port or serve.port
        http = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                             lifespan="off"))
        web = threading.Thread(target=http.run, name="dozor-http", daemon=True)
        web.start()
        while not http.started and web.is_alive():
            time.sleep(0.05)
        if not web.is_alive():
            print(f"Ошибка: не удалось открыть адрес {host}:{port} (занят? DOZOR_SERVE__PORT)")
            self.close()
            return 2
        self.health.components["http"].ok(address=f"http://{host}:{port}")
        print(f"Дозор работает: http://{host}:{port} (здоровье: /health, метрики: /metrics)", flush=True)
        for part in self.parts:
            part.start(self.stop)
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop.set())
        self.stop.wait(seconds)
        self.stop.set()
        log.info("остановка: ждём части")
        for part in self.parts:
            if not part.join(self.settings.telegram.poll_timeout_s + 15):
                log.warning("%s: не остановилась вовремя", part.component.title)
        http.should_exit = True
        web.join(10)
        self.close()
        print("Дозор остановлен.", flush=True)
        return 0

    def close(self) -> None:
        if self.live is not None:
            self.live.close()
        for s in self.stores:
            try:
                s.close()
            except Exception:                     # noqa: BLE001 - closing anyway
                pass


def _sources_view(runner, now: float) -> dict:
    """Per source from the runner's memory: state, age of the last good poll, the last error."""
    out, newest = {}, None
    for key, st in runner.state.items():
        last_ok = st.last_ok_at
        newest = last_ok if last_ok is not None and (newest is None or last_ok > newest) else newest
        state = "starting" if st.polls == 0 else "error" if st.failures else "ok"
        view = {"state": state, "last_success_age_s": None if last_ok is None else round(now - last_ok, 1),
                "failures_in_row": st.failures}
        if st.failures and st.error:
            view["error"] = st.error
        out[key] = view
    return {"sources": out, "last_poll_age_s": None if newest is None else round(now - newest, 1)}
