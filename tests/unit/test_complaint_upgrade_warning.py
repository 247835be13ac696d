"""complaint_upgrade_warning reads the current sentiment model's card: seed alone (staff rows 0) → nothing; anything
more → the Russian warning with the training command for the same data (registry manifests written by hand)."""
from __future__ import annotations

import json

from classifiers.registry import FORMAT
from pipeline.training import STAFF_SOURCE, complaint_upgrade_warning


def _sentiment(root, data, recipe=None):
    folder = root / "sentiment" / "sentiment-x"
    folder.mkdir(parents=True)
    card = {"data": data, "recipe": recipe or {"parts": [{"field": "lemmas"}]}}
    (folder / "manifest.json").write_text(json.dumps({"format": FORMAT, "task": "sentiment", "version": "sentiment-x",
                                                      "card": card}), encoding="utf-8")
    (root / "sentiment" / "promoted.json").write_text('{"current": "sentiment-x", "history": []}', encoding="utf-8")
    return root


def test_no_sentiment_model_or_a_seed_only_one_gives_no_warning(tmp_path):
    assert complaint_upgrade_warning(tmp_path) is None
    seed = [{"source": "seed", "rows": 900}, {"source": STAFF_SOURCE, "rows": 0}]
    assert complaint_upgrade_warning(_sentiment(tmp_path, seed)) is None


def test_staff_labels_alone_make_it_more_than_the_seed(tmp_path):
    warning = complaint_upgrade_warning(_sentiment(tmp_path, [{"source": "seed", "rows": 900},
                                                              {"source": STAFF_SOURCE, "rows": 12}]))
    assert "sentiment-x" in warning and "dozor classifiers train --task complaint --promote" in warning


def test_the_command_repeats_the_csvs_columns_no_seed_and_encoder(tmp_path):
    data = [{"source": "a.csv", "rows": 50, "text_col": "body", "label_col": "mood", "time_col": "at",
             "group_col": None}, {"source": STAFF_SOURCE, "rows": 0}]
    recipe = {"parts": [{"field": "lemmas"}, {"field": "raw", "encoder": "use", "weight": 0.5}]}
    warning = complaint_upgrade_warning(_sentiment(tmp_path, data, recipe))
    assert ("dozor classifiers train --task complaint --data a.csv --text-col body --label-col mood --time-col at "
            "--no-seed --encoder 0.5 --promote") in warning
