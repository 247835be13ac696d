"""Loads what the enrichment stage needs: the gazetteer, the topic taxonomy, and the models.

Models come from the registry under <data dir>/models; on first need they are trained from the seed corpus
(deterministically; ~10 s on 2 cores) and cached there under a version named by the seed's hash.
"""
from __future__ import annotations

import logging
import platform
from pathlib import Path

from classifiers.registry import ArtifactError, load_models, save_models
from classifiers.seed import load_seed, seed_hash
from pipeline import geo, text
from pipeline.enrich import Kit
from pipeline.settings import Settings
from pipeline.topics import load_topics

log = logging.getLogger(__name__)
TRAINING_RECIPE = "tfidf-word12-char25+logreg/1"


def seed_version() -> str:
    import hashlib
    return "seed-" + hashlib.sha256((seed_hash() + TRAINING_RECIPE).encode()).hexdigest()[:12]


def ensure_seed_models(models_dir: Path, topic_codes: tuple[str, ...]):
    version = seed_version()
    folder = Path(models_dir) / version
    if (folder / "manifest.json").exists():
        try:
            return load_models(folder)
        except ArtifactError as e:
            log.warning("retraining: %s", e)
    log.info("training seed models %s (first run)", version)
    import sklearn

    from classifiers.train import HEAD_PARAMS, train_seed_models
    rows = load_seed(topic_codes)
    docs = [" ".join(text.lemmatize(r.text)) for r in rows]
    models = train_seed_models(rows, docs, version)
    card = {"data": {"seed": {"sha256": seed_hash(), "rows": len(rows)}}, "recipe": TRAINING_RECIPE,
            "params": HEAD_PARAMS, "sklearn": sklearn.__version__, "python": platform.python_version()}
    save_models(models, folder, card)
    return models


def load_kit(settings: Settings) -> Kit:
    topics = load_topics(settings.topics_file)
    return Kit(models=ensure_seed_models(settings.model_root, tuple(topics)),
               gazetteer=geo.load_gazetteer(settings.gazetteer_file),
               max_text_chars=settings.max_text_chars)
