"""The analysts' notebooks run top to bottom against a database filled by `dozor demo`, and are kept in git
with their outputs cleared. The demo runs in a child process with its own chdb path, and each notebook's
kernel opens that path after it (chdb allows one data path per process; this test process never opens it)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.geo import load_gazetteer

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def demo_dsn(tmp_path_factory, models_dir, kit):
    data = tmp_path_factory.mktemp("notebook-demo")
    env = {**os.environ, "DOZOR_DATA_DIR": str(data), "DOZOR_MODELS_DIR": str(models_dir)}
    done = subprocess.run([sys.executable, "-m", "pipeline.commands", "demo"], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return f"chdb://{data / 'clickhouse'}"


def test_there_are_the_four_notebooks():
    assert {p.stem for p in NOTEBOOKS} == {"topic_dynamics", "settlement_map", "answers_and_outcomes",
                                           "appeals_and_satisfaction"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_demo_database(path, demo_dsn, monkeypatch):
    monkeypatch.setenv("DOZOR_NOTEBOOK_DSN", demo_dsn)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any({"image/png", "image/svg+xml"} & set(o.get("data", {})) for o in outputs), "no chart drawn"
    text = "".join(o.get("text", "") for o in outputs)
    assert "Данные по состоянию на 2026-03-30 23:33:50+03:00" in text
    if path.stem == "settlement_map":
        assert "Нет координат в газеттире:" in text and "Лычково" not in text.split("газеттире:")[1]
        assert "Жирково (" in text.split("газеттире:")[1]                       # reported, no coordinates
        svg = "".join(o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {}))
        located = {s.name for s in load_gazetteer().settlements if s.lat is not None}
        assert set(re.findall(r'data-place="([^"]+)"', svg)) == located and "Лычково" in located
