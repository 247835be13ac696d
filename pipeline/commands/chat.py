"""`dozor bot`: the alert chat's bot (alerting/bot.py) — buttons, commands, answers, SLA reminders.

    DOZOR_TELEGRAM__BOT_TOKEN=… DOZOR_TELEGRAM__ALERT_CHAT_ID=-100… DOZOR_TELEGRAM__STAFF_USER_IDS='[123456]' \
        dozor bot                 # long polling until stopped
    dozor bot --for 60            # … for 60 seconds (tests, a cron job)
"""
from __future__ import annotations

import sys
from datetime import date, timedelta

from alerting.campaigns import Calendar, reminder_text, volume
from core.errors import ConfigError
from core.settings import Settings
from core.taxonomy import load_topics
from storage.clickhouse import open_store
from storage.risks import RiskStore


def cmd_bot(args, settings: Settings) -> int:
    from alerting.bot import Bot
    from alerting.chat import AlertChat

    if not settings.telegram.enabled:
        raise ConfigError("бот не настроен — задайте DOZOR_TELEGRAM__BOT_TOKEN и DOZOR_TELEGRAM__ALERT_CHAT_ID "
                          "(см. docs/alert-chat.md).")
    if not settings.telegram.staff_user_ids:
        print("Внимание: DOZOR_TELEGRAM__STAFF_USER_IDS пуст — бот будет отказывать всем.", file=sys.stderr)
    store = open_store(settings, args.db)
    risks = RiskStore(store, args.dataset)
    chat = AlertChat.from_settings(settings, risks, load_topics(settings.topics_file))
    calendar = Calendar.load(settings.risks.campaigns_file)
    handled = Bot(chat, risks, settings.telegram, calendar=calendar).run(for_seconds=args.for_seconds)
    print(f"Бот остановлен; обработано обновлений: {handled}")
    return 0


def cmd_campaigns(args, settings: Settings) -> int:
    """The seasonal calendar: seasons running on a day and the reminders of the next 30 days."""

    calendar = Calendar.load(settings.risks.campaigns_file)
    day = args.date or date.today()
    store = open_store(settings, args.db)
    active = calendar.active(day)
    print(f"Сезоны на {day:%d.%m.%Y}: " + (", ".join(c.name for c in active) if active else "нет"))
    for c in active:
        print(f"  {c.name}: темы {', '.join(c.topics)}; порог темы ниже на {c.threshold_drop:g}")
    for campaign, remind, start in calendar.reminders(day - timedelta(days=1), day + timedelta(days=30)):
        history = volume(RiskStore(store), campaign, start)
        print(f"\nНапоминание {remind:%d.%m.%Y}:\n" + reminder_text(campaign, start, history))
    return 0


def add_parser(sub) -> None:
    campaigns = sub.add_parser("campaigns", help="the seasonal threat calendar: running seasons, coming reminders")
    campaigns.add_argument("--date", type=date.fromisoformat, help="the day (YYYY-MM-DD; default: today)")
    campaigns.add_argument("--db", help="ClickHouse DSN")
    campaigns.set_defaults(func=cmd_campaigns)

    bot = sub.add_parser("bot", help="run the alert chat bot (buttons, /risks, /risk ID, /digest, answers)")
    bot.add_argument("--db", help="ClickHouse DSN")
    bot.add_argument("--for", dest="for_seconds", type=float, default=None,
                     help="stop after this many seconds (default: run until stopped)")
    bot.add_argument("--dataset", default="live", help="label stored with the events it writes (default: live)")
    bot.set_defaults(func=cmd_bot)
