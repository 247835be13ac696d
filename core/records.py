"""Frozen records shared by every package. Imports nothing local.

A record is built once at a boundary (a collector, a parser) and never changed in place; derived
records (EnrichedPost, Story) wrap or replace earlier ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

PLATFORMS = ("vk", "telegram", "file")
SENTIMENTS = ("negative", "neutral", "positive")
# A post reads negative (a complaint's mood, for detection and reaction tracking) at this negative probability of the
# complaint-mood head (EnrichedPost.negative; classifiers: «complaint», not the public sentiment model), also
# when positive is likelier (a formal appeal the seed sentiment half-reads as positive). 0.3, not the 0.5 of before:
# since issue 14 the seed sentiment reads VK chatter in its own register, and at 0.3 it passes more real complaints
# (spb-appeals 2021-01: 94 % vs 91 % at 0.5 before) and fewer neutral VK posts (RuSentiment, training side: 62 % vs
# 63 %) than the old model did at 0.5 (docs/benchmarks.md).
NEGATIVE_AT = 0.3
OTHER_TOPIC = "other"
# What a dead letter keeps of its raw input, in bytes: the store's cap (storage/rows.py) and the Kafka sink's.
DEAD_LETTER_RAW_BYTES = 1_048_576
# ... when the dead letter itself travels through Kafka (the worker's undecodable messages): far below the
# broker's default message.max.bytes (1 MiB), with room for the record around it.
KAFKA_DEAD_LETTER_RAW_BYTES = 65_536


@dataclass(frozen=True, slots=True)
class Reactions:
    likes: int = 0
    reposts: int = 0
    comments: int = 0
    views: int = 0


@dataclass(frozen=True, slots=True)
class Post:
    uid: str                      # "vk:-123_456": stable across re-collection, the dedup key
    platform: str                 # "vk" | "telegram" | anything else a file names
    source: str                   # "vk:-123", "tg:demyansk_chat"
    published_at: datetime        # aware; event time
    text: str
    source_name: str | None = None
    author: str | None = None
    url: str | None = None
    parent_uid: str | None = None  # a comment or reply: the post it answers
    reactions: Reactions = Reactions()


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic: str
    score: float


@dataclass(frozen=True, slots=True)
class EnrichedPost:
    post: Post
    lemmas: tuple[str, ...]
    topics: tuple[TopicScore, ...]          # best first
    sentiment: str                          # one of SENTIMENTS: the public sentiment model's likeliest
    sentiment_score: float                  # its probability
    # detection's complaint mood (the «complaint» head, frozen apart from the public sentiment model, issue 14)
    negative: float                         # the complaint head's probability of "negative"
    mood: str                               # the complaint head's likeliest class, one of SENTIMENTS
    toxic: bool
    settlements: tuple[str, ...]            # canonical gazetteer names, in order of mention
    model_version: str
    # below the settlement (issue 18), read only on complaint candidates: "" / () when unknown or not read
    street: str = ""                        # "ул. Ленина", "пер. Школьный"
    house: str = ""                         # "12", "3а", "5/1"
    object: str = ""                        # an institution: "школа", "ЦРБ", "ДК", "детский сад"
    orgs: tuple[str, ...] = ()              # organisations named: "УК", "водоканал", "РЭС", "ООО «Ремстрой»"
    place_unverified: tuple[str, ...] = ()  # places after a place marker that the gazetteer does not know

    @property
    def topic(self) -> str:
        return self.topics[0].topic if self.topics else OTHER_TOPIC

    @property
    def reads_negative(self) -> bool:
        """Negative enough to be a complaint's mood (NEGATIVE_AT), whatever the most likely mood."""
        return self.negative >= NEGATIVE_AT

    @property
    def reads_positive(self) -> bool:
        """Read as positive by the complaint head, with no complaint's mood: never a report («Спасибо, воду дали!»)."""
        return self.mood == "positive" and not self.reads_negative

    @property
    def topic_score(self) -> float:
        return self.topics[0].score if self.topics else 0.0

    @property
    def settlement(self) -> str | None:
        return self.settlements[0] if self.settlements else None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    origin: str                   # "file.jsonl:17", "tg-export:result.json#42"
    raw: str                      # the input as received (truncated to a bound by the writer)
    reason: str                   # in Russian: staff and operators read it
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Alert:
    """One story (or one instant post) as staff see it; a story keeps its alert_id as it grows."""

    alert_id: str
    kind: str                     # "story" | "instant"
    topic: str
    settlement: str | None
    level: str                    # низкий | средний | высокий | критический
    score: float
    created_at: datetime          # event time when first raised
    updated_at: datetime          # event time of the latest change
    first_at: datetime            # the first post's published_at
    last_at: datetime
    post_uids: tuple[str, ...]
    sources: tuple[str, ...]
    negative_share: float
    snippets: tuple[tuple[str, str | None], ...] = field(default=())   # (text, url)
    why: str = ""                 # why these posts are one story, in Russian: «похожих сообщений: 5; общие слова: …»
    street: str | None = None     # the street most of the story's posts name (issue 18)
    object: str | None = None     # the institution most of them name


@dataclass(frozen=True, slots=True)
class AppealAnswer:
    answer_id: str                # "<appeal_id>#<n>"
    answered_at: datetime         # aware
    text: str
    org: str = ""
    kind: str = "final"           # final | intermediate


@dataclass(frozen=True, slots=True)
class AppealEvent:
    at: datetime                  # aware
    event: str                    # status | satisfied | not_satisfied | rerouted | returned
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Appeal:
    """A citizen's appeal from a register (ПОС, the document system, the city portal), with what followed."""

    appeal_id: str                # "<source>:<the source's id>"
    source: str                   # pos | edo | portal | file
    channel: str                  # 59fz | pos | portal: which deadline applies
    received_at: datetime         # aware
    text: str
    category: str = ""
    address: str = ""
    org: str = ""
    status: str = ""
    closed_at: datetime | None = None
    deadline_at: datetime | None = None   # the source's own deadline when it states one
    rating: str = ""              # satisfied | not_satisfied | ''
    author: str | None = None
    answers: tuple[AppealAnswer, ...] = ()
    events: tuple[AppealEvent, ...] = ()
