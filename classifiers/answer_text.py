"""The plain text of an official answer as the cues and the rules read it: normalised, stripped of its header,
and the concepts it names. Pure.

    body("Уважаемый пользователь! Рассмотрев Ваше сообщение по вопросу «Мусор», сообщаем: мусор убран.")
    -> "мусор убран."
    objects("в парадной дома 5 грязно") -> {"stairs"}
"""
from __future__ import annotations

import re


def normalise(text: str) -> str:
    """Lower case, ё -> е, runs of spaces as one: what every cue is matched against."""
    return re.sub(r"[ \t\u00a0]+", " ", (text or "").lower().replace("ё", "е")).strip()


# what a text is about, as concepts: «парадная» and «подъезд», «надписи» and «граффити» meet
CONCEPTS = {
    "stairs": "лестничн|парадн|подъезд|этаж", "roof": "кровл|крыш|чердак|водосточн", "basement": "подвал",
    "facade": "фасад|стен|штукатур|балкон", "road": "тротуар|проезж|дорог|ям[аыу]\\b|выбоин|асфальт|покрыти|бордюр",
    "light": "опор|светильник|фонар|освещ|ламп", "lift": "лифт", "waste": "контейнер|мусор|урн|бак|отход",
    "play": "детск|площадк|качел|горк", "green": "газон|дерев|кустар|зелен|трав|ветк",
    "snow": "снег|налед|сосул|гололед|посыпк", "signs": "граффити|надпис|вывеск|объявлен|реклам|рисун",
    "door": "домофон|двер|замк|замок|доводчик", "ac": "кондиционер", "fence": "ограждени|забор|огражд",
    "water": "трубопровод|канализац|отоплен|батаре|стояк|радиатор|протечк|теч|вод[аыуо]\\b|кран",
    "window": "окн|стекл|рам", "traffic": "знак|светофор|разметк|остановк|парковк|неровност|блокиратор",
}
_CONCEPT = {name: re.compile(r"\b(?:" + rx + ")") for name, rx in CONCEPTS.items()}


def objects(norm: str) -> set[str]:
    """The concepts a text names."""
    return {name for name, rx in _CONCEPT.items() if rx.search(norm)}


# the answer's own words: without the greeting, the header («Рассмотрев Ваше сообщение № … по вопросу «…» по
# адресу … сообщаем следующее:»), quoted category names, addresses and the attachment line
GREETING = re.compile(r"^\W*уважаем\w* \w+\W*")
HEADER = re.compile(r"^.{0,600}?(?:сообща\w+|информиру\w+)(?:\s+следующее)?\s*(?:[:.,]|что)\s*", re.S)
ATTACHED = re.compile(r"(?:приложени\w*|фото\w*|фотофиксаци\w*|материал\w* фотофиксации)[^.]*(?:\.|$)|"
                      r"\([^)]*фото[^)]*\)")
QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"")
ADDRESS = re.compile(r"(?:по )?адрес\w*:?[^.]*?(?=,|\.|$)")
GENERIC = re.compile(r"\b(?:проблем|замечани|нарушени|недостат|дефект|неисправност|работ|причин|мероприяти)\w*")


def body(text: str) -> str:
    """What the answer itself says: the normalised text without greeting, header, quotes, addresses, attachments."""
    n = GREETING.sub("", normalise(text))
    n = HEADER.sub("", n, count=1)
    n = ATTACHED.sub(" ", QUOTED.sub(" ", n))
    return ADDRESS.sub(" ", n).strip()
