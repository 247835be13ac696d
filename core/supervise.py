"""Supervised steps: what keeps the 24/7 processes (`dozor run`, `dozor bot`, and whatever runs them together)
alive through passing errors. One step is one recurring piece of work — a poll, an SLA tick, a chat flush, a health
line. A step that raises is logged and rests (doubling from `every_s`, capped at `max_rest_s`, or the
`retry_after` the error carries) while the other steps go on; after a success it keeps its own rhythm again.

    sla = Step("напоминания SLA", bot.sla_tick, every_s=60)
    while running:
        sla.run_if_due()            # True when it ran and succeeded; raises only what is_fatal says must stop

`transient(error)` tells a passing failure (a network error, Telegram 429 or 5xx, a database that is restarting)
from a bug; runners use it to keep a piece of input (a button press) for another try instead of dropping it.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("dozor.supervise")


def transient(error: BaseException) -> bool:
    """A failure worth trying again: no connection, a timeout, Telegram 429/5xx (its `code`), a database driver
    error (clickhouse-connect's). A bug (KeyError, TypeError, …) is not: retrying it would loop forever."""
    code = getattr(error, "code", None)
    if isinstance(code, int) and not isinstance(error, OSError):
        return code in (0, 429) or code >= 500
    if isinstance(error, (OSError, TimeoutError, ConnectionError)):
        return True
    return any(c.__module__.startswith(("clickhouse_connect", "chdb", "urllib3", "requests", "httpx"))
               for c in type(error).__mro__)


@dataclass
class Step:
    name: str
    fn: Callable[[], object]
    every_s: float
    max_rest_s: float = 300.0
    is_fatal: Callable[[BaseException], bool] = lambda e: False     # must stop the process (a revoked token)
    clock: Callable[[], float] = time.monotonic
    next_at: float = 0.0
    failures: int = 0                                # in a row
    total_failures: int = 0
    last_error: str = field(default="", repr=False)

    def due(self) -> bool:
        return self.clock() >= self.next_at

    def run_if_due(self) -> bool:
        return self.run() if self.due() else False

    def run(self) -> bool:
        """Run once now: True on success; on an error, log it, rest, and return False."""
        try:
            self.fn()
        except Exception as e:                   # noqa: BLE001 - a passing error never stops the process
            if self.is_fatal(e):
                raise
            self.failed(e)
            return False
        self.failures = 0
        self.next_at = self.clock() + self.every_s
        return True

    def failed(self, error: BaseException) -> float:
        """Count the failure and rest; returns the rest in seconds."""
        self.failures += 1
        self.total_failures += 1
        self.last_error = f"{type(error).__name__}: {error}"
        retry_after = getattr(error, "retry_after", None)
        rest = min(self.max_rest_s, float(retry_after) if retry_after else self.every_s * 2 ** (self.failures - 1))
        self.next_at = self.clock() + rest
        if transient(error):
            log.error("%s: сбой (%s), повтор через %.0f с", self.name, self.last_error, rest)
        else:
            log.exception("%s: ошибка, повтор через %.0f с", self.name, rest)
        return rest
