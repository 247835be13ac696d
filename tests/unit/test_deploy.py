"""deploy/: the systemd units start real `dozor` commands with a restart policy; the compose file's serve service
runs `dozor serve` and publishes the console on loopback only."""
from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
import yaml

from pipeline.commands import build_parser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


@pytest.mark.parametrize("name, command", [("dozor-serve.service", "serve"), ("dozor-worker@.service", "worker"),
                                           ("dozor-sink.service", "sink")])
def test_units_restart_and_run_a_real_command(name, command) -> None:
    service = unit(name)["Service"]
    assert service["Restart"] == "always" and int(service["RestartSec"]) > 0
    assert service["KillSignal"] == "SIGTERM" and int(service["TimeoutStopSec"]) >= 60
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith("/dozor") and argv[1] == command
    args = build_parser().parse_args(argv[1:])                 # the options exist
    assert args.command == command
    assert service["User"] == "dozor" and "DOZOR_DATA_DIR=" in service["Environment"]


def test_compose_serves_the_console_on_loopback() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    serve = compose["services"]["serve"]
    assert serve["command"] == ["serve"] and serve["restart"] == "unless-stopped"
    assert serve["ports"] == ["127.0.0.1:8080:8080"]
    assert "/health" in " ".join(serve["healthcheck"]["test"])
