"""Records <-> Kafka message values (UTF-8 JSON), pure.

posts.raw.v1 carries the replay JSONL contract (collectors/parse.py), so anything that can write a replay line
can publish; posts.enriched.v1 carries bundles {"kind": "posts", "src": raw partition, "posts": [enriched, ...]}
(one per raw partition and enrichment batch, each under BUNDLE_BYTES: a Kafka message costs the worker far more
than a post's JSON does) or {"kind": "tick"} (a wall-clock heartbeat for the detector); alerts.v1 one Alert;
risks.v1 one output of a lane's risk workflow {"lane": key, "seq": n, "alert", "risk", "event", "answer"}
(alerting/outbox.py); posts.dlq.v1 one DeadLetter. Enriched posts travel without their lemmas: detection and ClickHouse use none.
A value that cannot be decoded raises BadMessage with the reason in Russian.

    values = encode_enriched([post, ...], src)          # bundles, in order
    decode_enriched(value) -> [(src, post), ...]        # [] for a tick
"""
from __future__ import annotations

import json
from datetime import datetime

from alerting.outbox import WorkflowOutput, output_doc, output_from_doc
from alerting.workflow_state import alert_doc, alert_from_doc
from collectors.parse import InputError, replay_record_to_post
from core.records import Alert, DeadLetter, EnrichedPost, Post, Reactions, TopicScore

BUNDLE_BYTES = 900_000        # an enriched bundle stays below the broker's message.max.bytes (1 MiB)


class BadMessage(Exception):
    """A message value we cannot use; str(e) is the Russian reason stored with the dead letter."""


def raw_text(value: bytes | None, limit: int) -> str:
    """A message value as the `raw` of its dead letter: its first `limit` bytes as text."""
    return (value or b"")[:limit].decode("utf-8", "replace")


def json_bytes(doc) -> bytes:
    """Compact UTF-8 JSON, as every value here is written (lane.py writes its state so too)."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _loads(value: bytes | None):
    if value is None:
        raise BadMessage("пустое сообщение")
    try:
        return json.loads(value.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise BadMessage(f"неверная кодировка (не UTF-8): байт {e.start}") from None
    except json.JSONDecodeError as e:
        raise BadMessage(f"некорректный JSON: {e.msg}, позиция {e.pos}") from None


def post_record(p: Post) -> dict:
    r = p.reactions
    return {"platform": p.platform, "source": p.source, "id": p.uid, "published_at": p.published_at.isoformat(),
            "text": p.text, "source_name": p.source_name, "author": p.author, "url": p.url,
            "parent_id": p.parent_uid, "likes": r.likes, "reposts": r.reposts, "comments": r.comments,
            "views": r.views}


def encode_post(p: Post) -> bytes:
    return json_bytes(post_record(p))


def decode_post(value: bytes | None, max_chars: int) -> Post:
    try:
        return replay_record_to_post(_loads(value), max_chars)
    except InputError as e:
        raise BadMessage(str(e)) from None


def enriched_doc(e: EnrichedPost) -> dict:
    """An enriched post as JSON, without its lemmas (which come back empty)."""
    return {"post": post_record(e.post), "topics": [[t.topic, t.score] for t in e.topics],
            "sentiment": e.sentiment, "sentiment_score": e.sentiment_score, "negative": e.negative, "mood": e.mood,
            "toxic": e.toxic, "settlements": list(e.settlements), "model_version": e.model_version,
            "street": e.street, "house": e.house, "object": e.object, "orgs": list(e.orgs),
            "place_unverified": list(e.place_unverified)}


def enriched_from_doc(d: dict) -> EnrichedPost:
    r = d["post"]
    post = Post(uid=r["id"], platform=r["platform"], source=r["source"],
                published_at=datetime.fromisoformat(r["published_at"]), text=r["text"],
                source_name=r["source_name"], author=r["author"], url=r["url"], parent_uid=r["parent_id"],
                reactions=Reactions(r["likes"], r["reposts"], r["comments"], r["views"]))
    return EnrichedPost(post=post, lemmas=(), topics=tuple(TopicScore(t, s) for t, s in d["topics"]),
                        sentiment=d["sentiment"], sentiment_score=d["sentiment_score"], negative=d["negative"],
                        mood=d.get("mood", d["sentiment"]),   # a bundle from before the complaint head: one model
                        toxic=d["toxic"], settlements=tuple(d["settlements"]), model_version=d["model_version"],
                        street=d.get("street", ""), house=d.get("house", ""), object=d.get("object", ""),
                        orgs=tuple(d.get("orgs", ())), place_unverified=tuple(d.get("place_unverified", ())))


def encode_enriched(posts: list[EnrichedPost], src: int, limit: int = BUNDLE_BYTES) -> list[bytes]:
    """The posts of one raw partition as bundles of at most `limit` bytes (a larger post goes alone)."""
    head, tail = b'{"kind":"posts","src":%d,"posts":[' % src, b"]}"
    out, chunk, size = [], [], len(head) + len(tail)
    for e in posts:
        doc = json_bytes(enriched_doc(e))
        if chunk and size + len(doc) + 1 > limit:
            out.append(head + b",".join(chunk) + tail)
            chunk, size = [], len(head) + len(tail)
        chunk.append(doc)
        size += len(doc) + 1
    if chunk:
        out.append(head + b",".join(chunk) + tail)
    return out


TICK = json_bytes({"kind": "tick"})


def decode_enriched(value: bytes | None) -> list[tuple[int, EnrichedPost]]:
    """[(raw partition, post), ...] of a bundle; [] for a tick."""
    doc = _loads(value)
    try:
        if doc["kind"] == "tick":
            return []
        if doc["kind"] != "posts":
            raise ValueError(f"kind={doc['kind']!r}")
        src = int(doc["src"])
        return [(src, enriched_from_doc(d)) for d in doc["posts"]]
    except (KeyError, TypeError, ValueError) as e:
        raise BadMessage(f"сообщение обогащённых постов не по схеме: {e!r}") from None


def encode_alert(a: Alert) -> bytes:
    return json_bytes(alert_doc(a))


def decode_alert(value: bytes | None) -> Alert:
    try:
        return alert_from_doc(_loads(value))
    except (KeyError, TypeError, ValueError) as e:
        raise BadMessage(f"сообщение тревоги не по схеме: {e!r}") from None


def encode_output(lane: str, o: WorkflowOutput) -> bytes:
    return json_bytes({"lane": lane, **output_doc(o)})


def decode_output(value: bytes | None) -> tuple[str, WorkflowOutput]:
    """(lane, output) of a risks.v1 message."""
    d = _loads(value)
    try:
        return str(d["lane"]), output_from_doc(d)
    except (KeyError, TypeError, ValueError) as e:
        raise BadMessage(f"сообщение процесса работы с рисками не по схеме: {e!r}") from None


def encode_dead_letter(d: DeadLetter) -> bytes:
    return json_bytes({"origin": d.origin, "raw": d.raw, "reason": d.reason, "received_at": d.received_at.isoformat()})


def decode_dead_letter(value: bytes | None) -> DeadLetter:
    d = _loads(value)
    try:
        return DeadLetter(origin=d["origin"], raw=d["raw"], reason=d["reason"],
                          received_at=datetime.fromisoformat(d["received_at"]))
    except (KeyError, TypeError, ValueError) as e:
        raise BadMessage(f"сообщение очереди ошибок не по схеме: {e!r}") from None
