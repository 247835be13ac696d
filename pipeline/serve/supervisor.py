"""A part of `dozor serve` in its own thread. Its step runs again and again until stop; a step that raises is
logged, marks the part failed and is retried after a back-off (1 s, doubling to `max_backoff_s`), so a database
that is away for a while, Telegram down or a bug in one part never stops the others.

    part = Supervised(health.add("digest", "дайджест"), step=digest.tick, every_s=30)
    part.start(stop)            # a daemon thread; part.join(timeout) after stop is set
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.serve.health import Component

log = logging.getLogger("dozor.serve")


def next_backoff(previous: float, max_s: float) -> float:
    """1, 2, 4 … seconds, never more than max_s."""
    return min(max_s, max(1.0, previous * 2))


@dataclass
class Supervised:
    component: Component
    step: Callable[[threading.Event], None]     # one unit of work; returns normally when it went well
    every_s: float = 0.0                        # pause between steps that went well
    max_backoff_s: float = 60.0
    mark_ok: bool = True                        # False: the step reports its own successes (component.ok())

    def __post_init__(self) -> None:
        self.thread: threading.Thread | None = None

    def start(self, stop: threading.Event) -> threading.Thread:
        self.thread = threading.Thread(target=self.run, args=(stop,), name=f"dozor-{self.component.name}",
                                       daemon=True)
        self.thread.start()
        return self.thread

    def run(self, stop: threading.Event) -> None:
        backoff = 0.0
        while not stop.is_set():
            try:
                self.step(stop)
            except Exception as e:                      # noqa: BLE001 - the part is retried, the others go on
                backoff = next_backoff(backoff, self.max_backoff_s)
                log.exception("%s: сбой, повтор через %.0f с", self.component.title, backoff)
                self.component.failed(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300])
                stop.wait(backoff)
                continue
            backoff = 0.0
            if self.mark_ok:
                self.component.ok()
            stop.wait(self.every_s)
        if self.component.state != "off":
            self.component.state = "stopped"

    def join(self, timeout: float) -> bool:
        if self.thread is not None:
            self.thread.join(timeout)
            return not self.thread.is_alive()
        return True
