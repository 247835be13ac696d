"""Shared fixtures. One embedded ClickHouse engine path per test session (chdb allows one path per process);
each test gets its own database inside it. Seed models are trained once per session."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from core.records import EnrichedPost, Post, TopicScore

MSK = timezone(timedelta(hours=3))
T0 = datetime(2026, 3, 24, 8, 0, tzinfo=MSK)


def make_enriched(uid: str, minutes: float, topic: str = "water", score: float = 0.9, settlement: str | None = None,
                  author: str | None = None, sentiment: str = "negative", negative: float = 0.9,
                  parent: str | None = None, source: str = "vk:-1", text: str = "нет воды",
                  also: tuple[tuple[str, float], ...] = (), mood: str | None = None) -> EnrichedPost:
    """mood: the complaint head's likeliest class; default the sentiment (one model read both before issue 14)."""
    post = Post(uid=uid, platform="vk", source=source, published_at=T0 + timedelta(minutes=minutes), text=text,
                author=author or f"author-{uid}", url=f"https://vk.com/wall{uid}", parent_uid=parent)
    topics = (TopicScore(topic, score),) + tuple(TopicScore(t, p) for t, p in also)
    return EnrichedPost(post=post, lemmas=(), topics=topics, sentiment=sentiment,
                        sentiment_score=0.9, negative=negative, mood=mood or sentiment, toxic=False,
                        settlements=(settlement,) if settlement else (), model_version="test")


@pytest.fixture(scope="session")
def chdb_root(tmp_path_factory):
    return tmp_path_factory.mktemp("clickhouse")


@pytest.fixture
def dsn(chdb_root):
    return f"chdb://{chdb_root}?database=t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def store(dsn):
    from storage.clickhouse import ClickHouseStore
    s = ClickHouseStore.connect(dsn)
    s.migrate()
    return s


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def kit(models_dir):
    from core.settings import Settings
    from pipeline.kit import load_kit
    return load_kit(Settings(models_dir=models_dir))
