"""What an official answer says, as named cues: regexes we wrote from docs/answers/guidelines.md. Pure.

    cues("Яма заделана 12.04.2021, фото прилагается.")
    -> {"fixed": 1, "dated": 1, "evidence": 1, ...}        # counts of matches, one entry per cue in CUES

The answer-quality model (classifiers/answer_quality.py) learns weights over these cues only, so what it ships
is a table of our cue names and numbers, never a word of the labelled answers. `missing_codes` turns cues into
the guidelines' codes of what an answer lacks.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import pymorphy3

from classifiers.answer_text import GENERIC, body, normalise, objects

MONTHS = r"(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*"
YEAR = r"20[2-3]\d"
SEASON = r"(?:весн|лет|осен|зим)\w*"

# cue name -> pattern over the normalised text (lower case, ё -> е); the order is the feature order
CUES: dict[str, str] = {
    # the problem is gone, or work was done
    # (a verbal noun is not a fix: «устранение», «выполнения», «о восстановлении»)
    "fixed": r"\b(?!\w*(?:ени[еяюйи]|ением|ениям|ениями|ениях|ени)\b)"
             r"(?:устранен\w*|выполнен\w*|произведен\w*|убран\w*|вывезен\w*|демонтирован\w*|восстановлен\w*|"
             r"отремонтирован\w*|замен[еи]н\w*|очищен\w*|ликвидирован\w*|закрашен\w*|окрашен\w*|покрашен\w*|"
             r"прочищен\w*|откачан\w*|удален\w*|скошен\w*|посыпан\w*|обработан\w*|вырезан\w*|спилен\w*|"
             r"заделан\w*|подключен\w*|отрегулирован\w*|исправлен\w*|приведен\w* в (?:норм|соответств|порядок|"
             r"надлежащ|исправн)\w*|нормализован\w*|возобновлен\w*|эвакуирован\w*|подсыпан\w*|выровнен\w*)",
    "fixed_plain": r"^\W*(?:уважаемый пользователь\W*)?(?:дефект|замечани\w*|недостат\w*|нарушени\w*|проблем\w*)"
                   r" (?:устранен|устранены)\W*$",
    "works_state": r"\b(?:работает в штатном|в (?:рабочем|исправном|работоспособном) состоянии|функционирует|"
                   r"горит|освещение (?:работает|включено)|находится в исправн)\w*",
    "installed": r"\b(?:установлен\w*|смонтирован\w*|нанесен\w*|размещен\w*|высажен\w*)",
    # a date for work (not for the next answer)
    "dated": rf"\b(?:до|по|не позднее|к)\s+\d{{1,2}}[./]\d{{1,2}}[./](?:{YEAR}|\d\d)\b|\b(?:до|в|к|на)\s+\d{{0,2}}\s*"
             rf"{MONTHS}\s+(?:{YEAR})|\b{SEASON}\w* {YEAR}|\b(?:в|на) (?:[1-4]|i{{1,3}}|iv)[- ]?(?:м|ом)? "
             rf"квартал\w* {YEAR}|\bв {YEAR} год|\bпрограмм\w* (?:на )?{YEAR}|\bагротехническ\w* период\w* {YEAR}|"
             rf"\bдо конца {YEAR}",
    "future_work": r"\b(?:будут? (?:выполнен|произведен|проведен|устранен|отремонтирован|установлен|заменен|"
                   r"демонтирован|восстановлен|убран|вывезен)\w*|запланирован\w*|планируется|включен\w* в "
                   r"(?:адресн|план|программ)\w*|намечен\w*)",
    "vague_time": r"\b(?:в плановом порядке|в ближайшее время|по мере (?:финансирования|возможност)|при наступлении|"
                  r"в агротехнический период(?! \w* ?20)|в весенне-летний период(?! 20)|в теплое время года|"
                  r"после вступлени|в течение ближайших|в установленн\w* сроки?)",
    "later_answer": r"\b(?:о результатах (?:будет )?(?:вам )?(?:будет )?сообщ\w*|дополнительно сообщ\w*|ответ будет "
                    r"(?:дан|направлен)|срок рассмотрения\w* (?:обращения )?продл\w*|будет рассмотрен\w*|на контроле|"
                    r"меры будут приняты|будут приняты меры|включен\w* в план мониторинга)",
    # checked and found nothing to fix
    "inspected": r"\b(?:при (?:осмотре|обследовании|выезде|проверке|визуальном)|в ходе (?:проверки|осмотра|"
                 r"обследования|выезда)|(?:проведен|осуществлен)\w* (?:осмотр|обследован|проверк|выезд)\w*|выездн\w* "
                 r"(?:проверк|обследован)\w*|осмотром установлено|комиссионн\w*|по результатам (?:осмотра|"
                 r"обследования|проверки))",
    "not_found": r"\b(?:не подтвердил\w*|не подтвержден\w*|не выявлен\w*|не обнаружен\w*|не установлен\w*|"
                 r"нарушени\w* (?:не|отсутству)\w*|отсутству\w*|не зафиксирован\w*)",
    "good_state": r"\b(?:в (?:надлежащем|удовлетворительном|нормативном|хорошем) (?:санитарном |техническом )?"
                  r"состоянии|соответству\w* (?:норм|требован|санпин|гост)\w*|в пределах (?:норм|допуст)\w*|"
                  r"допускается)",
    "sanction": r"\b(?:протокол\w*|штраф\w*|привлечен\w* к (?:административной )?ответственност\w*|исков\w*|"
                r"иск\b|предписани\w*|требовани\w* (?:об|о) (?:устранени|демонтаж)\w*|уведомлени\w*|претензи\w*|"
                r"административн\w* (?:дел|правонарушен|расследован)\w*)",
    "impossible": r"\b(?:не представляется возможным|невозможн\w*|нет возможности|не предусмотрен\w*|"
                  r"нецелесообразн\w*|не планируется|отсутствует возможность|не имеется возможност\w*|отказан\w*|"
                  r"отклонен\w*|не является (?:нарушен|основани)\w*|не требуется)",
    "reason": r"\b(?:так как|поскольку|в связи с (?:тем|отсутствием|ограничен|невозможност)|по причине|ввиду|"
              r"т\.к\.)",
    # someone else's problem
    "not_ours": r"\b(?:не обслуживает\w*|не обслуживается|не находится (?:в|на) (?:хозяйственном ведении|балансе|"
                r"обслуживании)|не (?:состоит )?на балансе|не входит в (?:компетенци|полномочи|зону)\w*|вне "
                r"компетенци\w*|не относится к (?:компетенци|полномочи|ведени)\w*|в компетенцию \S+(?: \S+){0,6} "
                r"не входит|не является балансодержател\w*|не в ведении|не закреплен\w*)",
    "owner": r"\b(?:собственник\w*|частн\w* (?:территори|собственност)\w*|земельн\w* участ\w*|"
             r"общем собрании|общего имущества|общее имущество|тсж|жск|арендатор\w*|балансодержател\w*|"
             r"обслуживающ\w* организаци\w*|зон\w* ответственности)",
    "handed_over": r"\b(?:передан\w*|направлен\w* (?:в|для рассмотрения|по принадлежности|на рассмотрение|письмо|"
                   r"обращение|запрос|информаци)|перенаправлен\w*|переадресован\w*|по принадлежности|обратит\w*(?:ся)? "
                   r"в|рекомендуем обратиться|вы можете обратиться|вправе обратиться|следует обратиться|"
                   r"необходимо обратиться)",
    "addressee": r"\b(?:ооо|оао|ао|гуп|гбу|гку|тсж|жск|управляющ\w* компани\w*|администраци\w*|комитет\w*|"
                 r"инспекци\w*|прокуратур\w*|полици\w*|роспотребнадзор\w*|гжи|госжилинспекци\w*|водоканал|"
                 r"ленсвет|ленэнерго|теплосет\w*|районн\w* суд|мфц|www\.|https?://|телефон\w*)",
    # what an answer should not be made of
    "law": r"(?:\bст\.|\bстать[ейяи]\w*|\bп\.\s?\d|\bпункт\w* \d|\bзакон\w*|\bпостановлени\w*|\bкодекс\w*|\bкоап\b|"
           r"\bгост\b|\bсанпин\w*|\bправил\w* благоустройства|\bрегламент\w*|\bраспоряжени\w*|\bприказ\w*|"
           r"\bфз\b|№\s?\d+-фз|\bснип\b|\bположени\w*)",
    "boilerplate": r"(?:ваше обращение (?:рассмотрено|принято)|обращение рассмотрено|сообщаем следующее|"
                   r"рассмотрев ваше (?:обращение|сообщение)|принято к сведению|информация принята|"
                   r"вопрос (?:находится )?на контроле|меры (?:будут )?приняты|приняты (?:все )?(?:необходимые )?"
                   r"меры|работы (?:будут )?(?:проведены|выполнены) в плановом)",
    "evidence": r"\b(?:фото\w*|акт\b|акта\b|актом\b|акт осмотра|справк\w*|прилага\w*|прикреплен\w*|"
                r"данн\w* (?:системы )?(?:мониторинга|глонасс|гис)|глонасс|видео\w*|схем[аы]\b|скриншот\w*)",
    "specific": r"(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\bд(?:ом)?\.?\s?\d+|\bкв\.?\s?\d+|\bпарадн\w* (?:№\s?)?\d+|"
                r"\bподъезд\w* (?:№\s?)?\d+|\bлит(?:ер)?\w*\.? [а-я]\b|\b\d+\s?(?:м2|кв\.\s?м|шт|мм|см|м)\b)",
    "object_named": r"\b(?:лестничн\w*|парадн\w*|подъезд\w*|кровл\w*|подвал\w*|фасад\w*|двор\w*|тротуар\w*|"
                    r"проезж\w*|опор\w*|светильник\w*|лифт\w*|контейнер\w*|площадк\w*|газон\w*|урн\w*|яма|ямы|"
                    r"выбоин\w*|дорог\w*|снег\w*|налед\w*|мусор\w*|граффити|надпис\w*|вывеск\w*|конструкци\w*|"
                    r"домофон\w*|кондиционер\w*|дерев\w*|ограждени\w*|трубопровод\w*|канализаци\w*|отоплени\w*|"
                    r"батаре\w*|стояк\w*|окн\w*|двер\w*)",
    "contrast": r"\b(?:однако|но при этом|вместе с тем|тем не менее|при этом)\b",
    # the problem belongs to someone else, in the wider wording of the labelled answers
    "elsewhere": r"находится в ведении|\bв ведении\b|зон\w* ответственности|(?:можете|вправе|следует|необходимо|"
                 r"рекомендуем|рекомендуется) обратиться|выходит за рамки|отсутствуют (?:правовые )?основания|"
                 r"не относится к|не входит в (?:состав|компетенц|полномоч)|не является (?:балансодерж|собственник|"
                 r"дворов|придомов)|на территории ленинградской|собственник\w* (?:помещени|здани|земельн|территори)|"
                 r"обслуживает\w* (?:ооо|ао|гуп|спб|компани|организац)|частн\w* (?:территори|собственност)",
    "greeting": r"^\W*уважаем\w*",
    # round 3, redirection (guidelines §1.1, §3.7-3.8): another holder of the object, no power to act, where to go,
    # a letter asking another body to act
    "other_holder": r"\bв (?:хозяйственном |оперативном )?ведении\b|\bв собственности (?!санкт|города)\w*|"
                    r"\bв аренде\b|по договору аренды|имеет собственника|собственник\w* (?:гараж|строени|"
                    r"объект|конструкц)\w* не (?:определен|установлен)\w*|кадастров\w* (?:учет|номер)",
    "no_power": r"не отнесен\w* к полномочиям|не вправе|отсутству\w* (?:правовые )?основани\w*|выходит за рамки|"
                r"за рамки (?:работы )?портала|ленинградской област\w*|не является общим имуществом|"
                r"не входит в состав общего имущества|не является объектом",
    "apply_to": r"(?:можете|вправе|следует|необходимо|рекомендуем|рекомендуется|предлагаем)\w* обратит\w*|"
                r"\bобратитесь\b|(?:следует|необходимо|можно) обращаться",
    "letter_to": r"направлен\w* (?:\S+ ){0,3}(?:в адрес|в)\s+(?:ооо|оао|ао|пао|гуп|гбу|гку|фгбоу|управлени|"
                 r"комитет|прокуратур|гжи|государственн|мо\b|муниципальн|ресурсоснабжающ|местн)\w*|"
                 r"с просьбой (?:рассмотреть|установить|принять|провести)",
}
COMPILED = {name: re.compile(pattern, re.IGNORECASE | re.MULTILINE) for name, pattern in CUES.items()}
NUMERIC = ("done", "done_negated", "will_do", "log_chars", "sentences", "law_density", "intermediate",
           "body_words", "body_digits", "body_concepts", "body_generic", "body_short")
WORD = re.compile(r"[а-я]+(?:-[а-я]+)?")
_MORPH: list = []
# perfective verbs of handling a report, not of fixing the problem: «проведено обследование», «установлено, что»
PROCESS = frozenset((
    "провести", "произвести", "выполнить", "осуществить", "установить", "рассмотреть", "направить", "выявить",
    "составить", "выдать", "принять", "сообщить", "обследовать", "осмотреть", "проверить", "подтвердить",
    "обнаружить", "выехать", "передать", "включить", "назначить", "привлечь", "вынести", "зафиксировать",
    "определить", "утвердить", "предусмотреть", "согласовать", "получить", "заключить", "поступить",
    "расположить", "сформировать", "отнести", "разместить", "предоставить", "уведомить", "предложить",
    "указать", "учесть", "возбудить", "наложить", "организовать", "продлить", "переадресовать", "перенаправить",
    "закрепить", "обратиться", "оформить", "подготовить", "запланировать", "признать", "отказать", "отклонить",
    "пояснить", "разъяснить", "информировать", "проинформировать", "дать", "сделать", "выдвинуть"))
FEATURES = tuple(CUES) + NUMERIC


def cues(text: str, kind: str = "final") -> dict[str, float]:
    """Counts of every cue in the answer, plus its length, sentences, share of law words, intermediate or not."""
    norm = normalise(text)
    out: dict[str, float] = {name: float(len(rx.findall(norm))) for name, rx in COMPILED.items()}
    words = max(1, len(norm.split()))
    out.update(aspects(norm))
    out["log_chars"] = math.log1p(len(norm))
    out["sentences"] = float(len([s for s in re.split(r"[.!?]+\s", norm) if s.strip()]))
    out["law_density"] = 100.0 * out["law"] / words
    out["intermediate"] = 1.0 if kind == "intermediate" else 0.0
    own = body(text)                                       # the answer's own words, header and names stripped
    n_own = len(WORD.findall(own))
    out["body_words"] = math.log1p(n_own)
    out["body_digits"] = 1.0 if re.search(r"\d", own) else 0.0
    out["body_concepts"] = float(len(objects(own)))
    out["body_generic"] = math.log1p(len(GENERIC.findall(own)))
    out["body_short"] = 1.0 if n_own <= 10 else 0.0
    return out


@lru_cache(maxsize=50_000)
def _aspect(word: str) -> str:
    """'done' for a perfective past verb or short participle (убрали, восстановлен), 'will' for a perfective
    future (выполнит, будет устранен is caught by the participle after 'будет'), '' otherwise."""
    if not _MORPH:
        _MORPH.append(pymorphy3.MorphAnalyzer())
    parse = _MORPH[0].parse(word)[0]
    tag = parse.tag
    if parse.normal_form in PROCESS:
        return ""
    if "perf" in tag and ("PRTS" in tag or ("VERB" in tag and "past" in tag)):
        return "done"
    if "perf" in tag and "VERB" in tag and "futr" in tag and "3per" in tag:
        return "will"
    return ""


def aspects(norm: str) -> dict[str, float]:
    """How many completed actions the answer reports (not negated: «не обнаружен» is no action), how many it
    negates, how many it promises (a perfective future, or «будет» + a participle)."""
    done = negated = will = 0
    words = WORD.findall(norm)
    for i, word in enumerate(words):
        aspect = _aspect(word)
        before = words[i - 1] if i else ""
        if aspect == "done" and before in ("будет", "будут", "было", "будут"):
            will += before.startswith("буд")
        elif aspect == "done":
            if before == "не" or (i > 1 and words[i - 2] == "не" and before in ("был", "была", "было", "были")):
                negated += 1
            else:
                done += 1
        elif aspect == "will" and before != "не":
            will += 1
    return {"done": float(done), "done_negated": float(negated), "will_do": float(will)}


# guidelines §3.5: «нарушений не выявлено» with no what / when / how is «отписка»; with an inspection's detail, a date
# or evidence it is «разъяснение»
BARE_WORDS = 25                            # the answer's own words (header, greeting, names stripped) up to this
_DATE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|" + MONTHS + r"\s+" + YEAR)
_BARE_STATE = re.compile(r"(?<!не )\b(?:работает\b|рабочем\b|исправн\w+)|\bвыявлен\w* не был\w*")   # not «не работает»
_BARE_INSTALLED = re.compile(r"\b(?:установлен|смонтирован|размещен)\w*(?!\s*,?\s*что)")   # not «установлено, что»
# «решена», «выполнил», «заменили»: a fix in the active past
_BARE_FIX = re.compile(r"\bрешен\w*|\b(?:вы|про|за|у|от|по)\w*(?:ил|ел)(?:[аи]|и?сь)?\b")


def bare_finding(text: str, found: dict[str, float] | None = None) -> bool:
    """Only «not found / in order / works», in a few words, with no evidence, no date, no fix and no promise."""
    c, norm, own = found if found is not None else cues(text), normalise(text), body(text)
    state = c["not_found"] + c["good_state"] + c["works_state"] or _BARE_STATE.search(norm)
    if (not state or c["evidence"] or c["fixed"] + c["fixed_plain"] or _BARE_INSTALLED.search(norm)
            or c["future_work"] + c["will_do"] or c["dated"] or _BARE_FIX.search(norm)):
        return False
    return len(WORD.findall(own)) <= BARE_WORDS and not _DATE.search(own)


def vector(text: str, kind: str = "final") -> list[float]:
    """The cues as model input: counts squashed by log1p (one mention matters, the tenth little)."""
    return list(_vector(text or "", kind))


@lru_cache(maxsize=20_000)
def _vector(text: str, kind: str) -> tuple[float, ...]:
    found = cues(text, kind)
    return tuple(math.log1p(found[name]) if name in CUES or name.startswith(("done", "will")) else found[name]
                 for name in FEATURES)
