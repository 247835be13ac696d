"""Live collection as `dozor run` and `dozor serve` build it: the collectors the sources need, and the embedded
pipeline behind them (enrich -> detect -> risk workflow -> store) in a LiveRunner.

    sources = load_sources(path, settlements(settings))
    settings = with_official(settings, sources)            # the sources file's official pages answer risks
    live = build_live(settings, store, sources, "live", make_collectors(settings, sources))
    live.runner.run(stop)                                  # pipeline/live.py
    live.close()                                           # the chat's merged edits go out
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from core.errors import ConfigError
from core.settings import Settings


def settlements(settings: Settings) -> set[str]:
    from pipeline.geo import load_gazetteer
    return {s.name for s in load_gazetteer(settings.gazetteer_file).settlements}


def telethon_config(settings: Settings):
    from collectors.telegram import TelethonConfig
    t = settings.telethon
    if t.api_id is None or t.api_hash is None:
        raise ConfigError("для источников Telegram нужны DOZOR_TELETHON__API_ID и DOZOR_TELETHON__API_HASH "
                          "(my.telegram.org → API development tools), см. docs/live-collection.md")
    return TelethonConfig(api_id=t.api_id, api_hash=t.api_hash,
                          session=t.session or settings.data_dir / "telegram.session")


def make_collectors(settings: Settings, sources) -> dict:
    """platform -> collector, for the platforms the sources use. Missing credentials: ConfigError (Russian)."""
    out = {}
    if any(s.platform == "vk" for s in sources):
        from collectors.vk import VKCollector
        if settings.vk.token is None:
            raise ConfigError("для источников VK нужен сервисный ключ доступа в DOZOR_VK__TOKEN, "
                              "см. docs/live-collection.md")
        out["vk"] = VKCollector(settings.vk.token, api_base=settings.vk.api_base, api_version=settings.vk.api_version,
                                backfill_days=settings.collect.backfill_days,
                                comments_watch_s=settings.collect.comments_watch_s)
    if any(s.platform == "telegram" for s in sources):
        from collectors.telegram import TelegramCollector, TelethonAdapter
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        adapter = TelethonAdapter.from_config(telethon_config(settings))
        try:
            adapter.connect()
        except RuntimeError as e:
            raise ConfigError(f"{e}: выполните `dozor sources login`") from None
        out["telegram"] = TelegramCollector(adapter, edit_window_s=settings.collect.comments_watch_s)
    return out


def with_official(settings: Settings, sources) -> Settings:
    """The settings with the sources file's `kind: official` pages added to risks.official_sources."""
    official = tuple(dict.fromkeys(settings.risks.official_sources + tuple(s.key for s in sources
                                                                             if s.kind == "official")))
    return settings.model_copy(update={"risks": settings.risks.model_copy(update={"official_sources": official})})


@dataclass
class Live:
    runner: object                      # pipeline.live.LiveRunner
    handler: object                     # pipeline.live.EmbeddedHandler
    chat: object | None                 # alerting.chat.ChatSink when the alert chat is configured
    warmed: int                         # stored posts the detector was warmed with

    def close(self) -> None:
        if self.chat is not None:
            self.chat.close()


def build_live(settings: Settings, store, sources, dataset: str, collectors: dict,
               on_alert: Callable = lambda alert, is_new: None, chat_sink: Callable | None = None) -> Live:
    """The LiveRunner and its EmbeddedHandler, the detector warmed with the last story window of stored posts.
    chat_sink(chat) may wrap the tracker's chat sink (dozor serve keeps what the chat missed)."""
    from pipeline.live import EmbeddedHandler, LiveRunner
    from pipeline.stages import Stages
    from storage.cursors import ClickHouseCursorStore
    from storage.risks import RiskStore

    def wall() -> datetime:                                   # live clocks stop at now
        return datetime.now(timezone.utc)

    stages = Stages.build(settings, store, dataset, horizon=wall)   # the same stages replay and Kafka mode run
    risks, chat = stages.risks, stages.chat
    if chat is not None and chat_sink is not None:
        wrapped = chat_sink(chat)
        risks.sinks = [wrapped if s is chat else s for s in risks.sinks]
        chat = wrapped
    handler = EmbeddedHandler(stages.kit, stages.detector, store, dataset, on_alert, risks, RiskStore(store, dataset),
                              clock=wall)
    runner = LiveRunner(sources, collectors, ClickHouseCursorStore(store), handler, store, settings.collect)
    warmed = handler.warm(runner.clock() - timedelta(seconds=settings.detection.story_idle_s))
    return Live(runner, handler, chat, warmed)
