"""Completeness: is a source silent far beyond its usual rate, or failing? Pure; the runner supplies the figures.

"Нет данных" is a different message from "no risks": it says Дозор cannot see a source, so silence in the alert
chat means nothing for it. A source is silent when the pause since its last post is longer than all of:
  - silence_min_s (nobody is alarmed by a quiet hour),
  - the pause a Poisson source at its usual rate has with probability below silence_p: -ln(p) / rate,
  - 1.5 x the longest pause seen in the rate window (chats sleep at night; a weekly bulletin is weekly).
A source is judged only after a day of history with at least 5 posts; before that there is no usual rate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from core.settings import Collect
from core.sources import SourceStats

MIN_HISTORY_H = 24
MIN_HISTORY_POSTS = 5


@dataclass(frozen=True, slots=True)
class Notice:
    source: str
    kind: str              # "silent" | "failing"
    text: str              # Russian, for the chat and the log


def silence_limit_s(s: SourceStats, cfg: Collect) -> float | None:
    """How long this source may be quiet before it counts as silent; None: no usual rate known yet."""
    if s.window_hours < MIN_HISTORY_H or s.posts_in_window < MIN_HISTORY_POSTS:
        return None
    rate_per_s = s.posts_in_window / (s.window_hours * 3600)
    return max(cfg.silence_min_s, -math.log(cfg.silence_p) / rate_per_s, 1.5 * s.longest_gap_s)


def assess(s: SourceStats, name: str, now: datetime, cfg: Collect) -> Notice | None:
    if s.failures_in_row >= cfg.failing_polls:
        return Notice(s.source, "failing",
                      f"⚠️ нет данных: источник «{name}» не читается (неудачных опросов подряд: {s.failures_in_row}): "
                      f"{s.last_error}")
    limit = silence_limit_s(s, cfg)
    if limit is None or s.last_post_at is None:
        return None
    quiet_s = (now - s.last_post_at).total_seconds()
    if quiet_s <= limit:
        return None
    rate_per_day = s.posts_in_window / s.window_hours * 24
    return Notice(s.source, "silent",
                  f"⚠️ нет данных: источник «{name}» молчит {_hours(quiet_s)} "
                  f"(обычно ~{rate_per_day:.0f} сообщ. в сутки; порог {_hours(limit)}). "
                  "Это не «нет рисков»: проверьте источник и доступ к нему.")


def _hours(seconds: float) -> str:
    h = seconds / 3600
    return f"{h:.0f} ч" if h >= 10 else f"{h:.1f} ч".replace(".", ",")
