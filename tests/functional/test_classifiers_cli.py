"""`dozor classifiers ...` as staff and ML maintainers use it, on a small CSV and an embedded database."""
from __future__ import annotations

import csv
import json

import pytest

from pipeline.commands import main
from tests.functional.test_classifiers import small_csv
from tests.functional.test_replay import FIXTURE


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path, models_dir, kit):
    monkeypatch.setenv("DOZOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DOZOR_MODELS_DIR", str(models_dir))


def test_train_list_promote_and_evaluate(tmp_path, dsn, capsys, monkeypatch):
    monkeypatch.setenv("DOZOR_MODELS_DIR", str(tmp_path / "models"))
    data = small_csv(tmp_path)
    assert main(["classifiers", "train", "--task", "topics", "--data", str(data), "--text-col", "text",
                 "--label-col", "label", "--time-col", "created", "--no-seed", "--db", dsn]) == 0
    out = capsys.readouterr().out
    assert "held out 12 (latest 15 %)" in out and "macro-F1 1.0000" in out and "not promoted" in out
    version = next(line.split()[1] for line in out.splitlines() if line.startswith("model "))[:-1]
    assert main(["classifiers", "promote", version]) == 0
    assert main(["classifiers", "list", "--task", "topics"]) == 0
    assert f"* {version}" in capsys.readouterr().out
    assert main(["classifiers", "evaluate", "--task", "topics", "--data", str(data), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["model"] == version and report["macro_f1"] == 1.0 and report["n"] == 80


def test_labels_round_trip_through_clickhouse_and_sample_for_labelling(tmp_path, dsn, capsys):
    main(["replay", str(FIXTURE), "--db", dsn, "-q"])
    sample = tmp_path / "to_label.csv"
    assert main(["classifiers", "sample", "--uncertain", "3", "--out", str(sample), "--db", dsn]) == 0
    rows = list(csv.DictReader(open(sample, encoding="utf-8")))
    assert len(rows) == 3 and all(r["task"] == "topics" and r["label"] == "" for r in rows)
    confidences = [float(r["confidence"]) for r in rows]
    assert confidences == sorted(confidences)
    for r in rows:
        r["label"] = "other"
    with open(sample, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, rows[0].keys())
        w.writeheader()
        w.writerows(rows)
    assert main(["classifiers", "labels", "import", str(sample), "--who", "oper1", "--db", dsn]) == 0
    out = tmp_path / "labels.csv"
    assert main(["classifiers", "labels", "export", str(out), "--db", dsn]) == 0
    exported = list(csv.DictReader(open(out, encoding="utf-8")))
    assert sorted(r["uid"] for r in exported) == sorted(r["uid"] for r in rows)
    got = {(r["task"], r["label"], r["who"], r["source"]) for r in exported}
    assert got == {("topics", "other", "oper1", "import")}
    assert all(r["text"] for r in exported)


def test_drift_speaks_plain_russian(dsn, capsys):
    main(["replay", str(FIXTURE), "--db", dsn, "-q"])
    capsys.readouterr()
    assert main(["classifiers", "drift", "--db", dsn, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["recent_posts"] == 7 and report["verdict"].startswith("Переобучение")


def test_evaluate_on_a_fresh_install_trains_the_seed_model_on_first_use(tmp_path, capsys, monkeypatch):
    fresh = tmp_path / "fresh-models"
    monkeypatch.setenv("DOZOR_MODELS_DIR", str(fresh))
    data = small_csv(tmp_path)
    assert main(["classifiers", "evaluate", "--task", "topics", "--data", str(data), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["model"].startswith("topics-seed-") and report["n"] == 80
    assert report["macro_f1"] >= 0.9          # water and roads complaints: the seed model knows both
    assert (fresh / "topics" / "promoted.json").exists() and not (fresh / "sentiment").exists()
    assert main(["classifiers", "evaluate", "--task", "topics", "--data", str(data), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["model"] == report["model"]


def test_the_complaint_head_trains_on_sentiment_labels_and_only_when_asked(tmp_path, dsn, capsys, monkeypatch):
    """`train --task complaint` (detection's mood) learns from sentiment labels — a CSV's and staff's — with its own
    frozen recipe; `train --task sentiment` leaves it alone. Staff cannot label «complaint» itself."""
    monkeypatch.setenv("DOZOR_MODELS_DIR", str(tmp_path / "models"))
    bad, calm = ["нет воды третий день", "опять яма на дороге", "свет отключили снова"], ["хорошая погода", "привет"]
    data = tmp_path / "mood.csv"
    with open(data, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        w.writerows([(f"{t} {i}", "negative") for i in range(8) for t in bad] +
                    [(f"{t} {i}", "neutral") for i in range(8) for t in calm])
    labels = tmp_path / "staff.csv"
    with open(labels, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["uid", "task", "label", "text"])
        w.writerows([("s1", "sentiment", "positive", "спасибо за свет"), ("s2", "complaint", "negative", "ужас")])
    assert main(["classifiers", "labels", "import", str(labels), "--db", dsn]) == 0
    assert "skipped 1 rows" in capsys.readouterr().out
    assert main(["classifiers", "train", "--task", "sentiment", "--data", str(data), "--no-seed", "--promote",
                 "--db", dsn]) == 0
    assert not (tmp_path / "models" / "complaint").exists()
    assert main(["classifiers", "train", "--task", "complaint", "--data", str(data), "--no-seed", "--promote",
                 "--db", dsn]) == 0
    out = capsys.readouterr().out
    assert "staff labels (ClickHouse): 1 rows" in out and "\npromoted" in out
    from classifiers import registry
    from classifiers.train import RECIPES
    (card,) = [v["card"] for v in registry.versions(tmp_path / "models", "complaint")]
    assert card["task"] == "complaint" and card["role"].startswith("detection's complaint mood")
    assert json.loads(json.dumps(card["recipe"])) == json.loads(json.dumps(RECIPES["complaint"]))
