"""`dozor bot`: the alert chat's bot (alerting/bot.py) — buttons, commands, answers, SLA reminders.

    DOZOR_TELEGRAM__BOT_TOKEN=… DOZOR_TELEGRAM__ALERT_CHAT_ID=-100… DOZOR_TELEGRAM__STAFF_USER_IDS='[123456]' \
        dozor bot                 # long polling until stopped
    dozor bot --for 60            # … for 60 seconds (tests, a cron job)
"""
from __future__ import annotations

import sys

from pipeline.settings import Settings


def cmd_bot(args, settings: Settings) -> int:
    from alerting.bot import Bot
    from alerting.chat import AlertChat
    from alerting.risk_store import RiskStore
    from pipeline.cli import _store
    from pipeline.topics import load_topics

    if not settings.telegram.enabled:
        print("Ошибка: бот не настроен — задайте DOZOR_TELEGRAM__BOT_TOKEN и DOZOR_TELEGRAM__ALERT_CHAT_ID "
              "(см. README, раздел «Чат оповещений»).", file=sys.stderr)
        return 2
    if not settings.telegram.staff_user_ids:
        print("Внимание: DOZOR_TELEGRAM__STAFF_USER_IDS пуст — бот будет отказывать всем.", file=sys.stderr)
    store = _store(settings, args.db)
    risks = RiskStore(store, args.dataset)
    chat = AlertChat.from_settings(settings, risks, load_topics(settings.topics_file))
    handled = Bot(chat, risks, settings.telegram).run(for_seconds=args.for_seconds)
    print(f"Бот остановлен; обработано обновлений: {handled}")
    return 0


def add_parser(sub) -> None:
    bot = sub.add_parser("bot", help="run the alert chat bot (buttons, /risks, /risk ID, /digest, answers)")
    bot.add_argument("--db", help="ClickHouse DSN")
    bot.add_argument("--for", dest="for_seconds", type=float, default=None,
                     help="stop after this many seconds (default: run until stopped)")
    bot.add_argument("--dataset", default="live", help="label stored with the events it writes (default: live)")
    bot.set_defaults(func=cmd_bot)
