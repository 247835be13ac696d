"""pipeline/text.py: normalize, words, lemma, lemmatize on golden Russian cases."""
from __future__ import annotations

import pytest

from pipeline import text
from pipeline.text import NUM_TOKEN, URL_TOKEN

# --- lemma: one token -> dictionary form ---------------------------------------------------------------

LEMMAS = {
    "складе": "склад",
    "воды": "вода",
    "Воды": "вода",
    "отключили": "отключить",
    "света": "свет",
    "дороги": "дорога",
    "больнице": "больница",
    "домов": "дом",
    "улице": "улица",
    "жители": "житель",
    "трубу": "труба",
    "отопления": "отопление",
    "мусора": "мусор",
    "автобусы": "автобус",
    "администрации": "администрация",
    "ремонта": "ремонт",
    "поликлиники": "поликлиника",
    "шли": "идти",
    "дети": "ребенок",      # pymorphy says "ребёнок": ё must become е
    "ждём": "ждать",
    "течёт": "течь",
    "ДОРОГИ": "дорога",
}


@pytest.mark.parametrize("word, expected", sorted(LEMMAS.items()))
def test_lemma_golden(word, expected):
    assert text.lemma(word) == expected


@pytest.mark.parametrize("word, expected", [
    ("12", NUM_TOKEN),
    ("1,5", NUM_TOKEN),
    ("3.5", NUM_TOKEN),
    ("2024", NUM_TOKEN),
    ("Wi-Fi", "wi-fi"),          # non-Cyrillic: lowercased only
    ("hello", "hello"),
    ("что-то", "что-то"),
    ("В", "в"),                  # one letter: lowercased, not analysed
    ("😡", "😡"),
    (URL_TOKEN, URL_TOKEN),
])
def test_lemma_special_tokens(word, expected):
    assert text.lemma(word) == expected


def test_lemma_never_contains_yo():
    assert "ё" not in "".join(text.lemma(w) for w in ("ёлки", "всё", "ещё", "ребёнка", "пришёл"))


# --- normalize ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("Ёлка и всё", "Елка и все"),
    ("  Нет\n\nсвета \t с утра  ", "Нет света с утра"),
    ("Смотрите https://vk.com/wall-1_2 срочно", f"Смотрите {URL_TOKEN} срочно"),
    ("www.adm-demyansk.ru и госуслуги.рф", f"{URL_TOKEN} и {URL_TOKEN}"),
    ("Инфо:https://t.me/demyansk/5", f"Инфо: {URL_TOKEN}"),
    ("[id1|Иван], спасибо", "Иван, спасибо"),
    ("[club123|Администрация Демянского округа] ответьте", "Администрация Демянского округа ответьте"),
    ("@petrov тоже без воды", "тоже без воды"),
    ("вoда", "вода"),                          # Latin o
    ("ВOДА и тeплo", "ВОДА и тепло"),         # Latin O, e, o
    ("hello world", "hello world"),
    ("", ""),
])
def test_normalize(raw, expected):
    assert text.normalize(raw) == expected


# --- words: tokens in original case, no punctuation ------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("", ()),
    ("   \n ", ()),
    ("!!! ... — «»", ()),
    ("Нет воды в Лычкове 😡", ("Нет", "воды", "в", "Лычкове", "😡")),
    ("Привет!!! Как дела?.. — «да»", ("Привет", "Как", "дела", "да")),
    ("😡😡👍", ("😡", "😡", "👍")),
    ("Опять!😡", ("Опять", "😡")),
    ("что-то сломалось, Wi-Fi нет", ("что-то", "сломалось", "Wi-Fi", "нет")),
    ("Воды нет 1,5 часа, 12 домов", ("Воды", "нет", "1,5", "часа", "12", "домов")),
    ("см. https://vk.com/x и www.ya.ru", ("см", URL_TOKEN, "и", URL_TOKEN)),
    ("[id1|Иван] прав", ("Иван", "прав")),
    ("Всё плохо", ("Все", "плохо")),
    ("Пpивeт, вoда", ("Привет", "вода")),     # Latin p, e, o inside Cyrillic words
    ("Hello world", ("Hello", "world")),       # pure Latin stays Latin
])
def test_words(raw, expected):
    assert text.words(raw) == expected


def test_words_link_is_one_token_even_with_query_and_trailing_dot():
    assert text.words("Ссылка: https://t.me/demyansk?x=1&y=2.") == ("Ссылка", URL_TOKEN)


# --- lemmatize: the whole chain --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("", ()),
    ("На складе нет воды, отключили с утра!",
     ("на", "склад", "нет", "вода", "отключить", "с", "утро")),
    ("Ёлку убрали? Всё ещё висит 😡",
     ("елка", "убрать", "все", "еще", "висеть", "😡")),
    ("Воды нет 1,5 часа, 12 домов без света",
     ("вода", "нет", NUM_TOKEN, "час", NUM_TOKEN, "дом", "без", "свет")),
    ("Подробности https://vk.com/wall-1_2 пишите [id1|Ивану]",
     ("подробность", URL_TOKEN, "писать", "иван")),
    ("что-то с Wi-Fi в больнице",
     ("что-то", "с", "wi-fi", "в", "больница")),
    ("вoда из крaнa ржавая",               # Latin o, a, a
     ("вода", "из", "кран", "ржавый")),
    ("Road closed, нет проезда",
     ("road", "closed", "нет", "проезд")),
])
def test_lemmatize(raw, expected):
    assert text.lemmatize(raw) == expected


def test_lemmatize_mixed_script_matches_clean_spelling():
    assert text.lemmatize("Нет вoды, oтключили свeт") == text.lemmatize("Нет воды, отключили свет")


# --- defects found in review, now fixed -------------------------------------------------------------------------

def test_lemmatize_docstring_example():
    assert text.lemmatize("Нет воды в Лычкове 😡") == ("нет", "вода", "в", "лычкова", "😡")


def test_negative_number_is_num_token():
    assert text.lemmatize("мороз -30 градусов") == ("мороз", NUM_TOKEN, "градус")


def test_sentence_without_space_is_not_a_link():
    assert text.words("Обновил Windows.Network не работает") == ("Обновил", "Windows", "Network", "не",
                                                                 "работает")
