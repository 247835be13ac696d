"""`dozor`'s two error channels (issue 17): what a user did wrong is one Russian line and exit code 2; anything
else is a bug, logged with its traceback, exit code 1. A refused setting never echoes the value given."""
from __future__ import annotations

import logging

import pytest

from core.errors import ConfigError, NotFound, UsageError
from pipeline import commands
from pipeline.commands import replay


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("DOZOR_SETTINGS_FILE", raising=False)
    monkeypatch.setenv("DOZOR_DATA_DIR", str(tmp_path))


def test_a_mistyped_secret_variable_is_named_but_never_echoed(monkeypatch, capsys) -> None:
    monkeypatch.setenv("DOZOR_TELEGRAM__BOT_TOKN", "123456:s3cr3t-t0ken")
    monkeypatch.setenv("DOZOR_CLICKHOUSE__AUTHOR_SALT", "salt-never-shown")
    monkeypatch.setenv("DOZOR_DETECTION__WINDOW_S", "три часа")
    assert commands.main(["sql", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert "DOZOR_TELEGRAM__BOT_TOKN" in err and "такой настройки нет" in err
    assert "DOZOR_DETECTION__WINDOW_S" in err and "нужно целое число" in err
    for secret in ("s3cr3t", "salt-never-shown", "три часа"):
        assert secret not in err


@pytest.mark.parametrize("error", [ConfigError("нет ключа VK"), UsageError("--date: не дата"),
                                   NotFound("нет такого запроса: x")])
def test_a_user_error_is_one_russian_line_and_exit_2(monkeypatch, capsys, error) -> None:
    def fails(args, settings):
        raise error

    monkeypatch.setattr(replay, "cmd_sql", fails)
    assert commands.main(["sql", "SELECT 1"]) == 2
    assert capsys.readouterr().err == f"Ошибка: {error}\n"


def test_a_bug_is_logged_with_its_traceback_and_exit_1(monkeypatch, capsys, caplog) -> None:
    def bug(args, settings):
        raise ValueError("int() of a thing that was never an int")

    monkeypatch.setattr(replay, "cmd_sql", bug)
    with caplog.at_level(logging.ERROR, logger="dozor"):
        assert commands.main(["sql", "SELECT 1"]) == 1
    (record,) = [r for r in caplog.records if r.name == "dozor"]
    assert record.exc_info[0] is ValueError and "ошибка программы" in record.getMessage()
    assert "Ошибка: int()" not in capsys.readouterr().err


def test_adapter_errors_are_user_errors() -> None:
    from alerting.bot_api import BotApiError
    from classifiers.registry import ArtifactError
    from core.errors import DozorError
    from storage.clickhouse import StoreError

    assert all(issubclass(e, DozorError) for e in (StoreError, ArtifactError, BotApiError))
    assert str(BotApiError("getMe", 401, "Unauthorized")) == "Telegram getMe: 401 Unauthorized"


def test_a_bad_date_argument_is_refused_by_the_parser(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        commands.main(["campaigns", "--date", "вчера"])
    assert stop.value.code == 2 and "--date" in capsys.readouterr().err


def test_a_gazetteer_csv_without_names_is_a_configuration_error(tmp_path) -> None:
    from pipeline.geo import load_gazetteer

    bad = tmp_path / "district.csv"
    bad.write_text("title,type\nЛычково,село\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="нужна колонка name"):
        load_gazetteer(bad)
