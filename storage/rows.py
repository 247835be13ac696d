"""Records -> ClickHouse rows, pure. Column order matches the tuples below."""
from __future__ import annotations

from datetime import datetime, timezone

from core.records import DEAD_LETTER_RAW_BYTES, Alert, DeadLetter, EnrichedPost, Post, Reactions, TopicScore

POST_COLUMNS = ("uid", "platform", "source", "source_name", "author", "published_at", "text", "url", "parent_uid",
                "likes", "reposts", "comments", "views", "topic", "topic_score", "topics", "sentiment",
                "sentiment_score", "negative", "toxic", "settlement", "settlements", "model_version", "dataset",
                "ingested_at", "street", "house", "object", "orgs", "place_unverified", "mood")
ALERT_COLUMNS = ("alert_id", "kind", "topic", "settlement", "level", "score", "created_at", "updated_at",
                 "first_at", "last_at", "post_uids", "sources", "n_posts", "negative_share", "snippets", "dataset",
                 "why", "street", "object")
DEAD_LETTER_COLUMNS = ("received_at", "origin", "reason", "raw", "dataset")


STORABLE = (datetime(1900, 1, 1, tzinfo=timezone.utc), datetime(2299, 12, 31, 23, 59, 59, tzinfo=timezone.utc))


def utc(at: datetime) -> datetime:
    """`at` in UTC, within what DateTime64 holds (1900 … 2299): a time outside is clamped to the nearer end rather
    than raising or wrapping (input checks keep such dates out; year 1 with an offset has no UTC at all)."""
    low, high = STORABLE
    return low if at < low else high if at > high else at.astimezone(timezone.utc)


def post_row(e: EnrichedPost, dataset: str, ingested_at: datetime, author: str | None = None) -> tuple:
    """author: the form to store (the pseudonym); default the post's own."""
    p, r = e.post, e.post.reactions
    author = p.author or "" if author is None else author
    return (p.uid, p.platform, p.source, p.source_name or "", author, utc(p.published_at), p.text,
            p.url or "", p.parent_uid or "", r.likes, r.reposts, r.comments, r.views, e.topic, e.topic_score,
            {t.topic: t.score for t in e.topics}, e.sentiment, e.sentiment_score, e.negative, int(e.toxic),
            e.settlement or "", list(e.settlements), e.model_version, dataset, utc(ingested_at), e.street, e.house,
            e.object, list(e.orgs), list(e.place_unverified), e.mood)


def alert_row(a: Alert, dataset: str) -> tuple:
    return (a.alert_id, a.kind, a.topic, a.settlement or "", a.level, a.score, utc(a.created_at),
            utc(a.updated_at), utc(a.first_at), utc(a.last_at), list(a.post_uids), list(a.sources),
            len(a.post_uids), a.negative_share, [(t, u or "") for t, u in a.snippets], dataset, a.why, a.street or "",
            a.object or "")


def dead_letter_row(d: DeadLetter, dataset: str) -> tuple:
    raw = d.raw
    if len(raw.encode("utf-8", "replace")) > DEAD_LETTER_RAW_BYTES:
        raw = raw.encode("utf-8", "replace")[:DEAD_LETTER_RAW_BYTES].decode("utf-8", "ignore")
    return (utc(d.received_at), d.origin, d.reason, raw, dataset)


def alert_from_row(row: dict) -> Alert:
    """A row of ClickHouseStore.alerts() back to the record (for rendering stored alerts)."""
    return Alert(alert_id=row["alert_id"], kind=row["kind"], topic=row["topic"], settlement=row["settlement"] or None,
                 level=row["level"], score=float(row["score"]), created_at=row["created_at"],
                 updated_at=row["updated_at"], first_at=row["first_at"], last_at=row["last_at"],
                 post_uids=tuple(row["post_uids"]), sources=tuple(row["sources"]),
                 negative_share=float(row["negative_share"]),
                 snippets=tuple(_snippet(s) for s in row["snippets"]), why=row.get("why", ""),
                 street=row.get("street") or None, object=row.get("object") or None)


def _snippet(value) -> tuple[str, str | None]:
    """A named Tuple comes back as a dict from some drivers and as a tuple from others."""
    text, url = (value["text"], value["url"]) if isinstance(value, dict) else value
    return text, url or None


def enriched_from_row(row: dict) -> EnrichedPost:
    """A stored post back to the record detection needs (lemmas are not stored: empty). Used to warm a fresh
    Detector with the last day of posts after a restart, so a story is not split by it."""
    post = Post(uid=row["uid"], platform=row["platform"], source=row["source"],
                published_at=aware(row["published_at"]), text=row["text"], source_name=row["source_name"] or None,
                author=row["author"] or None, url=row["url"] or None, parent_uid=row["parent_uid"] or None,
                reactions=Reactions(row["likes"], row["reposts"], row["comments"], row["views"]))
    topics = tuple(TopicScore(t, float(s)) for t, s in sorted(row["topics"].items(), key=lambda kv: (-kv[1], kv[0])))
    return EnrichedPost(post=post, lemmas=(), topics=topics, sentiment=row["sentiment"],
                        sentiment_score=float(row["sentiment_score"]), negative=float(row["negative"]),
                        mood=row["mood"],
                        toxic=bool(row["toxic"]), settlements=tuple(row["settlements"]),
                        model_version=row["model_version"], street=row.get("street", ""), house=row.get("house", ""),
                        object=row.get("object", ""), orgs=tuple(row.get("orgs", ())),
                        place_unverified=tuple(row.get("place_unverified", ())))


def aware(at: datetime | None) -> datetime | None:
    """A time read back from ClickHouse as aware UTC (drivers return naive UTC or aware values); None stays."""
    if at is None:
        return None
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
