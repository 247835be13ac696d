"""`dozor run` as a real process with the alert chat configured: a burst on a VK wall becomes one card in the chat
(fake Bot API on loopback) and a risk in risk_events — the collectors, the pipeline and the workflow wired."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.contract.fake_vk import FakeVK
from tests.contract.test_vk import TOKEN as VK_TOKEN
from tests.contract.vk_fixtures import DEM, PODSLUSHANO
from tests.fakes.bot_api import FakeBotApi
from tests.functional.test_run_crash import live_post

BOT, CHAT = "555:run", -100777
BURST = ["В Демянске на улице Ленина нет воды с утра, когда дадут?",
         "У нас на Ленина тоже нет воды, водоканал не отвечает.",
         "Третий час без воды на Ленина в Демянске, дети не умыты.",
         "Нет воды на Ленина и на Школьной в Демянске, безобразие."]


def test_a_burst_collected_live_reaches_the_alert_chat_once(kit, models_dir, tmp_path):
    with FakeVK(token=VK_TOKEN) as vk, FakeBotApi(BOT) as tg:
        vk.add_community({**PODSLUSHANO, "comments": {},
                          "posts": [live_post(300 + i, 1.5 - i * 0.3, t, 800 + i) for i, t in enumerate(BURST)]})
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - {{platform: vk, id: {-DEM}, name: Подслушано, poll_s: 60}}\n",
                           encoding="utf-8")
        env = {**os.environ, "DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_MODELS_DIR": str(models_dir),
               "DOZOR_VK__TOKEN": VK_TOKEN, "DOZOR_VK__API_BASE": vk.api_base,
               "DOZOR_TELEGRAM__BOT_TOKEN": BOT, "DOZOR_TELEGRAM__ALERT_CHAT_ID": str(CHAT),
               "DOZOR_TELEGRAM__BOT_API_BASE": tg.base}
        command = [sys.executable, "-m", "pipeline.commands", "run", "--sources", str(sources), "--for", "2"]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        cards = [c for c in tg.calls("sendMessage") if c.params.get("reply_markup")]
        assert len(cards) == 1 and "водоснабжение" in cards[0].params["text"].lower()
        assert "Демянск" in cards[0].params["text"]
        query = "SELECT groupArray(event) AS events FROM risk_events FINAL"
        stored = subprocess.run([sys.executable, "-m", "pipeline.commands", "sql", query, "--format", "jsonl"], env=env,
                                capture_output=True, text=True, timeout=60)
        assert json.loads(stored.stdout)["events"] == ["detected"]
