"""Integration tests against a real Apache Kafka broker (deploy/kafka/kafka.sh), started here when nothing
listens on DOZOR_TEST_KAFKA_PORT (default 19092) and stopped afterwards; needs Java 17+ (and Maven, or the jars
already in ~/.m2). Each test uses its own topic prefix, consumer groups and databases."""
from __future__ import annotations

import os
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.fakes.bot_api import FakeBotApi
from tests.integration.harness import BOT_TOKEN, ROOT, Harness

KAFKA_SH = ROOT / "deploy" / "kafka" / "kafka.sh"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def kafka_brokers(tmp_path_factory):
    port = int(os.environ.get("DOZOR_TEST_KAFKA_PORT", "19092"))
    if _listening(port):                 # a broker someone started (e.g. kafka.sh start --port ...): use it
        yield f"127.0.0.1:{port}"
        return
    folder = tmp_path_factory.mktemp("kafka")
    opts = ["--port", str(port), "--controller-port", str(port + 1), "--dir", str(folder)]
    started = subprocess.run([str(KAFKA_SH), "start", "--fresh", *opts], capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(f"could not start Kafka with {KAFKA_SH}:\n{started.stderr[-3000:]}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([str(KAFKA_SH), "stop", *opts], capture_output=True, text=True)


@pytest.fixture
def chat():
    """The alert chat the sink sends to (a fake Bot API recording requests)."""
    with FakeBotApi(BOT_TOKEN) as tg:
        yield tg


@pytest.fixture
def harness(kafka_brokers, models_dir, tmp_path, chat):
    h = Harness(brokers=kafka_brokers, prefix=f"t{uuid.uuid4().hex[:8]}.", models_dir=Path(models_dir),
                work=tmp_path, bot_api_base=chat.base)
    try:
        yield h
    finally:
        h.close()
