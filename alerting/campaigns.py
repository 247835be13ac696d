"""Preventive campaigns: the seasonal threat calendar (alerting/data/campaigns.yaml), reminders before a season
with the last years' volume on its topics, and season-aware detection thresholds. Pure; `volume` asks a
PostVolumes (storage.risks.RiskStore) for the counts.

    calendar = Calendar.load()                              # or Calendar.load(settings.campaigns_file)
    calendar.threshold("emergency", at, 0.55)               # 0.45 while the flood season runs
    calendar.reminders(since=date(2026, 2, 1), until=date(2026, 3, 1))   # [(campaign, reminder day, start)]
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Protocol

import yaml

from alerting.render import plural
from core.errors import ConfigError


class PostVolumes(Protocol):
    def topic_volume(self, topics: tuple[str, ...], start: date, end: date) -> int:
        """Posts on these topics published from `start` to `end`, both days included."""


@dataclass(frozen=True)
class Campaign:
    key: str
    name: str
    start: tuple[int, int]           # (month, day)
    end: tuple[int, int]
    lead_days: int
    topics: tuple[str, ...]
    words: tuple[str, ...]
    threshold_drop: float
    message: str

    def start_in(self, year: int) -> date:
        return date(year, *self.start)

    def season_of(self, day: date) -> tuple[date, date] | None:
        """(start, end) of the season that holds `day`, or None. A season that would begin or end outside the
        calendar's years 1 … 9999 is not one (a post dated year 9999 must not stop detection)."""
        for year in (day.year - 1, day.year):
            try:
                start = self.start_in(year)
                end = date(year + (self.end < self.start), *self.end)
            except ValueError:
                continue
            if start <= day <= end:
                return start, end
        return None


def _md(text: str) -> tuple[int, int]:
    month, day = (int(x) for x in str(text).split("-"))
    date(2024, month, day)                               # validates (a leap year allows 02-29)
    return month, day


class Calendar:
    def __init__(self, campaigns: list[Campaign]):
        self.campaigns = campaigns
        self._drops: dict[tuple[str, date], float] = {}      # threshold() asks per post: (topic, day) -> drop

    @classmethod
    def load(cls, path: Path | None = None) -> Calendar:
        raw = (Path(path).read_text(encoding="utf-8") if path else
               resources.files("alerting").joinpath("data/campaigns.yaml").read_text(encoding="utf-8"))
        out = []
        doc = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))      # libyaml's parser: faster
        for key, c in (doc or {}).get("campaigns", {}).items():
            try:
                out.append(Campaign(key, c["name"], _md(c["start"]), _md(c["end"]), int(c.get("lead_days", 7)),
                                    tuple(c.get("topics", ())), tuple(c.get("words", ())),
                                    float(c.get("threshold_drop", 0.0)), c["message"]))
            except (KeyError, ValueError, TypeError) as e:
                raise ConfigError(f"календарь кампаний: ошибка в «{key}»: {e}") from None
        return cls(out)

    def active(self, day: date) -> list[Campaign]:
        return [c for c in self.campaigns if c.season_of(day) is not None]

    def threshold(self, topic: str, at: datetime, base: float) -> float:
        """The topic threshold at `at` (event time): lower by the largest drop of the seasons running then."""
        key = (topic, at.date())
        drop = self._drops.get(key)
        if drop is None:
            if len(self._drops) > 100_000:
                self._drops.clear()
            drop = self._drops[key] = max((c.threshold_drop for c in self.active(key[1]) if topic in c.topics),
                                          default=0.0)
        return round(base - drop, 4)

    def reminders(self, since: date, until: date) -> list[tuple[Campaign, date, date]]:
        """(campaign, reminder day, season start) for reminder days in (since, until]."""
        out = []
        for c in self.campaigns:
            for year in range(since.year, until.year + 2):
                start = c.start_in(year)
                remind = start - timedelta(days=c.lead_days)
                if since < remind <= until:
                    out.append((c, remind, start))
        return sorted(out, key=lambda x: (x[1], x[0].key))


def volume(store: PostVolumes, campaign: Campaign, season_start: date, years: int = 3) -> list[tuple[int, int]]:
    """(year, posts on the campaign's topics) during the same season of the last `years` years."""
    out = []
    for back in range(1, years + 1):
        start = season_start.replace(year=season_start.year - back)
        end = date(start.year + (campaign.end < campaign.start), *campaign.end)
        out.append((start.year, store.topic_volume(tuple(campaign.topics), start, end)))
    return out


def reminder_text(campaign: Campaign, season_start: date, history: list[tuple[int, int]]) -> str:
    """The reminder as staff read it (plain text; the chat escapes it)."""
    end = date(season_start.year + (campaign.end < campaign.start), *campaign.end)
    counts = [f"{year} — {plural(n, 'сообщение', 'сообщения', 'сообщений')}" for year, n in history if n]
    body = campaign.message.format(lead=campaign.lead_days, start=season_start.strftime("%d.%m"),
                                   end=end.strftime("%d.%m"), year=season_start.year,
                                   volume="; ".join(counts) if counts else "данных за прошлые годы нет")
    return f"Профилактика: {campaign.name}\n{body}\nКлючевые слова для мониторинга: {', '.join(campaign.words)}."
