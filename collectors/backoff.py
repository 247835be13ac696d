"""The one retry helper every collector uses: classify an error, back off and retry, or give up with a reason.

    verdict = classify(exc)        # Verdict(action, reason in Russian, retry_after_s) or None: not ours, re-raise
    RETRY_AFTER   -> sleep (the error's retry-after if it carries one, else exponential backoff) and call again
    anything else -> SourceUnavailable(reason, action): the runner decides (skip the source, pause, stop all)

Nothing here sleeps by itself: `sleep` is injected, so tests pass a recording fake and assert on the delays.
"""
from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Action(str, Enum):  # noqa: UP042 -- a StrEnum prints "quota" where this prints "Action.QUOTA": logs differ
    RETRY_AFTER = "retry_after"   # transient: too many requests, flood control, server hiccup -> back off, retry
    QUOTA = "quota"               # the daily quota is spent: leave this source alone until tomorrow
    AUTH = "auth"                 # the token is invalid: stop everything and tell a person
    SKIP_SOURCE = "skip_source"   # this source cannot be read (closed, deleted, wrong id): skip it, report
    FAIL = "fail"                 # anything else: this call failed; the next poll tries again


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    reason: str                          # Russian, for staff: «доступ к сообществу закрыт (ошибка VK 15)»
    retry_after_s: float | None = None   # when the error says how long to wait (HTTP Retry-After, flood wait)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_s: float = 1.0
    max_s: float = 60.0
    factor: float = 2.0
    max_attempts: int = 5          # calls in total, the first one included
    jitter: bool = False           # off by default: deterministic delays

    def delay_s(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """The pause after failed attempt number `attempt` (1-based): base, base*factor, ... capped at max_s."""
        delay = min(self.max_s, self.base_s * self.factor ** (attempt - 1))
        return delay * (0.5 + rng() / 2) if self.jitter else delay


class SourceUnavailable(Exception):
    """A source (or the whole platform) cannot be read now. str(e) is the Russian reason staff read."""

    def __init__(self, reason: str, action: Action) -> None:
        super().__init__(reason)
        self.reason = reason
        self.action = action

    def __repr__(self) -> str:
        return f"SourceUnavailable({self.reason!r}, {self.action.name})"


def call_with_retry(fn: Callable[[], T], classify: Callable[[BaseException], Verdict | None],
                    sleep: Callable[[float], None], policy: RetryPolicy = RetryPolicy(),
                    rng: Callable[[], float] = random.random) -> T:
    """fn() with retries of RETRY_AFTER errors; other classified errors become SourceUnavailable.

    The original exception is not chained (`from None`): API client errors carry the request, token included,
    and a chained traceback in a log would print it.
    """
    attempt = 1
    while True:
        try:
            return fn()
        except Exception as exc:                       # noqa: BLE001 - classify decides; unknown ones re-raise
            verdict = classify(exc)
            if verdict is None:
                raise
        if verdict.action is not Action.RETRY_AFTER:
            raise SourceUnavailable(verdict.reason, verdict.action) from None
        if attempt >= policy.max_attempts:
            raise SourceUnavailable(f"{verdict.reason}; попыток: {attempt}", Action.RETRY_AFTER) from None
        after_s = verdict.retry_after_s
        delay = max(0.0, float(after_s)) if after_s is not None and math.isfinite(after_s) else policy.delay_s(
            attempt, rng)
        log.warning("повтор %d/%d через %.1f с: %s", attempt + 1, policy.max_attempts, delay, verdict.reason)
        sleep(delay)
        attempt += 1
