"""Settings: a dropped key that was documented is accepted with a warning, an unknown one still stops startup."""
from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from core.settings import Appeals, Settings


def test_repeat_similarity_is_accepted_and_ignored_with_a_warning(caplog, monkeypatch, tmp_path):
    with caplog.at_level(logging.WARNING, logger="core.settings"):
        assert Appeals(repeat_similarity=0.5) == Appeals()
    assert "repeat_similarity устарела и не действует" in caplog.text
    monkeypatch.delenv("DOZOR_SETTINGS_FILE", raising=False)
    monkeypatch.setenv("DOZOR_APPEALS__REPEAT_SIMILARITY", "0.6")
    monkeypatch.setenv("DOZOR_APPEALS__REPEAT_DAYS", "21")
    assert Settings().appeals.repeat_days == 21
    monkeypatch.delenv("DOZOR_APPEALS__REPEAT_SIMILARITY")
    monkeypatch.delenv("DOZOR_APPEALS__REPEAT_DAYS")
    yaml = tmp_path / "dozor.yaml"
    yaml.write_text("appeals:\n  repeat_similarity: 0.5\n  risk_window_days: 2\n", encoding="utf-8")
    monkeypatch.setenv("DOZOR_SETTINGS_FILE", str(yaml))
    assert Settings().appeals.risk_window_days == 2


def test_an_unknown_appeals_key_still_stops_startup():
    with pytest.raises(ValidationError):
        Appeals(repeat_similarty=0.5)
