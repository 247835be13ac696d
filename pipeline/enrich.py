"""The enrichment stage, pure: Post -> EnrichedPost (lemmas, topics, sentiment, toxicity, settlements).

    enrich_batch([post], kit) -> [EnrichedPost(post, lemmas=("нет", "вода", ...), topics=(("water", .93), ...),
                                                 sentiment="negative", settlements=("Лычково",), ...)]
The embedded runner and the Faust agent call this same function. Batches are much faster than single posts
(one matrix product for all of them).
"""
from __future__ import annotations

from dataclasses import dataclass

from classifiers.features import Doc
from classifiers.models import Models
from pipeline import geo, text
from core.records import EnrichedPost, Post, TopicScore

TOXIC_AT = 0.5
TOP_TOPICS = 3


@dataclass(frozen=True)
class Kit:
    """Everything the stage needs, loaded once per process."""

    models: Models
    gazetteer: geo.Gazetteer
    max_text_chars: int = 20_000


def enrich_batch(posts: list[Post], kit: Kit) -> list[EnrichedPost]:
    tokens = [text.words(p.text[: kit.max_text_chars]) for p in posts]
    lemmas = [tuple(text.lemma(w) for w in ws) for ws in tokens]
    docs = [Doc(" ".join(ls), " ".join(w.lower() for w in ws), text.normalize(p.text[: kit.max_text_chars]).lower(),
                p.text[: kit.max_text_chars]) for p, ws, ls in zip(posts, tokens, lemmas)]
    scores = kit.models.score(docs)
    out = []
    for post, ws, ls, sc in zip(posts, tokens, lemmas, scores):
        sentiment = dict(sc.sentiment)
        mood = max(sentiment, key=sentiment.get)
        out.append(EnrichedPost(
            post=post, lemmas=ls,
            topics=tuple(TopicScore(t, round(s, 4)) for t, s in sc.topics[:TOP_TOPICS]),
            sentiment=mood, sentiment_score=round(sentiment[mood], 4),
            negative=round(sentiment.get("negative", 0.0), 4),
            toxic=sc.toxic >= TOXIC_AT,
            settlements=geo.locate(ws, kit.gazetteer),
            model_version=kit.models.version,
        ))
    return out


def enrich(post: Post, kit: Kit) -> EnrichedPost:
    return enrich_batch([post], kit)[0]
