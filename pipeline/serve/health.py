"""What GET /health reports: each part's state and the age of its last success, kept in memory by the parts.

    health = Health()
    chat = health.add("chat", "чат оповещений")
    chat.ok()                      # a call to the Bot API went through
    chat.failed("нет связи …")     # … or did not: state "error" until the next success
    health.snapshot()              # {"status": "ok" | "degraded", "components": {"chat": {...}, ...}}

States: starting (no step finished yet), ok, error (the last step failed), off (not configured), stopped.
A component is also "error" when it has not succeeded for longer than its `stale_s` (a part that hangs).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Component:
    name: str
    title: str                                   # Russian, for the console
    stale_s: float | None = None                 # no success for this long counts as an outage
    state: str = "starting"
    last_ok_at: float | None = None              # wall clock (time.time())
    error: str = ""
    error_at: float | None = None
    failures: int = 0                            # failed steps in a row
    details: dict = field(default_factory=dict)  # per part: sources, queue lengths …
    probe: Callable[[], dict] | None = None      # more details, read when asked (the collector's sources)
    clock: Callable[[], float] = time.time

    def ok(self, **details) -> None:
        self.state, self.last_ok_at, self.failures = "ok", self.clock(), 0
        self.details.update(details)

    def failed(self, error: str) -> None:
        self.state, self.error, self.error_at = "error", error, self.clock()
        self.failures += 1

    def off(self, why: str) -> None:
        self.state, self.error = "off", why

    def view(self, now: float) -> dict:
        state = self.state
        age = None if self.last_ok_at is None else round(now - self.last_ok_at, 1)
        if state == "ok" and self.stale_s is not None and age is not None and age > self.stale_s:
            state = "error"
        out = {"title": self.title, "state": state, "last_success_age_s": age, "failures_in_row": self.failures}
        if self.error and state != "ok":
            out["error"] = self.error
        if self.details:
            out.update(self.details)
        if self.probe is not None:
            out.update(self.probe())
        return out


class Health:
    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.components: dict[str, Component] = {}
        self._lock = threading.Lock()

    def add(self, name: str, title: str, stale_s: float | None = None) -> Component:
        with self._lock:
            self.components[name] = Component(name, title, stale_s, clock=self.clock)
            return self.components[name]

    def snapshot(self) -> dict:
        now = self.clock()
        with self._lock:
            views = {name: c.view(now) for name, c in self.components.items()}
        bad = [n for n, v in views.items() if v["state"] == "error"]
        for view in views.values():
            bad += [f"source {k}" for k, s in view.get("sources", {}).items() if s.get("state") == "error"]
        return {"status": "degraded" if bad else "ok", "problems": bad, "components": views}
