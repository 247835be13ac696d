"""What an official answer lacks, as the guidelines' codes (docs/answers/guidelines.md §2) and their Russian
phrases. Rules over the cues of classifiers/answer_cues.py, so every code can be explained. Pure.

    missing_codes(cues("Проблема устранена."), "решено")          -> ("no_evidence", "boilerplate")
    phrases(("no_evidence", "boilerplate"))    -> ("нет подтверждения (акт, фото)", "шаблонная формулировка")
"""
from __future__ import annotations

import re

from classifiers.answer_cues import COMPILED, normalise

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


def _objects(norm: str) -> set[str]:
    """Objects a text names, as 5-letter stems («парадной» and «парадная» meet)."""
    return {m.group(0)[:5] for m in COMPILED["object_named"].finditer(norm)}


def missing_codes(c: dict[str, float], verdict: str, answer: str = "", appeal: str = "") -> tuple[str, ...]:
    """c: cues(answer). appeal: the citizen's text when known (off_topic, wrong_place, partial need it)."""
    fix = c["fixed"] + c["done"] + c["works_state"] + c["fixed_plain"]
    dated = c["dated"] > 0
    promised = c["future_work"] + c["will_do"] + c["vague_time"] + c["later_answer"] > 0
    found_nothing = c["not_found"] > 0 and c["good_state"] + c["inspected"] > 0 or c["not_found"] > 0 and not fix
    detail = c["specific"] + c["inspected"] + c["evidence"] + c["sanction"] > 0
    out: list[str] = []
    if verdict == "отписка" and not fix and not found_nothing:
        out.append("no_action")
    if not dated and (promised or (verdict == "разъяснение" and c["sanction"] and not found_nothing)):
        out.append("no_date")
    if verdict in ("разъяснение", "отписка") and c["sanction"] and not fix and not found_nothing:
        out.append("no_result")
    if (verdict == "решено" and fix or found_nothing) and not c["evidence"] and not dated:
        out.append("no_evidence")
    if appeal:
        a_norm, norm = normalise(appeal), normalise(answer)
        asked, told = _objects(a_norm), _objects(norm)
        if asked and told and not asked & told and verdict != "переадресовано":
            out.append("off_topic")
        a_houses, houses = set(HOUSE.findall(a_norm)), set(HOUSE.findall(norm))
        if a_houses and houses and not a_houses & houses:
            out.append("wrong_place")
        parts = [p for p in QUESTION_SPLIT.split(a_norm) if len(p.split()) >= 3]
        if len(parts) >= 3 and len(asked) >= 2 and len(asked - told) >= 2:
            out.append("partial")
    if not detail or c["boilerplate"] and c["specific"] == 0 and not c["evidence"]:
        out.append("boilerplate")
    if c["law"] >= 2 and c["law_density"] >= 3 and not fix and not dated:
        out.append("law_only")
    if c["impossible"] and not c["reason"] and not c["law"] and not found_nothing:
        out.append("no_reason")
    if verdict == "переадресовано" and not c["addressee"]:
        out.append("no_addressee")
    if (c["fixed"] + c["fixed_plain"]) and c["impossible"] or (c["fixed_plain"] and c["not_found"]):
        out.append("contradiction")
    return tuple(code for code in CODES if code in out)
