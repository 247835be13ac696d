"""Detection's complaint-mood head is frozen (issue 14): its seed rows and recipe are pinned here, so a change to the
public sentiment model (its rows in classifiers/seed/sentiment/, its recipe) cannot move detection, and a change to
the shared seed files, which would, is seen. When such a change is meant, check detection as docs/benchmarks.md does
(the demo's five risks, the dev weeks) and update the pins. Rows in classifiers/seed/sentiment/ reach the public
sentiment model alone."""
from __future__ import annotations

import hashlib
import json

import pytest

from classifiers import seed
from classifiers.dataset import seed_examples
from classifiers.train import RECIPES, SEED_RECIPES, recipe_for
from core.taxonomy import load_topics

CODES = tuple(load_topics())
# the complaint head's rows: sha256 of [[text, label, chatter], ...] (9,115 rows at issue 14, round five)
COMPLAINT_ROWS = 9115
COMPLAINT_ROWS_SHA256 = "e164597799bd21be28721304540b1a63dd29fe253c9055a504004821745efefd"
_TEXT = {"field": "text", "analyzer": "char_wb", "ngram_range": [2, 5], "min_df": 2, "max_features": 150_000}
_LEMMA_WORDS = {"field": "lemmas", "analyzer": "word", "ngram_range": [1, 2], "min_df": 1, "max_features": None}
_LEMMA_CHARS = {"field": "lemmas", "analyzer": "char_wb", "ngram_range": [2, 5], "min_df": 2, "max_features": 60_000}
SEED_COMPLAINT = {"parts": [_LEMMA_WORDS, _LEMMA_CHARS, {**_TEXT, "squeeze": True}], "C": 2.0, "class_weight": None,
                  "chatter_weight": {"negative": 1.0, "neutral": 3.0, "positive": 3.0}}
REAL_COMPLAINT = {"parts": [_LEMMA_WORDS, _LEMMA_CHARS, _TEXT], "C": 2.0, "class_weight": None}


def _canonical(recipe: dict) -> str:
    return json.dumps(recipe, sort_keys=True, default=list).replace("(", "[").replace(")", "]")


def _rows_sha256(examples) -> str:
    rows = [[e.text, e.label, e.chatter] for e in examples]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def test_the_complaint_heads_rows_are_pinned():
    examples = seed_examples("complaint", CODES)
    assert len(examples) == COMPLAINT_ROWS
    assert _rows_sha256(examples) == COMPLAINT_ROWS_SHA256, (
        "the shared seed files changed: this moves detection's complaint mood; rows for the public sentiment model "
        "alone go to classifiers/seed/sentiment/")


def test_the_complaint_heads_recipes_are_pinned():
    assert json.loads(_canonical(recipe_for("complaint", seed_only=True))) == json.loads(_canonical(SEED_COMPLAINT))
    assert json.loads(_canonical(recipe_for("complaint"))) == json.loads(_canonical(REAL_COMPLAINT))
    assert SEED_RECIPES["complaint"] is not SEED_RECIPES["sentiment"]
    assert RECIPES["complaint"] is not RECIPES["sentiment"]


@pytest.fixture
def seed_dir(tmp_path, monkeypatch):
    (tmp_path / "shared.jsonl").write_text(
        '{"text": "нет воды", "topic": "water", "sentiment": "negative", "toxic": 0}\n'
        '{"text": "привет всем", "topic": null, "sentiment": "positive", "toxic": 0}\n', encoding="utf-8")
    (tmp_path / "sentiment").mkdir()
    (tmp_path / "sentiment" / "vk.jsonl").write_text(
        '{"text": "ну ты даёшь!!!", "topic": null, "sentiment": "negative", "toxic": 0}\n'
        '{"text": "привет всем", "topic": null, "sentiment": "neutral", "toxic": 0}\n', encoding="utf-8")
    monkeypatch.setattr(seed, "seed_folder", lambda: tmp_path)
    return tmp_path


def test_sentiment_only_rows_reach_the_public_sentiment_model_alone(seed_dir):
    texts = {task: [(e.text, e.label) for e in seed_examples(task, CODES)]
             for task in ("topics", "sentiment", "toxicity", "complaint")}
    assert texts["sentiment"] == [("нет воды", "negative"), ("привет всем", "positive"), ("ну ты даёшь!!!", "negative")]
    assert texts["complaint"] == texts["sentiment"][:2]                  # a repeated text keeps the shared label
    assert [t for t, _ in texts["toxicity"]] == ["нет воды", "привет всем"]
    assert texts["topics"] == [("нет воды", "water")]
    assert seed.seed_hash("sentiment") != seed.seed_hash("complaint") == seed.seed_hash("toxicity") == seed.seed_hash()


def test_a_sentiment_only_row_with_a_topic_is_refused(seed_dir):
    (seed_dir / "sentiment" / "bad.jsonl").write_text(
        '{"text": "яма", "topic": "roads", "sentiment": "negative", "toxic": 0}\n', encoding="utf-8")
    assert len(seed_examples("complaint", CODES)) == 2
    with pytest.raises(ValueError, match="topic null"):
        seed_examples("sentiment", CODES)
