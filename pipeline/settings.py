"""The one settings object. Built once per entry point from DOZOR_* variables and an optional YAML file.

    DOZOR_DATA_DIR=./data
    DOZOR_CLICKHOUSE__DSN=http://user:pass@host:8123/dozor
    DOZOR_DETECTION__WINDOW_S=10800
    DOZOR_SETTINGS_FILE=dozor.yaml      # the same keys, nested, in YAML
"""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, YamlConfigSettingsSource

LEVELS = ("низкий", "средний", "высокий", "критический")


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ClickHouse(_Section):
    dsn: str | None = None          # default: chdb://<data_dir>/clickhouse
    insert_batch: int = 1000
    author_salt: SecretStr | None = None   # authors are stored as HMAC(salt, id); set it in production, keep it secret
    raw_text_days: int | None = None       # posts.text and dead_letters.raw older than this are cleared
                                           # (`dozor storage apply-ttl`); None keeps them; aggregates are kept


class Detection(_Section):
    """Event-time detection. Durations in seconds."""

    topic_threshold: float = 0.55       # a post counts for its best risk topic at this probability or more
    secondary_threshold: float = 0.30   # ... and also for other risk topics at this probability or more
    neutral_report_criticality: float = 0.6   # below this topic criticality only negative posts are reports
    window_s: int = 3 * 3600            # burst window
    min_posts: int = 3                  # posts in the window that make a story
    min_authors: int = 2                # distinct authors among them (one person is not a story)
    story_idle_s: int = 24 * 3600       # a story without new posts this long is closed; later posts start anew
    instant_threshold: float = 0.80     # per-post risk at which one post raises an alert at once
    instant_topics: tuple[str, ...] = ("emergency",)
    # risk = topic probability x criticality (topics.yaml) x (0.5 + 0.5 x negative probability)
    # story score = criticality x log2(1 + posts) x (0.5 + negative share) x (1 + 0.25 x (sources - 1))
    level_thresholds: tuple[float, float, float] = (2.0, 3.5, 5.5)   # средний, высокий, критический from
    snippets: int = 3


class Telegram(_Section):
    bot_token: SecretStr | None = None
    alert_chat_id: str | None = None
    bot_api_base: str = "https://api.telegram.org"


class VK(_Section):
    token: SecretStr | None = None
    api_base: str = "https://api.vk.com/method"
    api_version: str = "5.199"


class Telethon(_Section):
    """The Telegram user account the collector reads chats with (my.telegram.org -> API development tools)."""

    api_id: int | None = None
    api_hash: SecretStr | None = None
    session: Path | None = None         # default: <data_dir>/telegram.session


class Collect(_Section):
    """`dozor run`: collectors on their schedules. Durations in seconds."""

    backfill_days: float = 3            # on a source's first poll, read this far back
    comments_watch_s: int = 2 * 86400   # re-poll comments / edits of posts this recent
    health_interval_s: int = 300        # a health line in the log this often
    silence_p: float = 0.001            # "нет данных" when no post for this long is this unlikely at the usual rate
    silence_min_s: int = 6 * 3600       # ... and never before this much silence
    rate_days: int = 7                  # the usual rate: posts per hour over this many days
    failing_polls: int = 3              # "нет данных" after this many failed polls in a row


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOZOR_", env_nested_delimiter="__", frozen=True,
                                      extra="forbid")

    data_dir: Path = Path("./data")
    timezone: str = "Europe/Moscow"
    clickhouse: ClickHouse = ClickHouse()
    detection: Detection = Detection()
    telegram: Telegram = Telegram()
    vk: VK = VK()
    telethon: Telethon = Telethon()
    collect: Collect = Collect()
    models_dir: Path | None = None      # default: <data_dir>/models
    topics_file: Path | None = None     # default: the bundled pipeline/data/topics.yaml
    gazetteer_file: Path | None = None  # default: the bundled pipeline/data/gazetteer.yaml
    max_text_chars: int = 20_000        # longer texts are cut for scoring and storage; the raw goes nowhere else

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings, env_settings,
                                   dotenv_settings, file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = [init_settings, env_settings]
        path = os.environ.get("DOZOR_SETTINGS_FILE")
        if path:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=path))
        return tuple(sources)

    @property
    def clickhouse_dsn(self) -> str:
        return self.clickhouse.dsn or f"chdb://{self.data_dir.resolve() / 'clickhouse'}"

    @property
    def model_root(self) -> Path:
        return self.models_dir or self.data_dir / "models"
