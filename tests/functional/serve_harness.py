"""`dozor serve` as a real process for tests: a VK wall (tests/contract/fake_vk.py) and the Bot API
(tests/fakes/bot_api.py) on loopback, a sources file, a staff account, and HTTP helpers.

    with served(tmp_path, models_dir) as s:      # FakeVK s.vk, FakeBotApi s.tg, the process s.proc
        s.vk_burst(WATER)                         # four residents' posts on the wall
        s.wait(lambda: s.risks())                 # the register (HTTP, Basic auth) shows a risk
        s.health()["components"]["chat"]["state"]
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from itertools import count

from pipeline.serve.auth import hash_password
from tests.contract.fake_vk import FakeVK
from tests.contract.test_vk import TOKEN as VK_TOKEN
from tests.contract.vk_fixtures import DEM, PODSLUSHANO
from tests.fakes.bot_api import FakeBotApi
from tests.functional.test_run_crash import live_post

BOT, CHAT, STAFF = "555:serve", -100888, 4242
LOGIN, PASSWORD = "duty", "смена-первая-1"
WATER = ["В Демянске на улице Ленина нет воды с утра, когда дадут?",
         "У нас на Ленина тоже нет воды, водоканал не отвечает.",
         "Третий час без воды на Ленина в Демянске, дети не умыты.",
         "Нет воды на Ленина и на Школьной в Демянске, безобразие."]
HEAT = ["В Демянске в школе на Победы холодные батареи, дети сидят в куртках.",
        "Отопления нет в домах на Победы в Демянске, батареи ледяные.",
        "Холодно в квартирах на улице Победы в Демянске, котельная не греет.",
        "В Демянске на Победы нет отопления второй день, замёрзли."]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    vk: FakeVK
    tg: FakeBotApi
    port: int
    proc: subprocess.Popen | None = None
    ids: count = field(default_factory=lambda: count(300))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def vk_burst(self, texts: list[str]) -> None:
        for i, text in enumerate(texts):
            n = next(self.ids)
            self.vk.add_post(DEM, live_post(n, 1.5 - i * 0.3, text, 800 + n))

    def get(self, path: str, auth: bool = True) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path)
        if auth:
            token = base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def health(self) -> dict:
        return json.loads(self.get("/health", auth=False)[1])

    def risks(self) -> list[dict]:
        status, body = self.get("/api/risks")
        return json.loads(body)["risks"] if status == 200 else []

    def cards(self) -> list:
        return [c for c in self.tg.calls("sendMessage") if c.params.get("reply_markup")]

    def wait(self, condition, timeout: float = 120, what: str = "condition"):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.proc.poll() is None, f"dozor serve exited: {self.proc.returncode}"
            value = condition()
            if value:
                return value
            time.sleep(0.5)
        raise AssertionError(f"timed out waiting for {what}")

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=90)
        return self.proc.returncode, out


@contextlib.contextmanager
def served(tmp_path, models_dir, extra_env: dict | None = None, seconds: int = 600):
    with FakeVK(token=VK_TOKEN) as vk, FakeBotApi(BOT) as tg:
        vk.add_community({**PODSLUSHANO, "comments": {}, "posts": []})
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - {{platform: vk, id: {-DEM}, name: Подслушано, poll_s: 10}}\n",
                           encoding="utf-8")
        s = Served(vk, tg, free_port())
        env = {**os.environ, "DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_MODELS_DIR": str(models_dir),
               "DOZOR_VK__TOKEN": VK_TOKEN, "DOZOR_VK__API_BASE": vk.api_base,
               "DOZOR_TELEGRAM__BOT_TOKEN": BOT, "DOZOR_TELEGRAM__ALERT_CHAT_ID": str(CHAT),
               "DOZOR_TELEGRAM__BOT_API_BASE": tg.base, "DOZOR_TELEGRAM__STAFF_USER_IDS": f"[{STAFF}]",
               "DOZOR_TELEGRAM__POLL_TIMEOUT_S": "1", "DOZOR_TELEGRAM__EDIT_INTERVAL_S": "0",
               "DOZOR_TELEGRAM__MAX_RETRIES": "0",
               "DOZOR_DIGEST__DAILY_AT": "", "DOZOR_DIGEST__WEEKLY_AT": "",
               "DOZOR_COLLECT__HEALTH_INTERVAL_S": "15",
               "DOZOR_SERVE__ACCOUNTS": json.dumps({LOGIN: hash_password(PASSWORD)}), **(extra_env or {})}
        s.proc = subprocess.Popen([sys.executable, "-m", "pipeline.commands", "serve", "--sources", str(sources),
                                   "--port", str(s.port), "--for", str(seconds)], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            s.wait(lambda: _answers(s), 180, "the HTTP server")
            yield s
        finally:
            if s.proc.poll() is None:
                s.proc.kill()
                s.proc.communicate(timeout=30)


def _answers(s: Served) -> bool:
    try:
        return s.get("/health", auth=False)[0] in (200, 503)
    except OSError:
        return False
