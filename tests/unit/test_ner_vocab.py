"""pipeline.ner.WordIds gives slovnet's Vocab ids (what natasha's NER tagger encodes words with) from bytes."""
from __future__ import annotations

import random

import pytest
from slovnet.vocab import Vocab

from pipeline.ner import WordIds


def _words(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    alphabet = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяabcxyz-0'"
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    # a repeated word (the dict keeps its last id), an empty line, prefixes of one another, the special tokens
    return words + ["дом", "дома", "домашний", "дом", "", "ё", "", "е", "<unk>", "<pad>"]


def test_the_same_ids_as_slovnets_vocab():
    items = _words()
    ours, theirs = WordIds("\n".join(items).encode("utf-8")), Vocab(items)
    assert (len(ours), ours.unk_id, ours.pad_id) == (len(theirs), theirs.unk_id, theirs.pad_id)
    assert ours.encode("дом") == theirs.encode("дом") == len(items) - 7        # the last of the repeated word
    rng = random.Random(3)
    unknown = [w + rng.choice("яz") for w in items] + [w.upper() for w in items] + ["домашни", "домашнийй", "\0", "a\0"]
    for word in items + unknown:
        assert ours.encode(word) == theirs.encode(word), word


def test_a_trailing_newline_and_no_specials():
    ours = WordIds("кот\nпёс\n".encode())
    assert (len(ours), ours.encode("пёс"), ours.encode("кот"), ours.encode("кит"), ours.unk_id) == (2, 1, 0, None, None)


def test_a_nul_in_a_word_is_refused():
    with pytest.raises(ValueError):
        WordIds(b"a\x00b\nc")
