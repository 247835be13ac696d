"""`dozor run` detects with the stages every runner uses (pipeline/stages.py), not a detector of its own: it
once built `Detector(...)` itself and missed what replay and Kafka mode gave theirs (stories by meaning)."""
from __future__ import annotations

import pytest

from core.settings import Settings
from pipeline.commands import build_parser
from tests.contract.test_vk import TOKEN as VK_TOKEN
from tests.contract.vk_fixtures import DEM


class Captured(Exception):
    """Stops `dozor run` once its handler is built."""


def test_dozor_run_builds_its_detector_like_replay(kit, models_dir, dsn, tmp_path, monkeypatch):
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{platform: vk, id: {-DEM}, name: Подслушано, poll_s: 60}}\n",
                       encoding="utf-8")
    for key, value in {"DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_MODELS_DIR": str(models_dir),
                       "DOZOR_VK__TOKEN": VK_TOKEN}.items():
        monkeypatch.setenv(key, value)
    seen = {}

    def handler(kit, detector, *rest, **options):
        seen["detector"] = detector
        raise Captured

    monkeypatch.setattr("pipeline.live.EmbeddedHandler", handler)
    args = build_parser().parse_args(["run", "--sources", str(sources), "--db", dsn])
    with pytest.raises(Captured):
        args.func(args, Settings())
    terms = seen["detector"].terms("Снова затоплен подвал в доме на Школьной, вода стоит")
    assert {"подвал", "вода"} <= terms
