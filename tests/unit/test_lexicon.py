"""The polarity lexicon block: our lexicon file matches the pipeline's lemmas, hits are counted with negation and
emoticons, and a featurizer with the block keeps its own copy of the lexicon through save and load."""
from __future__ import annotations

import numpy as np

from classifiers.features import Doc, Featurizer
from classifiers.lexicon import FEATURES, LexiconBlock, lexicon_part, load_lexicon
from pipeline import text
from pipeline.training import to_docs

ENTRIES = {"хороший": 1, "отличный": 2, "плохой": -1, "ужасный": -2, "😡": -2}


def row(lemmas: str, text_: str = "", window: int = 3) -> dict[str, float]:
    return dict(zip(FEATURES, LexiconBlock(ENTRIES, 1.0, window).row(lemmas, text_), strict=True))


def test_every_lexicon_entry_is_a_lemma_the_pipeline_makes():
    lexicon = load_lexicon()
    assert len(lexicon) > 1000 and {-2, -1, 1, 2} == set(lexicon.values())
    assert all(len(text.words(term)) == 1 and term == term.lower() and "ё" not in term for term in lexicon)
    # a few entries are lemmas of other forms only («ахаха» -> «ахах», but «ахах» -> «ахи»): written as lemmas,
    # not as surface forms
    not_lemmas = [term for term in lexicon if text.lemma(term) != term]
    assert len(not_lemmas) <= len(lexicon) // 100, not_lemmas


def test_hits_outside_and_inside_negation():
    plain = row("отличный день но ужасный погода 😡")
    assert (plain["positive"], plain["negative"], plain["strong_positive"], plain["strong_negative"]) == (2, 4, 1, 2)
    negated = row("не очень хороший и не плохой")
    assert (negated["positive"], negated["negated_positive"], negated["negated_negative"]) == (0, 1, 1)
    assert row("не сказать что день вышел хороший")["negated_positive"] == 0       # past the 3-word window
    assert row("не хороший", window=0)["positive"] == 1                           # window 0: no negation


def test_emoticons_count_unbalanced_brackets_only():
    assert (row("", "ура))) (фото)")["smiles"], row("", "ура))) (фото)")["frowns"]) == (3, 0)
    assert (row("", "грустно :( ((")["frowns"], row("", "<3 :d")["smiles"]) == (3, 2)


def test_a_featurizer_with_the_block_keeps_its_lexicon_through_save_and_load():
    docs = to_docs(["Отличный день, спасибо!)", "Ужасно, опять нет воды 😡", "Не очень хорошо(", "Продаю дрова"])
    parts = [{"field": "lemmas", "analyzer": "word", "ngram_range": (1, 1), "min_df": 1}, lexicon_part(0.5, 3)]
    fitted = Featurizer(parts).fit(docs)
    meta, arrays = fitted.to_state()
    again = Featurizer.from_state(meta, arrays)
    np.testing.assert_array_equal(fitted.transform(docs).toarray(), again.transform(docs).toarray())
    assert again.vectorizers_[1].entries == load_lexicon() and fitted.n_features == again.n_features
    lexicon = fitted.transform(docs).toarray()[:, -len(FEATURES):]
    assert lexicon[0, 0] > 0 and lexicon[1, 1] > 0 and lexicon[3].sum() == 0
    # the saved copy, not the packaged file, is what a loaded model reads
    meta["vocabularies"][1] = ["продавать"]
    arrays["idf_1"] = np.array([-2.0])
    loaded = Featurizer.from_state(meta, arrays).transform([Doc("продавать дрова", "", "")]).toarray()
    assert loaded[0, 1 - len(FEATURES)] > 0        # «negative» hits
