"""Below the settlement end to end: natasha's NER on the posts that need it, the enrichment gate (chatter is not
read), and the new columns stored and restored (migration 0008)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from alerting.detect import Detector
from core.records import TopicScore
from core.settings import Detection
from core.taxonomy import load_topics
from pipeline import geo, where
from pipeline.enrich import Kit, _below_settlement, is_candidate
from pipeline.ner import NatashaNer
from storage.rows import alert_from_row, enriched_from_row
from tests.conftest import make_enriched

GAZ = geo.load_gazetteer()


@pytest.fixture(scope="module")
def ner():
    return NatashaNer()


def test_unknown_place_after_a_marker_named_org_and_no_person(ner):
    texts = ["В деревне Кирилловщина третий день нет света, глава Петров молчит",
             "ООО «Ремстрой» опять не вывезло мусор у школы в Лычкове",
             "В Москве такого нет, а у нас в Лычкове нет воды"]
    found = where.describe(texts, GAZ, ner)
    assert found[0].unverified == ("Кирилловщина",)
    assert "Петров" not in " ".join(found[0].orgs + found[0].unverified)       # a person is never kept
    assert found[1].orgs == ("ООО «Ремстрой»",) and found[1].object == "школа"
    assert found[2].unverified == ()                                            # Москва: a place, not ours
    assert ner.calls == 2                                                       # the third needed no NER


def test_our_embedding_is_navecs_and_tags_the_same(ner):
    """navec_codebook maps what the tagger reads; navec's own loader (natasha.NewsEmbedding) gives the same arrays,
    and natasha's tagger over it finds the same spans."""
    import numpy as np
    from natasha import NewsEmbedding, NewsNERTagger
    from natasha.data import NEWS_EMBEDDING

    from pipeline.ner import navec_codebook

    stock, ours = NewsEmbedding(), navec_codebook(NEWS_EMBEDDING)
    assert ours.meta.id == stock.meta.id
    assert np.array_equal(ours.pq.indexes, stock.pq.indexes) and np.array_equal(ours.pq.codes, stock.pq.codes)
    texts = ["Администрация Демянского округа обещала отремонтировать мост через Явонь до осени",
             "Глава поселения Иван Сидоров и МУП «Водоканал» не отвечают жителям Песков",
             "В Новгородской области в селе Лычково опять отключили газ, Газпром молчит"]
    tagger = NewsNERTagger(stock)
    expected = [tuple((s.start, s.stop, s.type) for s in m.spans) for m in tagger.map(texts)]
    assert [tuple((s.start, s.stop, s.type) for s in found) for found in ner.spans(texts)] == expected
    assert any(expected) and {"LOC", "ORG", "PER"} <= {t for spans in expected for _, _, t in spans}


def test_our_word_ids_are_slovnets_for_natashas_vocabulary():
    """WordIds over the NER pack's word vocabulary: every word, its upper case and the specials as slovnet's Vocab."""
    from gzip import decompress

    from natasha.data import NEWS_NER
    from slovnet.exec.pack import Pack, bytes_vocab, vocab_name

    from pipeline.ner import WordIds

    with Pack(NEWS_NER) as pack:
        raw = pack.read(vocab_name("word"))
    ours, theirs = WordIds(decompress(raw)), bytes_vocab(raw)
    assert (len(ours), ours.unk_id, ours.pad_id) == (len(theirs), theirs.unk_id, theirs.pad_id)
    assert all(ours.encode(w) == theirs.encode(w) and ours.encode(w.upper()) == theirs.encode(w.upper())
               for w in theirs.items)


def test_enrichment_reads_only_complaint_candidates(ner):
    before = ner.calls
    chatter = replace(make_enriched("c", 0, topic="other", sentiment="positive", negative=0.1,
                                    text="В деревне Кирилловщина красивый закат"),
                      topics=(TopicScore("other", 0.9),))
    complaint = make_enriched("w", 1, text="В деревне Кирилловщина на ул. Ленина, 3 нет воды, УК молчит")
    kit = Kit(models=None, gazetteer=GAZ, ner=ner)
    assert not is_candidate(chatter, kit.candidate_threshold) and is_candidate(complaint, kit.candidate_threshold)
    out = _below_settlement([chatter, complaint], kit)
    assert (out[0].street, out[0].place_unverified) == ("", ())
    assert (out[1].street, out[1].house, out[1].orgs, out[1].place_unverified) == (
        "ул. Ленина", "3", ("УК",), ("Кирилловщина",))
    assert ner.calls == before + 1


def test_new_columns_are_stored_and_restored(store):
    e = replace(make_enriched("s1", 0, settlement="Демянск", text="на ул. Ленина, 12 нет воды", mood="neutral"),
                street="ул. Ленина", house="12", object="школа", orgs=("водоканал",),
                place_unverified=("Кирилловщина",))
    store.upsert_posts([e], "t")
    row = store.query_dicts("SELECT * FROM posts FINAL WHERE uid = 's1'")[0]
    back = enriched_from_row(row)
    assert (back.street, back.house, back.object, back.orgs, back.place_unverified) == (
        "ул. Ленина", "12", "школа", ("водоканал",), ("Кирилловщина",))
    assert (back.sentiment, back.mood, back.negative) == ("negative", "neutral", pytest.approx(0.9))   # migration 0018
    d = Detector(Detection(min_posts=1, min_authors=1), load_topics())
    alert = [a for u in ("s1", "s2") for a in d.process(replace(e, post=replace(e.post, uid=u)))][-1]
    store.write_alerts([alert], "t")
    stored = alert_from_row(store.alerts("t")[0])
    assert (stored.street, stored.object) == ("ул. Ленина", "школа")


def test_unverified_places_are_counted(store):
    from datetime import timedelta

    from storage.places import unverified_line, unverified_places
    from tests.conftest import T0
    posts = [replace(make_enriched(u, i), place_unverified=p) for i, (u, p) in enumerate(
        [("u1", ("Кирилловщина",)), ("u2", ("Кирилловщина", "Песочки")), ("u3", ())])]
    store.upsert_posts(posts, "t")
    found = unverified_places(store, T0 - timedelta(days=1))
    assert found == [("Кирилловщина", 2), ("Песочки", 1)]
    assert unverified_line(found) == "Места не из справочника за 7 дней: Кирилловщина (2), Песочки (1)"
    assert unverified_places(store, T0 + timedelta(days=1)) == []
