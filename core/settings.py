"""The one settings object. Built once per entry point from DOZOR_* variables and an optional YAML file.

    DOZOR_DATA_DIR=./data
    DOZOR_CLICKHOUSE__DSN=http://user:pass@host:8123/dozor
    DOZOR_DETECTION__WINDOW_S=10800
    DOZOR_SETTINGS_FILE=dozor.yaml      # the same keys, nested, in YAML
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, YamlConfigSettingsSource

LEVELS = ("низкий", "средний", "высокий", "критический")
log = logging.getLogger(__name__)


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ClickHouse(_Section):
    dsn: str | None = None          # default: chdb://<data_dir>/clickhouse
    insert_batch: int = 1000
    author_salt: SecretStr | None = None   # authors are stored as HMAC(salt, id); set it in production, keep it secret
    raw_text_days: int | None = None       # posts.text and dead_letters.raw older than this are cleared
                                           # (`dozor storage apply-ttl`); None keeps them; aggregates are kept
    # session settings of every connection to the embedded engine (chdb://; a server keeps its own): our queries
    # are lookups by uid lists that never repeat, and the engine's query condition cache kept an entry per query
    # and part (+0.7 MB a simulated day in the soak, up to its 100 MB default): off for our sessions
    embedded_session: dict[str, str] = {"use_query_condition_cache": "0"}


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
    candidate_mass: float = 0.4         # below topic_threshold, a post whose risk topics add up to this is a complaint
                                        # candidate: it joins stories by meaning (alerting/affinity.py), not by topic
    unnamed_negative: float = 0.3       # below candidate_mass, a post this negative may still be a complaint no topic
                                        # fits («other»): it joins stories only by words most of a burst share
    unnamed_chance: float = 1e-6        # ... a burst of a word that unlikely by its recent frequency
    unnamed_history: int = 100          # ... once this many candidates tell what is common (a fresh detector: none)
    meaning_chance: float = 1e-2        # a story by meaning needs a word two of its posts use this unusually often
    meaning_members: int = 20           # a story's latest posts a candidate is compared with
    # risk = topic probability x criticality (topics.yaml) x (0.5 + 0.5 x negative probability)
    # story score = criticality x log2(1 + posts) x (0.5 + negative share) x (1 + 0.25 x (sources - 1))
    level_thresholds: tuple[float, float, float] = (2.0, 3.5, 5.5)   # средний, высокий, критический from
    snippets: int = 3


class Telegram(_Section):
    """The alert chat «МЦУ-ПИЛОТ» (alerting/chat.py, alerting/bot.py). Cards are sent when token and chat are set."""

    bot_token: SecretStr | None = None
    alert_chat_id: str | None = None
    bot_api_base: str = "https://api.telegram.org"
    allowed_chat_ids: tuple[str, ...] = ()       # chats besides alert_chat_id whose staff the bot obeys
    staff_user_ids: tuple[int, ...] = ()         # Telegram user ids allowed to press buttons and register answers
    notify_on_critical: tuple[str, ...] = ()     # "@username" (or plain names) mentioned on critical cards
    max_messages_per_minute: int = 20            # sends and edits together; more wait (a burst cannot flood)
    edit_interval_s: float = 30.0                # a card is edited at most this often; later edits are merged
    max_retries: int = 3                         # on HTTP 429 the client waits retry_after and tries again
    poll_timeout_s: int = 25                     # getUpdates long-polling timeout

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token and self.bot_token.get_secret_value() and self.alert_chat_id)


class Risks(_Section):
    """The risk workflow (alerting/lifecycle.py): SLA from the story's first post, reaction tracking, verdicts."""

    answer_norm_s: int = 8 * 3600                # the norm: a public answer within 8 hours (a warning after)
    answer_deadline_s: int = 24 * 3600           # the deadline: escalation after 24 hours without an answer
    remind_before_s: int = 2 * 3600              # a reminder this long before the norm and the deadline
    watch_after_s: int = 3600                    # reaction tracking reports its first figures this long after
    compare_s: int = 6 * 3600                    # the hours before the answer the reaction is compared with
    quiet_s: int = 12 * 3600                     # «отработан» after this long without spread or negative reaction
    reopen_posts: int = 2                        # negative story posts after «отработан» that reopen the risk
    official_sources: tuple[str, ...] = ("vk:-193847201",)   # pages whose posts on an open story are answers
    official_window_s: int = 24 * 3600           # ... when published within this long after the story's last post
    official_topic_threshold: float = 0.15       # ... and naming the story's place, at this topic probability
    campaigns_file: Path | None = None           # the seasonal threat calendar; default alerting/data/campaigns.yaml
    seasonal_thresholds: bool = True             # lower the topic threshold for a running season's topics


class Appeals(_Section):
    """The appeals register (issue 19): deadlines by channel and topic, repeat appeals, links to risks."""

    deadline_days: dict[str, float] = {"59fz": 30, "pos": 10, "portal": 8}   # when the source states none
    topic_deadline_days: dict[str, float] = {"emergency": 1}   # shorter deadlines for a topic, any channel
    repeat_days: int = 30                   # a new appeal on the same problem and place within this of an earlier
                                            # answered one = a repeat (analytics/repeats.py)
    risk_window_days: int = 3               # an appeal links to a risk on its topic and place within this

    @model_validator(mode="before")
    @classmethod
    def _dropped(cls, data: Any) -> Any:
        """`repeat_similarity` (documented until the rule detector replaced the similarity threshold) is accepted so
        an existing YAML or DOZOR_APPEALS__REPEAT_SIMILARITY does not stop startup; it has no effect."""
        if isinstance(data, dict) and "repeat_similarity" in data:
            data = {k: v for k, v in data.items() if k != "repeat_similarity"}
            log.warning("настройка appeals.repeat_similarity устарела и не действует (повторные обращения "
                        "определяются правилами, docs/repeats.md); уберите её из настроек")
        return data


class VK(_Section):
    token: SecretStr | None = None
    api_base: str = "https://api.vk.com/method"
    api_version: str = "5.199"


class Kafka(_Section):
    """Kafka mode (`dozor worker`, `dozor publish`, `dozor sink`). Durations in seconds."""

    brokers: str = "127.0.0.1:9092"     # bootstrap servers, comma-separated host:port
    prefix: str = ""                    # prepended to every topic, the app id and the sink group ("" in production)
    partitions: int = 4                 # partitions of every topic the project creates
    replication: int = 1
    raw_topic: str = "posts.raw.v1"     # replay JSONL records, keyed by source
    enriched_topic: str = "posts.enriched.v1"   # enriched posts, keyed by detection key (the district)
    alerts_topic: str = "alerts.v1"     # alert snapshots, keyed by alert id
    dlq_topic: str = "posts.dlq.v1"     # dead letters
    risks_topic: str = "risks.v1"       # the risk workflow's outputs (cards, lifecycle events), keyed by district
    app_id: str = "dozor"               # Faust application id (consumer group, changelog topic names)
    enrich_batch: int = 200             # posts enriched together
    batch_within_s: float = 0.5         # ... or whatever arrived within this time
    lateness_s: float = 0.0             # event-time disorder within a raw partition that detection waits for
    idle_s: float = 2.0                 # a raw partition silent this long (wall clock) no longer holds detection
    tick_s: float = 1.0                 # heartbeat that lets detection release posts when input stops
    session_timeout_s: float = 10.0     # a worker silent this long (e.g. killed) leaves the group: its partitions move
    sink_group: str = "dozor-sink"
    sink_batch: int = 2000              # rows written together
    sink_within_s: float = 1.0          # ... or whatever arrived within this time
    sink_dataset: str = "stream"        # dataset label of rows the sink writes
    sink_backoff_max_s: float = 30.0    # retry interval cap while ClickHouse is unavailable

    def topic(self, name: str) -> str:
        return f"{self.prefix}{name}"


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


class Digest(_Section):
    """The digest `dozor serve` sends to the alert chat on its own: the day's every morning, the week's once a week."""

    daily_at: str | None = "08:00"      # local time of the daily digest (HH:MM); empty or None: none
    weekly_at: str | None = "09:00"     # local time of the weekly digest; empty or None: none
    weekday: int = 1                    # the weekly digest's day, ISO: 1 = Monday … 7 = Sunday
    timezone: str | None = None         # default: Settings.timezone


class Serve(_Section):
    """`dozor serve` and `dozor console`: the HTTP server and the web console's staff accounts."""

    host: str = "127.0.0.1"             # loopback: put a reverse proxy (TLS) in front to reach it from elsewhere
    port: int = 8080
    accounts: dict[str, str] = {}       # login -> password hash from `dozor console hash-password`
    session_secret: SecretStr | None = None   # signs the login cookie; default: random per start (logins lost)
    session_max_age_s: int = 12 * 3600
    trusted_user_header: str | None = None    # e.g. X-Remote-User, set by a reverse proxy that logged staff in
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)   # ... honoured only from these peer addresses
    refresh_s: int = 15                 # the register page asks for fresh rows this often
    register_rows: int = 100            # ... and shows at most this many, the most urgent (filters narrow it)
    sql_max_rows: int = 1000            # the SQL page: rows shown (and in the CSV)
    sql_timeout_s: int = 10             # ... and seconds a query may run
    db_retry_max_s: float = 60.0        # a part whose database step failed retries after 1 s, doubling to this


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOZOR_", env_nested_delimiter="__", frozen=True,
                                      extra="forbid")

    data_dir: Path = Path("./data")
    timezone: str = "Europe/Moscow"
    clickhouse: ClickHouse = ClickHouse()
    detection: Detection = Detection()
    telegram: Telegram = Telegram()
    risks: Risks = Risks()
    appeals: Appeals = Appeals()
    vk: VK = VK()
    kafka: Kafka = Kafka()
    telethon: Telethon = Telethon()
    collect: Collect = Collect()
    digest: Digest = Digest()
    serve: Serve = Serve()
    models_dir: Path | None = None      # default: <data_dir>/models
    topics_file: Path | None = None     # default: the bundled core/data/topics.yaml
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
