"""Versioned model artifacts under <models dir>/<task>/<version>/, and which version is in use.

    topics/topics-20261128-163000-1a2b3c/manifest.json  {"format", "task", "version", "created_at",
                                                         "files": {name: sha256},
                                                         "card": {data sources and hashes, rows per label,
                                                                  holdout metrics, library versions, ...}}
                                         model.json     classes, thresholds, featurizer parts and vocabularies
                                         arrays.npz     idf vectors, coefficients, intercepts
    topics/promoted.json                                {"current": version, "history": [earlier current versions]}

Artifacts are JSON + .npz loaded with allow_pickle=False and checked against SHA-256 sums: a file that fails its
checksum or is not ours is refused with ArtifactError (nothing in it is executed).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from classifiers.features import Featurizer
from classifiers.models import TASKS, Head, Models, TaskModel
from core.errors import DozorError

FORMAT = "dozor-model/2"
FILES = ("model.json", "arrays.npz")


class ArtifactError(DozorError):
    """A model artifact is missing, foreign or tampered with; or a registry operation is impossible."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_json_atomic(path: Path, doc: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def save(model: TaskModel, root: Path, card: dict) -> Path:
    """Write atomically: a half-written artifact is never seen under its final name."""
    folder = Path(root) / model.task / model.version
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    meta, arrays = model.featurizer.to_state()
    meta.update(task=model.task, classes=list(model.classes), thresholds=model.thresholds)
    arrays.update(coef=model.head.coef, intercept=model.head.intercept)
    (tmp / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    np.savez_compressed(tmp / "arrays.npz", **arrays)
    manifest = {"format": FORMAT, "task": model.task, "version": model.version,
                "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "files": {name: _sha256(tmp / name) for name in FILES}, "card": card}
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)
    return folder


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ArtifactError(f"{folder}: не найден или повреждён manifest.json ({e})") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise ArtifactError(f"{folder}: чужой формат модели {found!r}")
    return manifest


def load_folder(folder: Path, shared: dict | None = None) -> TaskModel:
    """shared: vectorizers of models loaded before, to reuse where identical (Featurizer.from_state)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if set(manifest.get("files", {})) != set(FILES):
        raise ArtifactError(f"{folder}: неполный набор файлов модели")
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != digest:
            raise ArtifactError(f"{folder}: файл {name} изменён или отсутствует (контрольная сумма не совпадает)")
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    try:
        with np.load(folder / "arrays.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except ValueError as e:
        raise ArtifactError(f"{folder}: arrays.npz не читается без pickle ({e})") from e
    head = Head(tuple(meta["classes"]), arrays["coef"], arrays["intercept"])
    return TaskModel(task=manifest["task"], version=manifest["version"],
                     featurizer=Featurizer.from_state(meta, arrays, shared), head=head,
                     thresholds={k: float(v) for k, v in meta.get("thresholds", {}).items()})


def _pointer(root: Path, task: str) -> Path:
    return Path(root) / task / "promoted.json"


def _read_pointer(root: Path, task: str) -> dict:
    path = _pointer(root, task)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"current": None, "history": []}


def current_version(root: Path, task: str) -> str | None:
    return _read_pointer(root, task)["current"]


def versions(root: Path, task: str) -> list[dict]:
    """Every stored version of a task, oldest first: version, created_at, card, current."""
    folder = Path(root) / task
    current = current_version(root, task)
    out = []
    for sub in sorted(folder.iterdir()) if folder.is_dir() else []:
        if sub.is_dir() and not sub.name.startswith("."):
            try:
                m = read_manifest(sub)
            except ArtifactError:
                continue
            out.append({"version": m["version"], "created_at": m["created_at"], "card": m.get("card", {}),
                        "current": m["version"] == current})
    return sorted(out, key=lambda v: (v["created_at"], v["version"]))


def load(root: Path, task: str, version: str | None = None, shared: dict | None = None) -> TaskModel:
    version = version or current_version(root, task)
    if version is None:
        raise ArtifactError(f"для задачи {task} нет действующей модели")
    model = load_folder(Path(root) / task / version, shared)
    if model.task != task:
        raise ArtifactError(f"{version}: модель задачи {model.task}, а не {task}")
    return model


def promote(root: Path, task: str, version: str) -> None:
    load(root, task, version)                 # refuse anything that does not load cleanly
    pointer = _read_pointer(root, task)
    if pointer["current"] == version:
        return
    history = pointer["history"] + ([pointer["current"]] if pointer["current"] else [])
    _write_json_atomic(_pointer(root, task), {"current": version, "history": history})


def rollback(root: Path, task: str) -> str:
    pointer = _read_pointer(root, task)
    if not pointer["history"]:
        raise ArtifactError(f"для задачи {task} нет предыдущей версии для отката")
    previous = pointer["history"][-1]
    load(root, task, previous)
    _write_json_atomic(_pointer(root, task), {"current": previous, "history": pointer["history"][:-1]})
    return previous


def load_current(root: Path) -> Models:
    shared: dict = {}        # identical vectorizers (same rows, same part) are held once
    return Models({task: load(root, task, shared=shared) for task in TASKS})
