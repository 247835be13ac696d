"""Training runs: gather data (seed + CSVs + staff labels), hold out the latest 15 %, fit, evaluate, register.

Composition root for the classifiers: it turns texts into Docs with our own text processing and hands them to
the classifiers package, which knows nothing of razdel or pymorphy.
"""
from __future__ import annotations

import hashlib
import json
import logging
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from classifiers import ROLES, labels_of, registry
from classifiers.dataset import (
    TOXICITY,
    DataSource,
    Example,
    file_sha256,
    read_csv_examples,
    seed_examples,
    split_holdout,
)
from classifiers.evaluate import evaluate
from classifiers.features import Doc
from classifiers.models import TASKS, Models, TaskModel
from classifiers.seed import seed_hash
from classifiers.train import fit_task_model, fit_thresholds, recipe_for, with_encoder
from core.errors import UsageError
from core.records import SENTIMENTS
from pipeline import text

log = logging.getLogger(__name__)


def to_doc(raw: str) -> Doc:
    ws = text.words(raw)
    return Doc(lemmas=" ".join(text.lemma(w) for w in ws), words=" ".join(w.lower() for w in ws),
               text=text.normalize(raw).lower(), raw=raw)


def to_docs(texts: list[str]) -> list[Doc]:
    return [to_doc(t) for t in texts]


def allowed_labels(task: str, topic_codes: tuple[str, ...]) -> tuple[str, ...]:
    return {"topics": topic_codes, "sentiment": SENTIMENTS, "toxicity": TOXICITY}[labels_of(task)]


@dataclass
class TrainResult:
    model: TaskModel
    report: dict                    # holdout metrics of the new model
    card: dict
    promoted: bool = False
    current_report: dict | None = None   # the model in use, on the same holdout
    messages: list[str] = field(default_factory=list)


def _libraries() -> dict:
    import numpy
    import sklearn
    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": numpy.__version__}


def _encoder_card() -> dict:
    from classifiers.encoder import shared
    return shared().card


def train(task: str, topic_codes: tuple[str, ...], models_dir: Path, sources: list[DataSource] = (),
          staff: list[dict] = (), use_seed: bool = True, promote: bool = False, force: bool = False,
          min_chars: int = 1, measure: bool = True, encoder_weight: float | None = None,
          card_extra: dict | None = None) -> TrainResult:
    """One training run. measure=False (the first-run seed models) fits once on every row and skips the holdout.
    card_extra: more keys for the model card (ensure_model's upgrade warning)."""
    allowed = allowed_labels(task, topic_codes)
    examples: list[Example] = seed_examples(task, topic_codes) if use_seed else []
    data_card = [{"source": "seed", "sha256": seed_hash(task), "rows": len(examples)}] if use_seed else []
    for src in sources:
        rows, skipped = read_csv_examples(src, allowed, min_chars)
        examples += rows
        data_card.append({"source": src.path.name, "sha256": file_sha256(src.path), "rows": len(rows),
                          "skipped": skipped, "text_col": src.text_col, "label_col": src.label_col,
                          "time_col": src.time_col, "group_col": src.group_col})
    staff_rows = [Example(s["text"], s["label"], "staff", i, s["labelled_at"]) for i, s in enumerate(staff)
                  if s["label"] in allowed and s["text"]]
    examples += staff_rows
    data_card.append({"source": "staff labels (ClickHouse)", "rows": len(staff_rows)})
    if len({e.label for e in examples}) < 2:
        raise UsageError(f"для задачи {task} нужно хотя бы два разных класса в данных")
    train_rows, test_rows = split_holdout(examples) if measure else (examples, [])
    train_docs, test_docs = to_docs([e.text for e in train_rows]), to_docs([e.text for e in test_rows])
    seed_only = use_seed and not sources and not staff_rows      # a fresh install's models: SEED_RECIPES
    recipe = recipe_for(task, seed_only)
    if encoder_weight is not None:     # None: as the recipe says; 0: without the encoder; > 0: with it
        recipe = with_encoder({**recipe, "parts": [p for p in recipe["parts"] if "encoder" not in p]}, encoder_weight)
    content = hashlib.sha256(json.dumps([data_card, recipe], sort_keys=True, default=str).encode()).hexdigest()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    version = f"{task}-seed-{content[:12]}" if not measure else f"{task}-{stamp}-{content[:6]}"
    model = fit_task_model(task, train_docs, [e.label for e in train_rows], version, recipe,
                           chatter=[e.chatter for e in train_rows])
    y_test = [e.label for e in test_rows]
    if task == "topics" and test_docs:
        model = TaskModel(model.task, model.version, model.featurizer, model.head,
                          fit_thresholds(model, test_docs, y_test))
    report = evaluate(y_test, model.predict(test_docs), model.classes)
    report["mean_confidence"] = (round(float(model.predict_proba(test_docs).max(axis=1).mean()), 4)
                                 if test_docs else None)
    refit_all = measure and seed_only
    if refit_all:   # the seed has no time order: measure on the held-out tenth, then ship a model fitted on all of it
        rows = train_rows + test_rows
        refit = fit_task_model(task, train_docs + test_docs, [e.label for e in rows], version, recipe,
                               chatter=[e.chatter for e in rows])
        model = TaskModel(task, version, refit.featurizer, refit.head, model.thresholds)
    counts: dict[str, int] = {}
    for e in train_rows:
        counts[e.label] = counts.get(e.label, 0) + 1
    card = {"task": task, "role": ROLES[task], "recipe": recipe, "data": data_card, "train_rows": len(train_rows),
            "rows_per_label": dict(sorted(counts.items())),
            "staff_labels_used": sum(e.source == "staff" for e in train_rows),
            "holdout": {"rows": len(test_rows), "rule": "latest 15 % by time / group / file order; near-duplicates "
                        "of held-out texts removed from training" if measure else
                        "none: first-run seed model; `dozor classifiers train --task T` measures one",
                        "macro_f1": report["macro_f1"] if test_rows else None,
                        "accuracy": report["accuracy"], "mean_confidence": report["mean_confidence"],
                        "per_class": report["per_class"]},
            "thresholds": model.thresholds, "refit_on_all_rows_after_holdout": refit_all, "libraries": _libraries(),
            "encoder": _encoder_card() if model.featurizer.uses_encoder else None, **(card_extra or {})}
    registry.save(model, models_dir, card)
    result = TrainResult(model, report, card)
    current = registry.current_version(models_dir, task)
    if current and current != version:
        current_model = registry.load(models_dir, task, current)
        result.current_report = evaluate(y_test, current_model.predict(test_docs), current_model.classes)
    if promote:
        worse = result.current_report is not None and report["macro_f1"] < result.current_report["macro_f1"]
        if worse and not force:
            result.messages.append(f"Не продвинута: macro-F1 {report['macro_f1']:.4f} хуже действующей {current} "
                                   f"({result.current_report['macro_f1']:.4f}) на той же отложенной выборке; "
                                   "--force, чтобы продвинуть всё равно.")
        else:
            registry.promote(models_dir, task, version)
            result.promoted = True
    return result


STAFF_SOURCE = "staff labels (ClickHouse)"


def _seed_alone(card: dict) -> bool:
    """Was this model card's model trained on the seed corpus alone (no CSV, no staff label)?"""
    data = card.get("data") or []
    return any(d.get("source") == "seed" for d in data) and all(
        d.get("source") == "seed" or (d.get("source") == STAFF_SOURCE and not d.get("rows")) for d in data)


def complaint_upgrade_warning(models_dir: Path) -> str | None:
    """For an install upgraded from before the complaint-mood head: when the current sentiment model (what detection
    read as its mood until then) was trained on more than the seed, the seed-trained complaint head changes what
    detection reads. The Russian warning with the command that trains the head on the same data; None otherwise."""
    current = registry.current_version(models_dir, "sentiment")
    if current is None:
        return None
    card = registry.read_manifest(Path(models_dir) / "sentiment" / current).get("card", {})
    if _seed_alone(card):
        return None
    data = card.get("data") or []
    args = ["dozor classifiers train --task complaint"]
    for d in data:
        if d.get("source") in ("seed", STAFF_SOURCE):
            continue
        args.append(f"--data {d['source']} --text-col {d.get('text_col') or 'text'} "
                    f"--label-col {d.get('label_col') or 'label'}")
        args += [f"--{opt}-col {d[f'{opt}_col']}" for opt in ("time", "group") if d.get(f"{opt}_col")]
    if not any(d.get("source") == "seed" for d in data):
        args.append("--no-seed")
    weights = [p.get("weight") for p in (card.get("recipe") or {}).get("parts", []) if "encoder" in p]
    if weights:
        args.append(f"--encoder {weights[0]}")
    args.append("--promote")
    names = {"seed": "начальный корпус", STAFF_SOURCE: "метки сотрудников"}
    used = ", ".join(f"{names.get(d.get('source'), d.get('source'))}: {d.get('rows', 0)} строк"
                     for d in data) or "данные не указаны"
    return (f"Действующая модель настроения {current} обучена не только на начальном корпусе ({used}), а голова "
            "жалоб (complaint), которую с этой версии читает детекция вместо неё, при обновлении обучена на одном "
            "начальном корпусе: детекция и отслеживание реакции видят настроение постов иначе, чем до обновления. "
            f"Обучите голову жалоб на тех же данных: {' '.join(args)} "
            "(путь к каждому CSV — ваш; метки сотрудников читаются из ClickHouse; см. docs/commands.md).")


def ensure_model(models_dir: Path, topic_codes: tuple[str, ...], task: str) -> str:
    """The current version of a task; with none yet, the seed-trained model is trained and promoted (what a fresh
    install ships; ~5 s per task on 2 cores). The complaint head of an upgraded install whose sentiment model was
    trained on more than the seed carries complaint_upgrade_warning on its card (ensure_models logs it)."""
    current = registry.current_version(models_dir, task)
    if current is None:
        log.info("training the seed model for %s (first run)", task)
        warning = complaint_upgrade_warning(models_dir) if task == "complaint" else None
        current = train(task, topic_codes, models_dir, promote=True, measure=False,
                        card_extra={"upgrade_warning": warning} if warning else None).model.version
    return current


def upgrade_warning(models_dir: Path) -> str | None:
    """The current complaint head's upgrade warning, if its card has one (gone once a trained head is promoted);
    with no complaint head yet (an upgraded install not started since), the warning its first start will give."""
    current = registry.current_version(models_dir, "complaint")
    if current is None:
        return complaint_upgrade_warning(models_dir)
    return registry.read_manifest(Path(models_dir) / "complaint" / current).get("card", {}).get("upgrade_warning")


def ensure_models(models_dir: Path, topic_codes: tuple[str, ...]) -> Models:
    """The current model of every task; a task with none gets the seed-trained one (first run, ~20 s). An install
    from before the complaint-mood head gets its seed-trained head on first use, whatever its sentiment model; when
    that sentiment model was trained on more than the seed, every start logs a warning until the head is trained."""
    for task in TASKS:
        ensure_model(models_dir, topic_codes, task)
    warning = upgrade_warning(models_dir)
    if warning:
        log.warning("%s", warning)
    return registry.load_current(models_dir)
