"""Detection reads its own complaint-mood head (issue 14), not the public sentiment model: the seed head reads as the
one seed sentiment model read before the split (probabilities pinned from main a6fd2d6's seed sentiment model), and
a different sentiment model changes `sentiment` alone — never `negative`, `mood`, nor what detection does."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from alerting.detect import Detector
from classifiers.models import Models
from classifiers.train import fit_task_model
from core.records import Post
from core.settings import Detection
from core.taxonomy import load_topics
from pipeline.enrich import enrich_batch
from pipeline.training import to_docs

# negative / neutral / positive of main a6fd2d6's seed sentiment model (what detection read then), near the bars
BEFORE = {
    "Ну и когда это закончится?": (0.3116, 0.6775, 0.011),
    "А у нас всё нормально": (0.5671, 0.3609, 0.0719),
    "Саженцы ещё остались?": (0.458, 0.3515, 0.1905),
    "Дорогу вроде сделали, но уже трещины": (0.4522, 0.3121, 0.2357),
    "НУ СКОЛЬКО МОЖНО!!!": (0.1876, 0.7158, 0.0967),
    "Хорошо, что хоть так": (0.0955, 0.0648, 0.8397),
}
T0 = datetime(2026, 3, 24, 8, 0, tzinfo=timezone(timedelta(hours=3)))


def test_the_seed_complaint_head_reads_as_the_seed_sentiment_did_before_the_split(kit):
    scores = kit.models.score(to_docs(list(BEFORE)))
    for (text, before), s in zip(BEFORE.items(), scores, strict=True):
        got = dict(s.complaint)
        assert [got[c] for c in ("negative", "neutral", "positive")] == pytest.approx(before, abs=1e-4), text


def _toy_sentiment():
    """A public sentiment model unlike the complaint head: every complaint reads positive."""
    texts = ["нет воды", "яма на дороге", "опять нет света", "спасибо", "привет", "какая погода"]
    labels = ["positive", "positive", "positive", "negative", "neutral", "neutral"]
    return fit_task_model("sentiment", to_docs(texts), labels, "sentiment-toy",
                          {"parts": [{"field": "lemmas", "analyzer": "word", "ngram_range": (1, 1), "min_df": 1}],
                           "C": 10.0, "class_weight": None})


def _posts() -> list[Post]:
    texts = ["В Лычкове нет воды с утра", "Лычково: воды нет, когда дадут?", "И у нас в Лычкове нет воды",
             "Спасибо, воду в Лычкове дали!", "Продаю саженцы, пишите", "Когда уже починят водопровод в Лычкове?"]
    return [Post(uid=f"vk:-1_{i}", platform="vk", source=f"vk:-{i}", published_at=T0 + timedelta(minutes=20 * i),
                 text=t, author=f"a{i}") for i, t in enumerate(texts)]


def test_another_sentiment_model_changes_sentiment_alone(kit):
    other = replace(kit, models=Models({**kit.models.models, "sentiment": _toy_sentiment()}))
    posts = _posts()
    mine, theirs = enrich_batch(posts, kit), enrich_batch(posts, other)
    assert [e.sentiment for e in mine] != [e.sentiment for e in theirs]
    assert [replace(e, sentiment="", sentiment_score=0.0, model_version="") for e in mine] == \
           [replace(e, sentiment="", sentiment_score=0.0, model_version="") for e in theirs]
    assert [e.mood for e in mine] == [max(dict(s.complaint), key=dict(s.complaint).get)
                                      for s in kit.models.score(to_docs([p.text for p in posts]))]

    def alerts(enriched):
        detector = Detector(Detection(), load_topics())
        return [(a.alert_id, a.level, a.post_uids, a.negative_share) for e in enriched for a in detector.process(e)]
    assert alerts(mine) == alerts(theirs) and alerts(mine)
