"""Topic names and topic creation on the broker (aiokafka's admin client).

    names = TopicNames.of(settings.kafka)        # prefixed names: names.raw, names.enriched, ...
    await ensure_topics(settings.kafka)          # create the five topics if missing (partitions, replication)
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from core.settings import Kafka

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicNames:
    raw: str
    enriched: str
    alerts: str
    dlq: str
    risks: str

    @classmethod
    def of(cls, k: Kafka) -> "TopicNames":
        return cls(k.topic(k.raw_topic), k.topic(k.enriched_topic), k.topic(k.alerts_topic), k.topic(k.dlq_topic),
                   k.topic(k.risks_topic))

    def all(self) -> tuple[str, ...]:
        return (self.raw, self.enriched, self.alerts, self.dlq, self.risks)


class BrokerError(Exception):
    """Kafka cannot be reached or used; the message (Russian) says where and why."""


async def ensure_topics(k: Kafka, attempts: int = 30) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import KafkaError, TopicAlreadyExistsError

    names = TopicNames.of(k)
    last: Exception | None = None
    for _ in range(attempts):
        admin = AIOKafkaAdminClient(bootstrap_servers=k.brokers, client_id=f"{k.prefix}dozor-admin")
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [n for n in names.all() if n not in existing]
            if missing:
                try:
                    await admin.create_topics([NewTopic(n, k.partitions, k.replication) for n in missing])
                except TopicAlreadyExistsError:
                    pass
                log.info("created topics %s", ", ".join(missing))
            return
        except (KafkaError, OSError) as e:
            last = e
            await asyncio.sleep(1)
        finally:
            await admin.close()
    raise BrokerError(f"Kafka {k.brokers} недоступна: {last!r}")
