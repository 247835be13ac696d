"""Training, evaluation, the registry and the feedback loop, on small data we write here."""
from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from classifiers import registry
from classifiers.dataset import DataSource, Example, seed_examples, split_holdout
from classifiers.evaluate import evaluate
from classifiers.seed import load_seed
from classifiers.train import RECIPES, SEED_RECIPES, recipe_for, row_weights
from core.taxonomy import load_topics
from pipeline.training import to_docs, train

CODES = tuple(load_topics())
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
WATER = ["нет воды в доме", "опять отключили воду", "из крана течёт ржавая вода", "воды нет второй день",
         "когда дадут воду", "напор воды слабый", "прорвало трубу водопровода", "вода грязная из крана"]
ROADS = ["яма на дороге", "дорогу не чистят от снега", "разбитый асфальт на улице", "гололёд на дороге",
         "дорогу размыло", "ямы по всей улице", "грейдер не приезжал", "мост через реку разрушается"]


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label", "created"])
        w.writerows(rows)
    return path


def small_csv(tmp_path: Path, swap: bool = False) -> Path:
    """80 rows over 40 hours; with swap, the labels are wrong everywhere but in the latest hours (the holdout)."""
    rows = []
    for i in range(40):
        water, roads = WATER[i % 8] + f" дом {i}", ROADS[i % 8] + f" улица {i}"
        at = (T0 + timedelta(hours=i)).isoformat()
        wrong = swap and i < 33
        rows.append((water, "roads" if wrong else "water", at))
        rows.append((roads, "water" if wrong else "roads", at))
    return write_csv(tmp_path / ("swapped.csv" if swap else "appeals.csv"), rows)


def test_the_holdout_is_the_latest_by_time_and_near_duplicates_leave_training():
    ex = [Example(f"текст {i}", "a", "f.csv", i, T0 + timedelta(days=i)) for i in range(20)]
    ex.append(Example("ТЕКСТ 19!", "a", "f.csv", 99, T0))             # a near-duplicate of the latest row
    ex.append(Example("seed row", "a", "seed", 0))
    train_rows, test_rows = split_holdout(ex)
    assert [e.text for e in test_rows] == ["текст 17", "текст 18", "текст 19"]
    assert "ТЕКСТ 19!" not in [e.text for e in train_rows]
    assert "seed row" in [e.text for e in train_rows]


def test_evaluate_counts_a_label_the_model_does_not_know_as_an_error():
    report = evaluate(["water", "roads", "alien"], ["water", "roads", "water"], model_classes=("water", "roads"))
    assert report["accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["per_class"]["alien"]["recall"] == 0.0 and report["per_class"]["alien"]["support"] == 1
    assert report["unknown_labels"] == ["alien"]
    assert report["confusion_matrix"][report["labels"].index("alien")][report["labels"].index("water")] == 1
    assert report["macro_f1"] < 1.0


def test_training_is_deterministic(tmp_path):
    src = DataSource(small_csv(tmp_path), "text", "label", time_col="created")
    a = train("topics", CODES, tmp_path / "m1", [src], use_seed=False)
    b = train("topics", CODES, tmp_path / "m2", [src], use_seed=False)
    assert a.report == b.report
    docs = to_docs(WATER + ROADS)
    assert (a.model.predict_proba(docs) == b.model.predict_proba(docs)).all()
    assert a.card["data"][0]["sha256"] == b.card["data"][0]["sha256"]
    assert a.report["macro_f1"] == 1.0


def test_promote_refuses_a_worse_model_unless_forced_and_rollback_restores(tmp_path):
    root = tmp_path / "models"
    good = train("topics", CODES, root, [DataSource(small_csv(tmp_path), "text", "label", "created")],
                 use_seed=False, promote=True)
    assert good.promoted and registry.current_version(root, "topics") == good.model.version
    bad_src = DataSource(small_csv(tmp_path, swap=True), "text", "label", "created")
    bad = train("topics", CODES, root, [bad_src], use_seed=False, promote=True)
    assert not bad.promoted and "Не продвинута" in bad.messages[0]
    assert bad.current_report["macro_f1"] > bad.report["macro_f1"]
    assert registry.current_version(root, "topics") == good.model.version
    forced = train("topics", CODES, root, [bad_src], use_seed=False, promote=True, force=True)
    assert forced.promoted and registry.current_version(root, "topics") == forced.model.version
    assert registry.rollback(root, "topics") == good.model.version
    assert registry.current_version(root, "topics") == good.model.version
    with pytest.raises(registry.ArtifactError):
        registry.rollback(root, "topics")


def test_a_tampered_or_foreign_artifact_is_refused(tmp_path):
    root = tmp_path / "models"
    result = train("topics", CODES, root, [DataSource(small_csv(tmp_path), "text", "label", "created")],
                   use_seed=False)
    folder = root / "topics" / result.model.version
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    meta["classes"][0] = "evil"
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(registry.ArtifactError, match="контрольная сумма"):
        registry.load(root, "topics", result.model.version)
    with pytest.raises(registry.ArtifactError):
        registry.promote(root, "topics", result.model.version)
    foreign = root / "topics" / "pickled"
    foreign.mkdir()
    (foreign / "manifest.json").write_text('{"format": "pickle", "files": {}}', encoding="utf-8")
    with pytest.raises(registry.ArtifactError, match="чужой формат"):
        registry.load(root, "topics", "pickled")


def test_the_model_card_tells_sources_counts_and_staff_labels(tmp_path):
    staff = [{"text": "нет воды совсем", "label": "water", "labelled_at": T0 - timedelta(days=30)},
             {"text": "яма огромная", "label": "roads", "labelled_at": T0 - timedelta(days=30)},
             {"text": "что-то странное", "label": "not-a-topic", "labelled_at": T0}]
    result = train("topics", CODES, tmp_path / "m", [DataSource(small_csv(tmp_path), "text", "label", "created")],
                   staff=staff, use_seed=False)
    card = result.card
    assert [d["source"] for d in card["data"]] == ["appeals.csv", "staff labels (ClickHouse)"]
    assert card["data"][1]["rows"] == 2 and card["staff_labels_used"] == 2
    assert set(card["rows_per_label"]) == {"water", "roads"}
    assert card["holdout"]["rows"] == 12 and "macro_f1" in card["holdout"]
    assert set(card["libraries"]) >= {"python", "scikit-learn", "numpy"}
    assert card["recipe"] == RECIPES["topics"]


def test_models_of_the_seed_alone_use_the_seed_recipe():
    """A fresh install's topic model keeps lemma characters (detection out of the box was tuned on it); real
    data gets the recipe chosen on spb-appeals."""
    assert recipe_for("topics", seed_only=True) == SEED_RECIPES["topics"] != RECIPES["topics"]
    assert recipe_for("topics") == RECIPES["topics"]
    assert recipe_for("sentiment", seed_only=True) == SEED_RECIPES["sentiment"] != RECIPES["sentiment"]
    assert recipe_for("sentiment") == RECIPES["sentiment"]
    assert recipe_for("toxicity", seed_only=True) == RECIPES["toxicity"]


def test_seed_chatter_rows_weigh_by_label_and_the_rest_weigh_one():
    """The seed sentiment weighs its chatter rows (topic «other») apart; complaints and real data keep weight 1."""
    recipe = {"chatter_weight": {"negative": 1.0, "neutral": 6.0, "positive": 6.0}}
    labels = ["negative", "neutral", "positive", "negative", "neutral"]
    chatter = [True, True, True, False, False]
    assert row_weights(recipe, labels, chatter).tolist() == [1.0, 6.0, 6.0, 1.0, 1.0]
    assert row_weights(RECIPES["sentiment"], labels, chatter) is None
    assert row_weights(recipe, labels, None) is None
    seed = seed_examples("sentiment", CODES)
    assert any(e.chatter for e in seed) and not all(e.chatter for e in seed)
    # rows without a topic (the VK chatter written for sentiment) train sentiment and toxicity, never topics
    untopical = {r.text for r in load_seed(CODES) if r.topic is None}
    assert untopical and untopical <= {e.text for e in seed}
    assert not untopical & {e.text for e in seed_examples("topics", CODES)}


def test_sentiment_on_real_rows_reads_the_lexicon_and_the_seed_sentiment_does_not(tmp_path):
    """The real-data sentiment recipe carries the polarity lexicon block (issue 14, sixth round) and a model trained
    with it saves and loads with the same probabilities; the seed recipe (detection's mood out of the box) has none."""
    texts = {"negative": ["ужасно всё опять", "отвратительный сервис", "бесит эта очередь", "плохо и грустно"],
             "neutral": ["завтра собрание в клубе", "продаю велосипед", "автобус в восемь", "фото с вокзала"],
             "positive": ["отличный вечер спасибо", "прекрасная погода", "люблю наш парк", "замечательный концерт"]}
    rows = [(f"{t} {i}", label, (T0 + timedelta(hours=i)).isoformat())
            for i in range(10) for label, ts in texts.items() for t in ts]
    data = write_csv(tmp_path / "mood.csv", rows)
    result = train("sentiment", CODES, tmp_path / "models", [DataSource(data, "text", "label", "created")],
                   use_seed=False, promote=True)
    assert any("lexicon" in p for p in result.card["recipe"]["parts"])
    assert not any("lexicon" in p for p in SEED_RECIPES["sentiment"]["parts"])
    loaded = registry.load(tmp_path / "models", "sentiment")
    docs = to_docs(["великолепный праздник", "мерзкая погода, ненавижу", "расписание автобусов"])
    assert loaded.predict_proba(docs) == pytest.approx(result.model.predict_proba(docs), abs=1e-6)
    # words no training row has: the lexicon block still moves them the right way
    proba = loaded.predict_proba(docs)
    negative, positive = loaded.classes.index("negative"), loaded.classes.index("positive")
    assert proba[0, positive] > proba[2, positive] and proba[1, negative] > proba[2, negative]
