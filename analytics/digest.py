"""The digest for the head of the district: the figures of one period (day or week), gathered through the cookbook.

    digest = build_digest(Cookbook(store), "week")          # as of the latest post
    html = render_html(digest, topics, district, tz)        # analytics/digest_html.py

Pure gathering: every figure comes from a cookbook query, so an analyst can rerun it with the same parameters.
SECTIONS is the page's order of sections; a section with a gather function gets its own figures (d.extra[name]),
the others read the Digest's fields. How to add one: analytics/digest_html.py.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from analytics.queries import Cookbook
from analytics.weak_spots import gather_weak_spots
from core.errors import UsageError

PERIODS = {"day": 1, "week": 7}
TREND_DAYS = 14          # the sentiment chart shows at least this many days, so a day's digest has a trend


@dataclass(frozen=True)
class Digest:
    period: str                     # day | week
    days: int
    as_of: datetime                 # UTC
    start: datetime                 # as_of - days
    new_risks: pd.DataFrame         # answer_times: risks raised in the period, with status and answer time
    open_risks: pd.DataFrame        # open_risks as of as_of
    answers: dict                   # answer_norm_summary
    problems: pd.DataFrame          # top_problems_by_settlement
    growth: pd.DataFrame            # growth_vs_last_week (topic x settlement)
    topics: pd.DataFrame            # reports per topic: this_period, previous_period, delta
    verdicts: pd.DataFrame          # verdicts given in the period
    states: pd.DataFrame            # worked_out_share by topic
    mood: pd.DataFrame              # negative_share_trend over max(days, TREND_DAYS)
    quotes: pd.DataFrame            # notable_quotes
    norm_hours: int                 # answer norm and deadline, hours from a story's first post
    deadline_hours: int
    posts: int                      # posts in the period (all topics)
    negative_share: float | None    # of those posts
    extra: dict[str, Any] = field(default_factory=dict)    # section name -> what its gather function returned


@dataclass(frozen=True)
class Scope:
    """What a section's gather function is given besides the cookbook."""
    as_of: datetime                 # UTC
    days: int
    official: list[str] | None      # sources left out of residents' quotes
    localities: tuple[tuple[str, float | None, float | None], ...] = ()    # the gazetteer's (name, lat, lon)


@dataclass(frozen=True)
class Section:
    name: str                                               # its template: analytics/templates/digest/<name>.html
    gather: Callable[[Cookbook, Scope], Any] | None = None  # its figures, from cookbook queries


def places_map(book: Cookbook, scope: Scope) -> dict:
    """The map (analytics/place_map.py) of the period's reports per locality: {"map": PlaceMap, "svg": Markup}."""
    from analytics.place_map import map_svg, place_map
    volume = book.run("settlement_volume", as_of=scope.as_of, days=scope.days)
    found = place_map(scope.localities, {r.settlement: (int(r.posts), int(r.stories)) for r in volume.itertuples()})
    return {"map": found, "svg": map_svg(found, "Сообщения о проблемах по населённым пунктам")}


def unverified_places(book: Cookbook, scope: Scope) -> pd.DataFrame:
    """Places residents named that the gazetteer does not know, with their posts (cookbook 23_unverified_places)."""
    return book.run("unverified_places", as_of=scope.as_of, days=scope.days)


SECTIONS: tuple[Section, ...] = (
    Section("new_risks"), Section("open_risks"), Section("problems"), Section("places_map", places_map),
    Section("answers"), Section("verdicts"), Section("weak_spots", gather_weak_spots), Section("mood"),
    Section("quotes"), Section("unverified_places", unverified_places),
)


def build_digest(book: Cookbook, period: str = "week", as_of: datetime | None = None,
                 official: list[str] | None = None, top: int = 10, quotes: int = 5,
                 localities: tuple[tuple[str, float | None, float | None], ...] = ()) -> Digest:
    """official: sources left out of residents' quotes (None: the cookbook's default, settings.risks);
    localities: the gazetteer's (name, lat, lon), for the map."""
    if period not in PERIODS:
        raise UsageError(f"период должен быть day или week, а не «{period}»")
    days = PERIODS[period]
    as_of = book.parameters(book.query("open_risks"), {"as_of": as_of})["as_of"]
    common = {"as_of": as_of, "days": days}
    growth = book.run("growth_vs_last_week", **common)
    topics = (growth.groupby("topic")[["this_period", "previous_period"]].sum()
              .assign(delta=lambda d: d.this_period - d.previous_period)
              .sort_values(["this_period", "delta"], ascending=False).reset_index())
    mood = book.run("negative_share_trend", as_of=as_of, days=max(days, TREND_DAYS))
    overview = book.run("period_overview", **common).to_dict("records")[0]
    answers = book.run("answer_norm_summary", **common).to_dict("records")[0]
    scope = Scope(as_of=as_of, days=days, official=official, localities=tuple(localities))
    return Digest(
        period=period, days=days, as_of=as_of, start=as_of - timedelta(days=days),
        new_risks=book.run("answer_times", **common),
        open_risks=book.run("open_risks", as_of=as_of),
        answers={k: (None if pd.isna(v) else v) for k, v in answers.items()},
        problems=book.run("top_problems_by_settlement", **common, limit=top),
        growth=growth,
        topics=topics[topics.this_period > 0].head(top),
        verdicts=book.run("verdicts", **common),
        states=book.run("worked_out_share", **common),
        mood=mood,
        quotes=book.run("notable_quotes", **common, official=official, limit=quotes),
        norm_hours=int(book.defaults["norm_hours"]), deadline_hours=int(book.defaults["deadline_hours"]),
        posts=int(overview["posts"]),
        negative_share=None if pd.isna(overview["negative_share"]) else float(overview["negative_share"]),
        extra={s.name: s.gather(book, scope) for s in SECTIONS if s.gather is not None},
    )
