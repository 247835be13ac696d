"""Named points where a test can kill the process for real (SIGKILL), to prove that nothing is lost or doubled.

    DOZOR_FAILPOINT=after_store        kill -9 at the first pass through failpoints.hit("after_store")
    DOZOR_FAILPOINT=after_store:3      ... at the third pass

Off unless the variable is set; an operator never sets it. A kill here is what a power cut or the OOM killer
does between two steps, so the crash tests exercise the real recovery path, not a simulation of it.
"""
from __future__ import annotations

import os
import signal

_passes: dict[str, int] = {}


def hit(name: str) -> None:
    spec = os.environ.get("DOZOR_FAILPOINT")
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
