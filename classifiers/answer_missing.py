"""What an official answer lacks, as the guidelines' codes (docs/answers/guidelines.md §2) and their Russian
phrases. Rules over the cues of classifiers/answer_cues.py, so every code can be explained. Pure.

    missing_codes(cues("Проблема устранена."), "решено")          -> ("no_evidence", "boilerplate")
    phrases(("no_evidence", "boilerplate"))    -> ("нет подтверждения (акт, фото)", "шаблонная формулировка")
"""
from __future__ import annotations

import re

from classifiers.answer_cues import bare_finding
from classifiers.answer_text import GENERIC, body, normalise, objects

PHRASES = {
    "no_action": "не названо действие",
    "no_date": "не назван срок",
    "no_result": "не сказано, устранена ли проблема",
    "no_evidence": "нет подтверждения (акт, фото)",
    "off_topic": "ответ не по существу обращения",
    "wrong_place": "не то место или объект",
    "partial": "ответ не на все вопросы обращения",
    "boilerplate": "шаблонная формулировка",
    "law_only": "только ссылки на нормы",
    "no_reason": "не объяснена причина отказа",
    "no_addressee": "не указано, кто отвечает и куда обращаться",
    "contradiction": "противоречие",
}
CODES = tuple(PHRASES)
HOUSE = re.compile(r"\b(?:д\.|дом[аеу]?|д)\s?(\d{1,4})")
QUESTION_SPLIT = re.compile(r"\?|;|\n\s*(?:\d+[.)]|-|•)\s")


def phrases(codes) -> tuple[str, ...]:
    return tuple(PHRASES[c] for c in codes)


# a redirection that names where to: «передано в …», «обратиться в …», «обслуживает ООО …»
ADDRESSEE_NAMED = re.compile(
    r"(?:передан|направлен|перенаправлен|переадресован|обратит\w*ся|обращать\w*ся)\w*\s+(?:\S+\s+){0,3}?"
    r"(?:в|во|к)\s+\w|(?:обслужива\w+|в ведении|на балансе|балансодержател\w*|закреплен\w*)\s+(?:\S+\s+){0,2}?"
    r"(?:ооо|оао|ао|гуп|гбу|гку|спб|санкт|комитет|администрац|тсж|жск|компани|организаци)")
# «проблема устранена» beside «устранить невозможно» / «не подтвердилось»
CLAIMED_FIX = re.compile(r"\b(?:проблем\w*|замечани\w*|нарушени\w*|недостат\w*|дефект\w*)\s+(?:\S+\s+){0,3}?"
                         r"(?:устранен|решен|выполнен)\w*")
ON_CONTROL = re.compile(r"на контроле")
BODY_WORDS = 10                   # an answer's own words up to which a fix named in generic words is boilerplate


def missing_codes(c: dict[str, float], verdict: str, answer: str = "", appeal: str = "") -> tuple[str, ...]:
    """c: cues(answer). appeal: the citizen's text when known (off_topic, wrong_place, partial need it).

    Written from the guidelines and checked against labeller A on the first 420 answers (bench/bench_answers.py
    reports each code on answers the rules were not written from)."""
    fix = c["fixed"] + c["done"] + c["works_state"] + c["fixed_plain"]
    dated = c["dated"] > 0
    # a process under way instead of a fix: a sanction, a letter to another body, a promise, a later answer
    pending = (c["sanction"] + c["handed_over"] + c["later_answer"] + c["future_work"] + c["will_do"]
               + c["vague_time"]) > 0
    norm, own = normalise(answer), body(answer)
    # «вопрос на контроле» promises nothing: not a promise without a date
    vague_promise = c["later_answer"] - len(ON_CONTROL.findall(norm)) + c["future_work"] + c["vague_time"] > 0
    found_nothing = (c["not_found"] > 0 and c["good_state"] + c["inspected"] > 0 or c["not_found"] > 0 and not fix
                     or bool(answer) and bare_finding(answer, c))       # «работает в штатном режиме» and no more
    own_words = len(re.findall(r"[а-я]+", own))
    out: list[str] = []
    if verdict == "разъяснение" and not pending and not fix and not c["not_found"] + c["good_state"] + c["owner"]:
        out.append("no_action")
    if verdict == "отписка" and not fix and not found_nothing and not vague_promise:
        out.append("no_action")
    if (verdict == "разъяснение" and pending and not c["good_state"]) or (verdict == "отписка" and vague_promise):
        out.append("no_date")
    if verdict == "разъяснение" and pending and not c["good_state"]:
        out.append("no_result")
    if (verdict == "решено" and fix or found_nothing) and not c["evidence"] and not dated:
        out.append("no_evidence")
    if appeal:
        a_norm = normalise(appeal)
        asked, told = objects(a_norm), objects(norm)
        if asked and told and not asked & told and verdict == "решено":      # a fix of something else
            out.append("off_topic")
        a_houses, houses = set(HOUSE.findall(a_norm)), set(HOUSE.findall(norm))
        if a_houses and houses and not a_houses & houses:
            out.append("wrong_place")
        parts = [p for p in QUESTION_SPLIT.split(a_norm) if len(p.split()) >= 3]
        if len(parts) >= 3 and len(asked) >= 2 and len(asked - told) >= 2:
            out.append("partial")
    generic_fix = fix and own_words <= BODY_WORDS and GENERIC.search(own)
    bare_found = found_nothing and own_words <= BODY_WORDS and not c["inspected"] + c["evidence"] + c["specific"]
    if verdict == "отписка" or generic_fix or bare_found:
        out.append("boilerplate")
    if (verdict in ("отписка", "переадресовано") and c["law"] >= 2 and c["law_density"] >= 2.4 and not c["inspected"]
            or verdict == "разъяснение" and c["law_density"] >= 7):
        out.append("law_only")
    if (verdict in ("отписка", "разъяснение") and c["impossible"] and not c["reason"] + c["law"] + c["owner"]
            + c["not_ours"] and not found_nothing):
        out.append("no_reason")
    if verdict == "переадресовано" and not ADDRESSEE_NAMED.search(norm) and not c["owner"]:
        out.append("no_addressee")
    if CLAIMED_FIX.search(norm) and (c["impossible"] or c["not_found"]) or c["fixed_plain"] and c["not_found"]:
        out.append("contradiction")
    return tuple(code for code in CODES if code in out)
