"""Model artifacts under <data dir>/models: plain JSON + .npz (no pickle), guarded by SHA-256 checksums.

    models/seed-1a2b3c4d5e6f/manifest.json   {"version", "created_at", "files": {name: sha256}, "card": {...}}
                             model.json       classes and featurizer vocabularies
                             arrays.npz       idf vectors, coefficients, intercepts
A file that fails its checksum, or is not ours, is refused with ArtifactError.
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
from classifiers.models import TASKS, Head, Models

FORMAT = "dozor-model/1"


class ArtifactError(Exception):
    """A model artifact is missing, foreign or tampered with."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_models(models: Models, folder: Path, card: dict) -> Path:
    """Write atomically: a half-written artifact is never seen under its final name."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    meta, arrays = models.featurizer.to_state()
    meta["heads"] = {task: list(models.heads[task].classes) for task in TASKS}
    for task in TASKS:
        arrays[f"{task}_coef"] = models.heads[task].coef
        arrays[f"{task}_intercept"] = models.heads[task].intercept
    (tmp / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    np.savez_compressed(tmp / "arrays.npz", **arrays)
    manifest = {"format": FORMAT, "version": models.version,
                "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "files": {name: _sha256(tmp / name) for name in ("model.json", "arrays.npz")}, "card": card}
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)
    return folder


def load_models(folder: Path) -> Models:
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ArtifactError(f"{folder}: не найден или повреждён manifest.json ({e})") from e
    if manifest.get("format") != FORMAT:
        raise ArtifactError(f"{folder}: чужой формат модели {manifest.get('format')!r}")
    for name, digest in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file() or _sha256(path) != digest:
            raise ArtifactError(f"{folder}: файл {name} изменён или отсутствует (контрольная сумма не совпадает)")
    if set(manifest.get("files", {})) != {"model.json", "arrays.npz"}:
        raise ArtifactError(f"{folder}: неполный набор файлов модели")
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    with np.load(folder / "arrays.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    heads = {task: Head(tuple(meta["heads"][task]), arrays[f"{task}_coef"], arrays[f"{task}_intercept"])
             for task in TASKS}
    return Models(version=manifest["version"], featurizer=Featurizer.from_state(meta, arrays), heads=heads)
