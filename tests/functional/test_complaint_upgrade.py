"""An install from before the complaint-mood head (no complaint model) gets a seed-trained head on first use. When its
current sentiment model — what detection read as its mood until then — was trained on more than the seed, that is a
change operators must hear of: a Russian warning in the log at every start, and in `dozor classifiers list`, with the
command that trains the head on the same data; none for a seed-only registry."""
from __future__ import annotations

import csv
import logging
import shutil
from argparse import Namespace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from classifiers import registry
from classifiers.dataset import DataSource
from core.settings import Settings
from core.taxonomy import load_topics
from pipeline.commands.classifiers import cmd_list
from pipeline.training import ensure_models, train, upgrade_warning

CODES = tuple(load_topics())
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
NEGATIVE = ["опять нет воды", "яма на дороге так и не заделана", "свет отключили снова", "мусор не вывозят неделю"]
POSITIVE = ["спасибо за ремонт", "дорогу сделали отлично", "воду дали, благодарим", "хорошо убрали двор"]
NEUTRAL = ["когда будет собрание", "какой номер у диспетчерской", "подскажите расписание автобуса", "где приём"]


def _sentiment_csv(folder: Path) -> Path:
    path = folder / "moods.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("text", "label", "created"))
        for i in range(12):
            at = (T0 + timedelta(hours=i)).isoformat()
            for label, texts in (("negative", NEGATIVE), ("positive", POSITIVE), ("neutral", NEUTRAL)):
                writer.writerow((f"{texts[i % 4]} дом {i}", label, at))
    return path


def _upgraded_install(kit, models_dir: Path, tmp_path: Path) -> Path:
    """The session's seed registry as an install from before the head: the complaint task removed."""
    assert kit.models is not None        # the session registry is complete
    root = tmp_path / "models"
    shutil.copytree(models_dir, root)
    shutil.rmtree(root / "complaint")
    return root


def _listed(root: Path, capsys) -> str:
    capsys.readouterr()
    cmd_list(Namespace(task=None), Settings(models_dir=root))
    return capsys.readouterr().out


def test_a_retrained_sentiment_model_warns_with_the_command_and_training_the_head_ends_it(kit, models_dir, tmp_path,
                                                                                          caplog, capsys):
    root = _upgraded_install(kit, models_dir, tmp_path)
    data = DataSource(_sentiment_csv(tmp_path), "text", "label", "created")
    retrained = train("sentiment", CODES, root, [data], promote=True, force=True)
    assert retrained.promoted
    assert "голова жалоб (complaint)" in _listed(root, capsys)      # before the first start, too
    with caplog.at_level(logging.WARNING, logger="pipeline.training"):
        ensure_models(root, CODES)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    command = ("dozor classifiers train --task complaint --data moods.csv --text-col text --label-col label "
               "--time-col created --promote")
    assert len(warnings) == 1 and command in warnings[0] and retrained.model.version in warnings[0]
    assert upgrade_warning(root) == warnings[0]
    assert "Внимание: " + warnings[0] in _listed(root, capsys)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pipeline.training"):
        ensure_models(root, CODES)                                    # every start says it again
    assert [r.getMessage() for r in caplog.records] == warnings

    head = train("complaint", CODES, root, [data], promote=True, force=True)    # what the warning asks for
    assert head.promoted and upgrade_warning(root) is None
    assert "Внимание" not in _listed(root, capsys)


def test_a_seed_only_registry_upgrades_without_a_warning(kit, models_dir, tmp_path, caplog, capsys):
    root = _upgraded_install(kit, models_dir, tmp_path)
    with caplog.at_level(logging.WARNING, logger="pipeline.training"):
        ensure_models(root, CODES)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert registry.current_version(root, "complaint") and upgrade_warning(root) is None
    assert "Внимание" not in _listed(root, capsys)
