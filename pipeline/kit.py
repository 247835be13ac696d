"""Loads what the enrichment stage needs: the gazetteer, the topic taxonomy, and the current models.

Models come from the registry under <data dir>/models; a task with no model yet gets one trained from the seed
corpus (deterministically; ~15 s on 2 cores on the first run) and promoted.
"""
from __future__ import annotations

from core.settings import Settings
from core.taxonomy import load_topics
from pipeline import geo
from pipeline.enrich import Kit
from pipeline.ner import NatashaNer
from pipeline.training import ensure_models


def load_kit(settings: Settings) -> Kit:
    topics = load_topics(settings.topics_file)
    return Kit(models=ensure_models(settings.model_root, tuple(topics)),
               gazetteer=geo.load_gazetteer(settings.gazetteer_file),
               max_text_chars=settings.max_text_chars, ner=NatashaNer())
