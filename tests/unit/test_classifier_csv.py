"""Labelled CSVs staff bring to `dozor classifiers` (evaluate, train, labels import): a file that cannot be read is
one Russian line «Ошибка: …» naming the file and what to do, exit 2, never a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.dataset import DataSource, read_csv_examples
from core.errors import UsageError
from pipeline.commands import main

NOT_UTF8 = "Ошибка: {}: файл не в кодировке UTF-8; сохраните его как «CSV UTF-8»"


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("DOZOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DOZOR_MODELS_DIR", str(tmp_path / "models"))


def cp1251_csv(tmp_path: Path, header: str = "text,label") -> Path:
    path = tmp_path / "excel.csv"                                # Excel on Russian Windows saves cp1251
    path.write_bytes(f"{header}\nхолодно в квартире,heating\n".encode("cp1251"))
    return path


def test_a_cp1251_csv_is_a_usage_error_naming_the_file(tmp_path):
    with pytest.raises(UsageError, match=r"^excel\.csv: файл не в кодировке UTF-8; сохраните его как «CSV UTF-8»$"):
        read_csv_examples(DataSource(cp1251_csv(tmp_path), "text", "label"), None)


def test_a_row_without_its_time_cell_is_skipped_and_counted(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("text,label,created\nхолодно в квартире,heating,2026-01-01\nяма на дороге,roads\n",
                    encoding="utf-8")
    examples, skipped = read_csv_examples(DataSource(path, "text", "label", time_col="created"), None)
    assert [e.text for e in examples] == ["холодно в квартире"]
    assert skipped == {"label": 0, "text": 0, "time": 1}


@pytest.mark.parametrize("command", [
    ["classifiers", "evaluate", "--task", "topics", "--data", "{}"],
    ["classifiers", "train", "--task", "topics", "--data", "{}", "--no-staff", "--no-seed"],
    ["classifiers", "labels", "import", "{}", "--task", "topics"],
])
def test_the_cli_refuses_a_cp1251_csv_in_one_russian_line(tmp_path, capsys, command):
    path = cp1251_csv(tmp_path, "uid,label" if "labels" in command else "text,label")
    assert main([str(path) if a == "{}" else a for a in command]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == NOT_UTF8.format("excel.csv") and "Traceback" not in captured.err


@pytest.mark.parametrize("content, task, missing, have", [
    ("uid;task;label\nvk:1;topics;other\n", [], "«label», «uid» или «text», «task» (или --task)", "uid;task;label"),
    ("text,метка\nхолодно,heating\n", ["--task", "topics"], "«label»", "text, метка"),
    ("", ["--task", "topics"], "«label», «uid» или «text»", "никаких"),
])
def test_labels_import_without_the_needed_columns_is_an_error_not_zero_imported(tmp_path, capsys, content, task,
                                                                                  missing, have):
    path = tmp_path / "labels.csv"
    path.write_text(content, encoding="utf-8")
    assert main(["classifiers", "labels", "import", str(path), *task]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == (f"Ошибка: labels.csv: нет колонок {missing} (есть: {have}); "
                                    "нужен CSV с разделителем «,», как из dozor classifiers labels export")
    assert "imported" not in captured.out
