"""Residents' reaction to an answer, and the verdict it supports. Pure, event time.

After the answer the story's posts and the replies under the answer's links are compared with the hours before
the answer: volume per hour, share of negative posts, spread to sources not seen before. The verdict
«отработан» is proposed when, for the quiet period, nothing spread and nothing negative came; renewed
complaints after the verdict reopen the risk.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from alerting.lifecycle import Risk


@dataclass(frozen=True)
class Mention:
    """A post that belongs to a story or replies to one of its answers."""

    uid: str
    at: datetime
    source: str
    negative: bool


@dataclass(frozen=True)
class Reaction:
    quiet_s: int = 12 * 3600
    compare_s: int = 6 * 3600
    watch_after_s: int = 3600
    reopen_posts: int = 2
    official_sources: tuple[str, ...] = ()

    @classmethod
    def of(cls, risks) -> Reaction:
        return cls(risks.quiet_s, risks.compare_s, risks.watch_after_s, risks.reopen_posts, risks.official_sources)


def _share(ms: list[Mention]) -> float:
    return round(sum(m.negative for m in ms) / len(ms), 3) if ms else 0.0


def spreads(m: Mention, before: set[str], config: Reaction) -> bool:
    return m.source not in before and m.source not in config.official_sources


def figures(mentions: list[Mention], answered_at: datetime, now: datetime, config: Reaction) -> dict:
    """The figures behind a reaction report: after the answer (up to now) against the compare_s before it."""
    window = timedelta(seconds=config.compare_s)
    before = [m for m in mentions if answered_at - window <= m.at < answered_at]
    after = [m for m in mentions if answered_at <= m.at <= now]
    known = {m.source for m in mentions if m.at < answered_at}
    hours_after = max((now - answered_at).total_seconds() / 3600, 1.0)
    return {"before_posts": len(before), "before_per_hour": round(len(before) / (config.compare_s / 3600), 2),
            "before_negative_share": _share(before), "after_posts": len(after),
            "after_per_hour": round(len(after) / hours_after, 2), "after_negative_share": _share(after),
            "new_sources": sorted({m.source for m in after if spreads(m, known, config)}),
            "hours_since_answer": round((now - answered_at).total_seconds() / 3600, 1)}


def last_alarm(mentions: list[Mention], since: datetime, config: Reaction) -> datetime:
    """The latest negative post or spread to a new source since `since` (or `since` itself)."""
    known = {m.source for m in mentions if m.at < since}
    alarms = [m.at for m in mentions if m.at >= since and (m.negative or spreads(m, known, config))]
    return max(alarms, default=since)


def next_step(risk: Risk, mentions: list[Mention], now: datetime, config: Reaction
              ) -> tuple[str, datetime, dict] | None:
    """The automatic event due by `now` — ("watching" | "worked_out" | "reopened", its event time, figures) —
    or None."""
    if risk.answered_at is None:
        return None
    answered = max(e.at for e in risk.history if e.event == "answered")
    if risk.state == "answered":
        at = answered + timedelta(seconds=config.watch_after_s)
        return ("watching", at, figures(mentions, answered, at, config)) if at <= now else None
    if risk.state == "watching":
        quiet = timedelta(seconds=config.quiet_s)
        at = last_alarm(mentions, answered, config) + quiet
        if at <= now:
            return "worked_out", at, figures(mentions, answered, at, config) | {"quiet_s": config.quiet_s}
        return None
    if risk.state == "worked_out" and risk.verdict_at is not None:
        renewed = [m for m in mentions if m.at > risk.verdict_at and m.negative]
        if len(renewed) >= config.reopen_posts:
            at = renewed[config.reopen_posts - 1].at
            return "reopened", at, {"complaints": len(renewed), "uids": [m.uid for m in renewed],
                                    "sources": sorted({m.source for m in renewed})}
    return None
