"""Packaging that installs quietly (issue 17): every folder of our packages is declared (data folders too, or
setuptools warns and a wheel leaves them out), the licence is an SPDX string with its file, and ruff is pinned."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOPS = ("core", "classifiers", "collectors", "storage", "alerting", "analytics", "pipeline")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def package_folders(root: Path = ROOT) -> set[str]:
    return {".".join(d.relative_to(root).parts) for top in TOPS for d in [root / top, *(root / top).rglob("*")]
            if d.is_dir() and d.name != "__pycache__" and any(f.is_file() for f in d.iterdir())}


def test_every_package_folder_is_declared_with_its_data() -> None:
    setuptools = PROJECT["tool"]["setuptools"]
    assert set(setuptools["packages"]) == package_folders()
    data = setuptools["package-data"]
    for package in set(setuptools["packages"]):
        folder = ROOT.joinpath(*package.split("."))
        files = {f.suffix for f in folder.iterdir() if f.is_file() and f.suffix != ".py"}
        assert files <= {Path(p).suffix for p in data.get(package, [])}, f"{package}: {files} not in package-data"


def test_the_licence_is_spdx_with_its_file() -> None:
    assert PROJECT["project"]["license"] == "MIT" and PROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Дозор contributors" in text


def test_ruff_is_a_pinned_test_dependency() -> None:
    assert any(d.startswith("ruff") for d in PROJECT["project"]["optional-dependencies"]["test"])
    pins = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    assert [p for p in pins if p.startswith("ruff==")]
