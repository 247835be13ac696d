"""The enrichment stage, pure: Post -> EnrichedPost (lemmas, topics, sentiment, detection's complaint mood, toxicity,
settlements, and below the settlement: street, house, institution, organisations, unverified places).

    enrich_batch([post], kit) -> [EnrichedPost(post, lemmas=("нет", "вода", ...), topics=(("water", .93), ...),
                                                 sentiment="negative", negative=.81, mood="negative",
                                                 settlements=("Лычково",),
                                                 street="ул. Ленина", house="12", object="", orgs=("водоканал",))]
The embedded runner and the Faust agent call this same function. Batches are much faster than single posts
(one matrix product for all of them). Street, institution and organisations are read only on complaint
candidates (is_candidate: a risk topic at candidate_threshold or more and not positive, or a negative reply),
and natasha only on those of them that need it (pipeline/where.py), so chatter costs nothing extra.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from classifiers.features import Doc
from classifiers.models import Models
from core.records import OTHER_TOPIC, EnrichedPost, Post, TopicScore
from pipeline import geo, text, where

TOXIC_AT = 0.5
TOP_TOPICS = 3


@dataclass(frozen=True)
class Kit:
    """Everything the stage needs, loaded once per process."""

    models: Models
    gazetteer: geo.Gazetteer
    max_text_chars: int = 20_000
    ner: where.Ner | None = None           # natasha (pipeline/ner.py); None: rules only
    candidate_threshold: float = 0.30      # a risk topic this likely makes a post a complaint candidate


def is_candidate(e: EnrichedPost, threshold: float) -> bool:
    """A post detection may count as a report or a story member: worth reading for street and institution."""
    if e.post.parent_uid is not None and e.reads_negative:
        return True
    risky = [t for t in e.topics if t.topic != OTHER_TOPIC]
    return bool(risky) and risky[0].score >= threshold and not e.reads_positive


def enrich_batch(posts: list[Post], kit: Kit) -> list[EnrichedPost]:
    tokens = [text.words(p.text[: kit.max_text_chars]) for p in posts]
    lemmas = [tuple(text.lemma(w) for w in ws) for ws in tokens]
    docs = [Doc(" ".join(ls), " ".join(w.lower() for w in ws), text.normalize(p.text[: kit.max_text_chars]).lower(),
                p.text[: kit.max_text_chars]) for p, ws, ls in zip(posts, tokens, lemmas, strict=True)]
    scores = kit.models.score(docs)
    out = []
    for post, ws, ls, sc in zip(posts, tokens, lemmas, scores, strict=True):
        sentiment, complaint = dict(sc.sentiment), dict(sc.complaint)
        likeliest = max(sentiment, key=sentiment.get)
        out.append(EnrichedPost(
            post=post, lemmas=ls,
            topics=tuple(TopicScore(t, round(s, 4)) for t, s in sc.topics[:TOP_TOPICS]),
            sentiment=likeliest, sentiment_score=round(sentiment[likeliest], 4),
            negative=round(complaint.get("negative", 0.0), 4), mood=max(complaint, key=complaint.get),
            toxic=sc.toxic >= TOXIC_AT,
            settlements=geo.locate(ws, kit.gazetteer),
            model_version=kit.models.version,
        ))
    return _below_settlement(out, kit)


def _below_settlement(out: list[EnrichedPost], kit: Kit) -> list[EnrichedPost]:
    chosen = [i for i, e in enumerate(out) if is_candidate(e, kit.candidate_threshold)]
    found = where.describe([out[i].post.text[: kit.max_text_chars] for i in chosen], kit.gazetteer, kit.ner)
    for i, w in zip(chosen, found, strict=True):
        out[i] = replace(out[i], street=w.street, house=w.house, object=w.object, orgs=w.orgs,
                         place_unverified=w.unverified)
    return out


def enrich(post: Post, kit: Kit) -> EnrichedPost:
    return enrich_batch([post], kit)[0]
