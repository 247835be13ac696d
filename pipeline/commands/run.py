"""`dozor run` (the 24/7 collector process) and `dozor sources check|login`.

    dozor sources check sources.yaml          validate the file; is every source reachable now?
    dozor sources login                       log the Telegram user account in once (asks for phone and code)
    dozor run --sources sources.yaml [--for SECONDS] [--kafka]
"""
from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

from core.errors import ConfigError
from core.settings import Settings
from pipeline.collecting import make_collectors, with_official
from pipeline.collecting import settlements as _settlements
from pipeline.collecting import telethon_config as _telethon_config
from storage.clickhouse import open_store
from storage.queries import polled_sources

log = logging.getLogger("dozor.run")


def cmd_sources_check(args, settings: Settings) -> int:
    from collectors.backoff import SourceUnavailable
    from collectors.sources import load_sources
    sources = load_sources(args.file, _settlements(settings))
    print(f"Файл {args.file}: источников {len(sources)}, ошибок в описании нет.")
    if args.offline:
        return 0
    bad = 0
    for platform in sorted({s.platform for s in sources}):
        group = [s for s in sources if s.platform == platform]
        try:
            collector = make_collectors(settings, group)[platform]
        except ConfigError as e:
            print(f"  {platform}: не проверены ({len(group)}): {e}")
            bad += len(group)
            continue
        for s in group:
            try:
                title = collector.check(s)
                print(f"  ✓ {s.key} «{s.name or title}»: доступен ({title})")
            except SourceUnavailable as e:
                print(f"  ✗ {s.key} «{s.name}»: {e.reason}")
                bad += 1
    print("Все источники доступны." if not bad else f"Недоступно или не проверено: {bad}.")
    return 0 if not bad else 1


def cmd_sources_status(args, settings: Settings) -> int:
    """Per source: last successful poll, last post, posts per hour, errors, and a «нет данных» notice if due."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from collectors.completeness import assess
    from collectors.sources import load_sources
    from storage.cursors import source_stats

    store = open_store(settings, args.db)
    if args.file:
        names = {s.key: s.name or s.key for s in load_sources(args.file, _settlements(settings))}
    else:
        names = {s: s for s in polled_sources(store)}
    if not names:
        print("Источники ещё не опрашивались (таблица source_polls пуста).")
        return 0
    now = datetime.now(timezone.utc)
    tz = ZoneInfo(settings.timezone)
    stats = source_stats(store, sorted(names), now, settings.collect.rate_days)

    def at(t):
        return t.astimezone(tz).strftime("%d.%m %H:%M") if t else "—"

    print("источник\tпоследний успешный опрос\tпоследнее сообщение\tсообщ./ч\tошибок подряд / всего\tсостояние")
    for key, s in stats.items():
        rate = f"{s.posts_in_window / s.window_hours:.1f}" if s.window_hours >= 1 else "—"
        notice = assess(s, names[key], now, settings.collect)
        print(f"{names[key]} ({key})\t{at(s.last_success_at)}\t{at(s.last_post_at)}\t{rate}\t"
              f"{s.failures_in_row} / {s.errors_total}\t{notice.text if notice else 'в норме'}")
    from datetime import timedelta

    from storage.places import unverified_line, unverified_places
    print(unverified_line(unverified_places(store, now - timedelta(days=7))))
    return 0


def cmd_sources_login(args, settings: Settings) -> int:
    from telethon import TelegramClient

    from collectors.telegram import private_session
    config = _telethon_config(settings)
    client = TelegramClient(private_session(config.session), config.api_id, config.api_hash.get_secret_value())
    client.start()                       # asks for the phone number, the code and (if set) the 2FA password
    me = client.loop.run_until_complete(client.get_me())
    print(f"Сессия сохранена в {config.session} (аккаунт {getattr(me, 'username', None) or me.id}).")
    client.disconnect()
    return 0


def cmd_run(args, settings: Settings) -> int:
    from zoneinfo import ZoneInfo

    from alerting.render import card_text
    from collectors.sources import load_sources
    from core.taxonomy import load_topics
    from pipeline.collecting import build_live

    logging.getLogger("dozor").setLevel(logging.INFO)
    sources = load_sources(args.sources, _settlements(settings))
    settings = with_official(settings, sources)
    collectors = make_collectors(settings, sources)
    if args.kafka:
        return _run_kafka(args, settings, sources, collectors)
    store = open_store(settings, args.db)
    topics = load_topics(settings.topics_file)
    tz = ZoneInfo(settings.timezone)

    def on_alert(alert, is_new):
        if is_new:
            print(card_text(alert, topics, tz), end="\n\n", flush=True)

    live = build_live(settings, store, sources, args.dataset, collectors, on_alert)
    log.info("старт: источников %d, детектор прогрет %d сообщениями за сутки", len(sources), live.warmed)
    _run_until_stopped(live.runner, args.seconds)
    live.close()
    store.close()
    return 0


def _run_until_stopped(runner, seconds: float | None) -> None:
    """runner.run until SIGTERM / Ctrl-C or `seconds`; a signal only sets the flag, a poll is never cut."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    runner.run(stop, seconds)


def _run_kafka(args, settings: Settings, sources, collectors) -> int:
    """Collect into Kafka: workers enrich and detect, `dozor sink` stores posts. This process keeps only its own
    state (cursors, poll log); with the embedded engine that is a database of its own (the sink owns the other)."""
    from pipeline.live import KafkaHandler, LiveRunner
    from storage.cursors import ClickHouseCursorStore

    dsn = args.db or (f"chdb://{settings.data_dir.resolve() / 'collector'}"
                      if settings.clickhouse_dsn.startswith("chdb://") else settings.clickhouse_dsn)
    store = open_store(settings, dsn)
    runner = LiveRunner(sources, collectors, ClickHouseCursorStore(store), KafkaHandler(settings.kafka), store,
                        settings.collect)
    log.info("старт: источников %d, посты идут в Kafka (%s)", len(sources), settings.kafka.brokers)
    _run_until_stopped(runner, args.seconds)
    store.close()
    return 0


def add_parser(sub) -> None:
    run = sub.add_parser("run", help="the 24/7 process: poll the sources, score, detect, store")
    run.add_argument("--sources", type=Path, required=True, help="YAML file with the sources (see README)")
    run.add_argument("--for", dest="seconds", type=float, default=None, help="stop after this many seconds")
    run.add_argument("--db", help="ClickHouse DSN")
    run.add_argument("--dataset", default="live", help="label stored with every row (default: live)")
    run.add_argument("--kafka", action="store_true",
                     help="hand posts to Kafka (posts.raw.v1) for `dozor worker` and `dozor sink` instead of "
                          "processing them here; --db then holds only this process's cursors and poll log "
                          "(default with the embedded engine: chdb://<data dir>/collector)")
    run.set_defaults(func=cmd_run)

    sources = sub.add_parser("sources", help="the sources file")
    ssub = sources.add_subparsers(dest="sources_command", required=True)
    check = ssub.add_parser("check", help="validate the sources file and try every source")
    check.add_argument("file", type=Path)
    check.add_argument("--offline", action="store_true", help="validate the file only")
    check.set_defaults(func=cmd_sources_check)
    status = ssub.add_parser("status", help="per source: last poll, last post, rate, errors, «нет данных»")
    status.add_argument("file", type=Path, nargs="?", help="the sources file (default: every source polled)")
    status.add_argument("--db", help="ClickHouse DSN")
    status.set_defaults(func=cmd_sources_status)
    login = ssub.add_parser("login", help="log the Telegram user account in once (interactive)")
    login.set_defaults(func=cmd_sources_login)

