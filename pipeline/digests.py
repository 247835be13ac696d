"""The head of the district's digest, built and sent: `dozor digest` and the schedule of `dozor serve`.

    html, digest, charts = render_digest(settings, book, "day")          # as of the latest post
    name = send_digest(settings, digest, html)                           # to the alert chat, as an HTML file
    due_periods(settings.digest, now_local, sent)                        # ["day"], ["day", "week"] or []
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import ConfigError, DozorError
from core.settings import Digest, Settings

CATCH_UP = timedelta(hours=12)          # a digest missed (the server was down) is still sent this long after its time


def render_digest(settings: Settings, book, period: str, as_of: datetime | None = None, official=None):
    """(html, digest, charts {name: png})."""
    from analytics.digest import build_digest
    from analytics.digest_html import render_html
    from pipeline.geo import load_gazetteer

    gazetteer = load_gazetteer(settings.gazetteer_file)
    digest = build_digest(book, period, as_of, official=official or None,
                          localities=tuple((s.name, s.lat, s.lon) for s in gazetteer.settlements))
    charts: dict[str, bytes] = {}
    html = render_html(digest, topic_names(settings), gazetteer.district or "округ", ZoneInfo(settings.timezone),
                       charts)
    return html, digest, charts


def topic_names(settings: Settings) -> dict[str, str]:
    from core.taxonomy import load_topics
    return {code: t.name for code, t in load_topics(settings.topics_file).items()}


def send_digest(settings: Settings, digest, html: str) -> str:
    """The HTML as a file in the alert chat, the headline figures as its caption; returns the file name.
    Raises ConfigError / DozorError (Russian) when the chat is not configured or refuses."""
    from alerting.bot_api import BotApi, BotApiError
    from analytics.digest_html import caption_html

    tg, tz = settings.telegram, ZoneInfo(settings.timezone)
    if not tg.enabled:
        raise ConfigError("для отправки дайджеста в чат задайте DOZOR_TELEGRAM__BOT_TOKEN и "
                         "DOZOR_TELEGRAM__ALERT_CHAT_ID")
    api = BotApi(tg.bot_api_base, tg.bot_token.get_secret_value(), max_retries=tg.max_retries)
    name = f"dozor-digest-{digest.period}-{digest.as_of.astimezone(tz):%Y-%m-%d}.html"
    try:
        api.send_document(tg.alert_chat_id, name, html.encode("utf-8"), caption_html(digest, topic_names(settings), tz))
    except BotApiError as e:
        raise DozorError(f"дайджест не отправлен в чат: {e}") from None
    return name


def _at(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"время дайджеста: ожидается ЧЧ:ММ, а не «{text}»") from None


def due_periods(schedule: Digest, now_local: datetime, sent: dict[str, int]) -> list[str]:
    """The digests due at `now_local` (the schedule's time zone) and not sent yet on their day (sent: period ->
    date.toordinal() of the last one). Due from the set time until CATCH_UP after it.

    >>> from core.settings import Digest
    >>> due_periods(Digest(daily_at="08:00", weekly_at="08:00"), datetime(2026, 3, 30, 8, 5), {})   # a Monday
    ['day', 'week']
    """
    out = []
    for period, at in (("day", schedule.daily_at), ("week", schedule.weekly_at)):
        if not at or (period == "week" and now_local.isoweekday() != schedule.weekday):
            continue
        planned = datetime.combine(now_local.date(), _at(at), now_local.tzinfo)
        if planned <= now_local < planned + CATCH_UP and sent.get(period) != now_local.date().toordinal():
            out.append(period)
    return out
