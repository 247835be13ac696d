"""`dozor serve` (one process runs everything: collectors, pipeline, risk workflow, chat bot, digest, the web
console) and `dozor console` (the web console alone, against a ClickHouse server).

    dozor serve --sources sources.yaml                 # http://127.0.0.1:8080 (DOZOR_SERVE__HOST / __PORT)
    dozor serve --for 60 --port 8099 --db chdb:///tmp/x
    dozor console --db http://user:pw@clickhouse:8123/dozor
    dozor console hash-password                        # asks for a password, prints the hash for DOZOR_SERVE__ACCOUNTS
"""
from __future__ import annotations

import getpass
import logging
import sys
from pathlib import Path

from core.settings import Settings


def cmd_serve(args, settings: Settings) -> int:
    from pipeline.serve.server import Server

    logging.getLogger("dozor").setLevel(logging.INFO)
    _warn_accounts(settings)
    return Server(settings, args.db, args.sources, args.dataset).run(args.seconds, args.host, args.port)


def cmd_console(args, settings: Settings) -> int:
    import threading

    import uvicorn

    from pipeline.serve.app import build_app
    from pipeline.serve.console import Console
    from pipeline.serve.health import Health
    from pipeline.serve.metrics import Metrics
    from storage.clickhouse import open_store
    from storage.console import ConsoleQueries

    if args.console_command == "hash-password":
        return cmd_hash_password(args, settings)
    _warn_accounts(settings)
    store = open_store(settings, args.db)
    health = Health()
    health.add("database", "база данных")
    health.add("http", "веб-консоль").ok()
    chat = None
    if settings.telegram.enabled:
        from alerting.chat import AlertChat
        from core.taxonomy import load_topics
        from storage.risks import RiskStore
        chat = AlertChat.from_settings(settings, RiskStore(store), load_topics(settings.topics_file))
    console = Console.build(settings, store, lambda: open_store(settings, args.db, migrate=False).client, chat)
    app = build_app(settings, console, health, Metrics(ConsoleQueries(store), health, settings.risks))
    host, port = args.host or settings.serve.host, args.port or settings.serve.port
    print(f"Консоль: http://{host}:{port}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
    if args.seconds is not None:
        threading.Timer(args.seconds, lambda: setattr(server, "should_exit", True)).start()
    server.run()
    store.close()
    return 0


def cmd_hash_password(args, settings: Settings) -> int:
    from pipeline.serve.auth import hash_password
    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Пароль: ")
    if len(password) < 8:
        print("Ошибка: пароль короче 8 символов.", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def _warn_accounts(settings: Settings) -> None:
    if not settings.serve.accounts and not settings.serve.trusted_user_header:
        print("Внимание: учётные записи консоли не заданы (DOZOR_SERVE__ACCOUNTS) — войти в консоль нельзя; "
              "см. `dozor console hash-password`.", file=sys.stderr)


def _http_args(p) -> None:
    p.add_argument("--host", help="bind address (default: DOZOR_SERVE__HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: DOZOR_SERVE__PORT, 8080)")
    p.add_argument("--for", dest="seconds", type=float, default=None, help="stop after this many seconds")
    p.add_argument("--db", help="ClickHouse DSN")


def add_parser(sub) -> None:
    serve = sub.add_parser("serve", help="one process for everything: collectors, pipeline, risk workflow, chat bot, "
                                         "digest, web console, /health and /metrics")
    serve.add_argument("--sources", type=Path, help="YAML file with the sources (without it nothing is collected)")
    serve.add_argument("--dataset", default="live", help="label stored with every row (default: live)")
    _http_args(serve)
    serve.set_defaults(func=cmd_serve)

    console = sub.add_parser("console", help="the web console alone, against a ClickHouse server (--db)")
    _http_args(console)
    csub = console.add_subparsers(dest="console_command")
    csub.add_parser("hash-password", help="read a password (stdin or prompt), print its hash for "
                                          "DOZOR_SERVE__ACCOUNTS")
    console.set_defaults(func=cmd_console)
