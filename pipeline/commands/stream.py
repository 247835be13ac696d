"""Kafka mode commands: `dozor worker`, `dozor publish FILE...`, `dozor sink`.

    deploy/kafka/kafka.sh start                     # a local broker on 127.0.0.1:9092
    dozor sink &                                    # Kafka -> ClickHouse (owns the embedded database)
    dozor worker &                                  # enrich + detect (start more for more raw partitions)
    dozor publish pipeline/data/demo/posts.jsonl    # replay JSONL / Telegram exports onto posts.raw.v1
"""
from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from collectors.files import FileOptions, read_files
from core.settings import Settings
from core.taxonomy import load_topics
from storage.clickhouse import open_store


def cmd_worker(args, settings: Settings) -> int:
    import faust

    from pipeline.kit import load_kit
    from pipeline.stream.broker import ensure_topics
    from pipeline.stream.offsets import UncheckedVersion, check_versions
    from pipeline.stream.worker import build_app

    try:
        check_versions()                # at once, before the models load (GuardedApp checks again)
    except UncheckedVersion as e:
        print(f"Ошибка: {e}", file=sys.stderr)
        return 2
    kit = load_kit(settings)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(ensure_topics(settings.kafka))
    stats: dict = {}
    app = build_app(settings, kit, load_topics(settings.topics_file), stats)
    if args.status:
        status = Path(args.status)

        @app.timer(interval=0.5)
        async def write_status():
            assigned = sorted(tp.partition for tp in app.consumer.assignment() if tp.topic.endswith(
                settings.kafka.topic(settings.kafka.raw_topic)))
            tmp = status.with_suffix(".tmp")
            tmp.write_text(json.dumps({**stats, "raw_partitions": assigned, "at": time.time()}))
            tmp.replace(status)

    faust.Worker(app, loop=loop, loglevel="INFO" if args.verbose else "WARNING", quiet=True).execute_from_commandline()
    return 0


def cmd_publish(args, settings: Settings) -> int:
    from pipeline.stream.publish import publish

    opts = FileOptions(timezone=ZoneInfo(args.tz or settings.timezone), max_chars=settings.max_text_chars)
    out = asyncio.run(publish(settings.kafka, read_files(args.files, opts), rate=args.rate))
    print(f"Отправлено в {settings.kafka.topic(settings.kafka.raw_topic)}: {out.posts} сообщ.; "
          f"повторов пропущено: {out.duplicates}; в очередь ошибок: {out.dead_letters}")
    return 0 if out.posts else 1


def cmd_sink(args, settings: Settings) -> int:
    from aiokafka import AIOKafkaConsumer

    from core.taxonomy import load_topics
    from pipeline.stream.broker import TopicNames, ensure_topics
    from pipeline.stream.risks import WorkflowWriter
    from pipeline.stream.sink import run_sink

    k = settings.kafka
    names = TopicNames.of(k)
    workflow = WorkflowWriter(settings, load_topics(settings.topics_file), k.sink_dataset, names.risks)
    dsn = args.db or settings.clickhouse_dsn

    def connect():          # with the configured author salt, as every other writer of posts
        return open_store(settings, dsn)

    async def main() -> dict:
        await ensure_topics(k)
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        consumer = AIOKafkaConsumer(*names.all()[1:], bootstrap_servers=k.brokers,
                                    group_id=f"{k.prefix}{k.sink_group}", enable_auto_commit=False,
                                    auto_offset_reset="earliest", max_partition_fetch_bytes=8_000_000,
                                    fetch_max_bytes=64_000_000, session_timeout_ms=int(k.session_timeout_s * 1000),
                                    heartbeat_interval_ms=int(min(3.0, k.session_timeout_s / 4) * 1000))
        await consumer.start()
        try:
            return await run_sink(k, consumer, connect, stop, workflow, Path(args.status) if args.status else None)
        finally:
            await consumer.stop()

    stats = asyncio.run(main())
    logging.getLogger(__name__).info("sink stopped: %s", stats)
    return 0


def _friendly(cmd):
    """Broker errors as one Russian line and exit code 2, like the store's errors in pipeline/commands/__init__.py."""
    def run(args, settings: Settings) -> int:
        from aiokafka.errors import KafkaError

        from pipeline.stream.broker import BrokerError
        try:
            return cmd(args, settings)
        except BrokerError as e:
            print(f"Ошибка: {e}", file=sys.stderr)
            return 2
        except KafkaError as e:
            print(f"Ошибка Kafka ({settings.kafka.brokers}): {e}", file=sys.stderr)
            return 2
    return run


def add_parser(sub) -> None:
    worker = sub.add_parser("worker", help="Kafka mode: run a Faust worker (enrich + detect)")
    worker.add_argument("--status", help="write the worker's counters as JSON to this file every 0.5 s")
    worker.set_defaults(func=_friendly(cmd_worker))

    publish = sub.add_parser("publish", help="Kafka mode: put replay JSONL / Telegram exports onto posts.raw.v1")
    publish.add_argument("files", nargs="+", type=Path)
    publish.add_argument("--tz", default=None, help="time zone for naive times (default: settings.timezone)")
    publish.add_argument("--rate", type=float, default=None,
                         help="posts per second of wall clock, in event-time order (default: as fast as possible)")
    publish.set_defaults(func=_friendly(cmd_publish))

    sink = sub.add_parser("sink", help="Kafka mode: write enriched posts, alerts, dead letters and the risk workflow "
                                       "to ClickHouse; send the alert chat's cards")
    sink.add_argument("--db", help="ClickHouse DSN (default: chdb://<DOZOR_DATA_DIR>/clickhouse)")
    sink.add_argument("--status", help="write counters (rows stored) as JSON to this file after every batch")
    sink.set_defaults(func=_friendly(cmd_sink))
