"""`dozor run` as a real process against FakeVK on loopback, killed with SIGKILL between fetch and cursor save.

The kill comes from pipeline.failpoints (DOZOR_FAILPOINT): the process dies exactly where a power cut could take
it. After restarts every post must be stored exactly once and the cursor must end where the wall ends.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.contract.fake_vk import FakeVK
from tests.contract.test_vk import TOKEN
from tests.contract.vk_fixtures import DEM, PODSLUSHANO, comment, wall_post

TEXTS = ["В Демянске на Ленина нет воды с утра.", "Автобус на Старую Руссу опять не пришёл.",
         "На Никольской яма, пробил колесо.", "Спасибо дорожникам за чистую дорогу!",
         "Отключили свет у больницы, никого не предупредили.", "Где сдать батарейки в Демянске?"]


def live_post(pid: int, hours_ago: float, text: str, author: int) -> dict:
    item = wall_post(DEM, pid, 0, text, author)
    item["date"] = int(time.time() - hours_ago * 3600)
    return item


@pytest.fixture
def vk():
    with FakeVK(token=TOKEN) as fake:
        fake.add_community({**PODSLUSHANO, "posts": [live_post(100 + i, 20 - i, t, 700 + i)
                                                     for i, t in enumerate(TEXTS)], "comments": {}})
        reply = comment(900, 0, "И у нас на Школьной нет воды.", 799)
        reply["date"] = int(time.time() - 3 * 3600)
        fake.add_comment(DEM, 100, reply)
        yield fake


def dozor(args: list[str], env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.commands", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_killed_between_fetch_and_cursor_save_every_post_is_stored_once(vk, kit, models_dir, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{platform: vk, id: {-DEM}, name: Подслушано в Демянске, poll_s: 60}}\n",
                       encoding="utf-8")
    env = {**os.environ, "DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_MODELS_DIR": str(models_dir),
           "DOZOR_VK__TOKEN": TOKEN, "DOZOR_VK__API_BASE": vk.api_base}
    run = ["run", "--sources", str(sources), "--for", "2"]

    killed = dozor(run, {**env, "DOZOR_FAILPOINT": "after_fetch"})      # fetched, nothing stored, no cursor
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    killed = dozor(run, {**env, "DOZOR_FAILPOINT": "after_store"})      # stored, killed before the cursor
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(vk.calls("wall.get")) >= 2                                # both runs read the wall from scratch

    vk.add_post(DEM, live_post(200, 0.5, "Опять нет воды на Ленина, сколько можно!", 750))
    done = dozor(run, env)                                               # restart: re-reads, stores the new one
    assert done.returncode == 0, done.stderr
    assert "здоровье: источников 1" in done.stderr

    query = "SELECT count() AS rows, uniqExact(uid) AS uids, (SELECT argMax(cursor, saved_at) FROM source_cursors)" \
            " AS cursor FROM posts"
    stored = json.loads(dozor(["sql", query, "--format", "jsonl"], env).stdout)
    assert (stored["rows"], stored["uids"]) == (len(TEXTS) + 2, len(TEXTS) + 2)    # 6 posts, 1 comment, 1 new
    assert json.loads(stored["cursor"])["last_id"] == 200

    status = dozor(["sources", "status", str(sources)], env)
    assert status.returncode == 0, status.stderr
    row = status.stdout.splitlines()[1].split("\t")
    assert row[0] == "Подслушано в Демянске (vk:-210001)" and row[4] == "0 / 0" and row[5] == "в норме"
    assert status.stdout.splitlines()[-1].startswith("Места не из справочника за 7 дней: ")   # issue 18


def test_sigterm_stops_cleanly_with_the_cursor_saved(vk, kit, models_dir, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{platform: vk, id: {-DEM}, poll_s: 30}}\n", encoding="utf-8")
    env = {**os.environ, "DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_MODELS_DIR": str(models_dir),
           "DOZOR_VK__TOKEN": TOKEN, "DOZOR_VK__API_BASE": vk.api_base}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.commands", "run", "--sources", str(sources)], env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines = []
    for line in proc.stderr:                              # the first health line follows the first poll
        lines.append(line)
        if "здоровье" in line:
            break
    proc.send_signal(signal.SIGTERM)
    rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, "".join(lines) + rest
    assert "остановка: опросов 1 (с ошибкой 0), новых сообщений 7" in rest
    saved = dozor(["sql", "SELECT argMax(cursor, saved_at) AS c FROM source_cursors", "--format", "jsonl"], env)
    assert json.loads(json.loads(saved.stdout)["c"])["last_id"] == 105
