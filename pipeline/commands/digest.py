"""`dozor digest` and `dozor storage apply-ttl`: registered in pipeline/commands/__init__.py.

    dozor digest --period week --out digest.html     the head of the district's report (HTML + PNG charts beside)
    dozor digest --period day --send                 ... posted to the alert chat as a file (cron: every morning)
    dozor storage apply-ttl                          clear raw text older than clickhouse.raw_text_days
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from core.errors import UsageError
from core.settings import Settings
from storage.clickhouse import open_store


def _parse_date(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--date: ожидается дата и время ISO (2026-03-30 или 2026-03-30T18:00), "
                         f"а не «{value}»") from None
    if len(value) == 10:                       # a bare date: the end of that day
        at = at.replace(hour=23, minute=59, second=59)
    return at


def cmd_digest(args, settings: Settings) -> int:
    from analytics.queries import Cookbook
    from pipeline.digests import render_digest, send_digest

    tz = ZoneInfo(settings.timezone)
    book = Cookbook.from_settings(settings, args.db)
    as_of = None
    if args.date:
        at = _parse_date(args.date)
        as_of = (at if at.tzinfo else at.replace(tzinfo=tz)).astimezone(timezone.utc)
    html, digest, charts = render_digest(settings, book, args.period, as_of, args.official)
    if args.send:
        print(f"Дайджест отправлен в чат {settings.telegram.alert_chat_id}: {send_digest(settings, digest, html)}")
        if not args.out:
            return 0
    if not args.out:
        sys.stdout.write(html)
        return 0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    for name, png in charts.items():
        out.with_name(f"{out.stem}-{name}").write_bytes(png)
    print(f"Дайджест за {'сутки' if args.period == 'day' else 'неделю'} записан: {out} "
          f"(графики рядом: {', '.join(f'{out.stem}-{n}' for n in charts) or 'нет'})")
    return 0


def cmd_apply_ttl(args, settings: Settings) -> int:
    store = open_store(settings, args.db)
    days = settings.clickhouse.raw_text_days if args.days is None else (None if args.days == 0 else args.days)
    done = store.apply_retention(days)
    if days is None:
        print("Срок хранения текста не задан: тексты хранятся бессрочно" + (" (TTL снят)." if done else "."))
    else:
        print(f"Тексты сообщений и отклонённых записей старше {days} дн. будут очищены при слияниях ClickHouse; "
              "агрегаты (posts_hourly, stories_hourly) сохраняются.")
    return 0


def add_parser(sub) -> None:
    digest = sub.add_parser("digest", help="HTML digest for the head of the district (Russian), with PNG charts")
    digest.add_argument("--period", choices=("day", "week"), default="week")
    digest.add_argument("--out", help="write the HTML here (charts beside it); default: stdout")
    digest.add_argument("--db", help="ClickHouse DSN")
    digest.add_argument("--date", help="as of this local time (ISO; a bare date = its end); default: the latest post")
    digest.add_argument("--official", action="append", default=[], metavar="SOURCE",
                        help="a source of the administration's own posts, left out of residents' quotes "
                             "(repeatable; default: DOZOR_RISKS__OFFICIAL_SOURCES)")
    digest.add_argument("--send", action="store_true",
                        help="post it to the alert chat as an HTML file (DOZOR_TELEGRAM__BOT_TOKEN, __ALERT_CHAT_ID); "
                             "for a schedule run it from cron or a systemd timer")
    digest.set_defaults(func=cmd_digest)

    storage = sub.add_parser("storage", help="database upkeep")
    storage_sub = storage.add_subparsers(dest="storage_command", required=True)
    ttl = storage_sub.add_parser("apply-ttl", help="apply the raw-text retention (clickhouse.raw_text_days)")
    ttl.add_argument("--db", help="ClickHouse DSN")
    ttl.add_argument("--days", type=int, default=None, help="override the setting; 0 removes the TTL")
    ttl.set_defaults(func=cmd_apply_ttl)
