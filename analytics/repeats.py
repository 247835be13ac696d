"""Repeat appeals: a later appeal on the same problem and place within N days of an earlier answered one means the
first was not solved. Pure.

    find_repeats(new, known, days=30)                  -> [("pos:12", "pos:7", 1.0, "тот же дом; …")]
    repeat_why(earlier, later, days=30)                -> "тот же дом; через 9 дн. …; та же проблема: уборка"
    is_repeat(earlier, later, days=30)                 -> True
    risk_links(appeal, alerts, window_days=3)          -> ["A-f8e9be45d4"]

An appeal is a dict: appeal_id, received_at, text, category, topic, settlement, address, and answered_at (the
earlier one's first answer; a key that is missing means "not known", None means "not answered").
- Place: the same building (addresses with a house number, without литера / строение); else the same area (an
  address without a number — a street, a city district — or the settlement), which is only enough when the same
  citizen wrote both or the later one cites the earlier one; nothing known never matches.
- Time: the later one came after the earlier's first answer and within `days` of the earlier one.
- Problem (analytics/problems.py, problem_link; docs/repeats.md, the third definition): a common defect, nothing
  that places the two apart (entrance, floor, flat, indoors vs outdoors, two things, two kinds of door), nothing
  put right before another fault is named, and the same category (the source's own, else our topic) unless the
  texts are alike (half the shorter one's stems, form and address words left out). A cited earlier number or a near
  copy links when nothing differs.
Measured on a labelled sample of the city portal's reports: bench/bench_repeats.py, docs/repeats.md.
"""
from __future__ import annotations

import re
from datetime import timedelta

from analytics.problems import no_conflict, problem_link, problem_of

HOUSE = re.compile(r"\d")
NEAR_COPY = "почти тот же текст"
STEM = re.compile(r"[а-яa-z]{4,}")
# Stems of form words that say nothing about the problem («прошу», «необходимо», «здравствуйте»)
FORM_STEMS = frozenset("прошу просьб проси проше требу необх нужно здрав добры день уважа пожал обращ заявк "
                       "сообщ портал которы также этого очень можно будет".split())
PART_OF_ADDRESS = re.compile(r",?\s*(литера|лит\.?|строение|стр\.?)\s*[0-9a-zа-я]+\b", re.I)


def building(address: str) -> str:
    """«г.Санкт-Петербург, ул. Ленина, дом 3, литера А» -> «г.санкт-петербург, ул. ленина, дом 3»."""
    return " ".join(PART_OF_ADDRESS.sub("", (address or "").lower().replace("ё", "е")).split()).strip(" ,")


def place_match(a: dict, b: dict) -> str | None:
    """"building" (the same house), "area" (the same street, district or settlement), or None."""
    if HOUSE.search(a.get("address") or "") and HOUSE.search(b.get("address") or ""):
        return "building" if building(a["address"]) == building(b["address"]) else None
    if a.get("address") and b.get("address") and building(a["address"]) == building(b["address"]):
        return "area"
    return "area" if a.get("settlement") and a.get("settlement") == b.get("settlement") else None


def same_citizen(a: dict, b: dict) -> bool:
    return bool(a.get("author")) and a.get("author") == b.get("author")


def same_kind(a: dict, b: dict) -> bool:
    """The source's categories when both have one, else our topics."""
    if a.get("category") and b.get("category"):
        return a["category"] == b["category"]
    return a.get("topic") == b.get("topic")


def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:5] for w in STEM.findall((text or "").lower().replace("ё", "е")))


def alike(a: dict, b: dict, threshold: float = 0.5, least: int = 2) -> bool:
    """The two texts share at least two word stems and half the shorter one's (stems: the first 5 letters of words
    of 4+ letters; form words and the words of the address left out)."""
    drop = FORM_STEMS | _stems(a.get("address") or "") | _stems(b.get("address") or "")
    x, y = (_stems(t.get("text") or "") - drop for t in (a, b))
    shared = len(x & y)
    return shared >= least and shared / min(len(x), len(y)) >= threshold


def cites(earlier: dict, later: dict) -> bool:
    """The later text names the earlier one's number («повторно, по заявке 3127121»)."""
    number = str(earlier["appeal_id"]).rsplit(":", 1)[-1]
    return len(number) >= 4 and re.search(rf"(?<!\d){re.escape(number)}(?!\d)", later.get("text") or "") is not None


def repeat_why(earlier: dict, later: dict, days: int = 30, problems: dict | None = None) -> str | None:
    """Why the later appeal repeats the earlier one, in Russian («тот же дом; через 12 дн.; та же проблема:
    уборка»), or None. problems: appeal_id -> analytics.problems.Problem, computed once per appeal by the caller."""
    gap = later["received_at"] - earlier["received_at"]
    place = place_match(earlier, later)
    if not (timedelta(0) < gap <= timedelta(days=days)) or place is None:
        return None
    citizen, cited = same_citizen(earlier, later), cites(earlier, later)
    if place == "area" and not (citizen or cited):
        return None
    if "answered_at" in earlier and (earlier["answered_at"] is None or earlier["answered_at"] >= later["received_at"]):
        return None
    where = "тот же дом" if place == "building" else "тот же населённый пункт или улица"
    when = f"через {gap.days} дн. после прежнего обращения" if gap.days else "в день прежнего обращения"
    head = f"{where}; {when}"
    problems = problems if problems is not None else {}
    pa = problems.get(earlier["appeal_id"]) or problem_of(earlier.get("text") or "", earlier.get("category") or "")
    pb = problems.get(later["appeal_id"]) or problem_of(later.get("text") or "", later.get("category") or "")
    number = str(earlier["appeal_id"]).rsplit(":", 1)[-1]
    if cited and no_conflict(pa, pb):
        return f"{head}; ссылается на обращение № {number}"
    link = problem_link(pa, pb)
    if link is None and alike(earlier, later, 0.75, 3) and no_conflict(pa, pb):
        link = NEAR_COPY
    if link is None:
        return None
    if citizen:
        head += "; тот же заявитель"
    if same_kind(earlier, later):
        return f"{head}; та же категория; {link}"
    if link == NEAR_COPY:
        return f"{head}; {link}"
    return f"{head}; {NEAR_COPY}; {link}" if alike(earlier, later) else None


def is_repeat(earlier: dict, later: dict, days: int = 30, problems: dict | None = None) -> bool:
    return repeat_why(earlier, later, days, problems) is not None


def find_repeats(new: list[dict], known: list[dict], days: int = 30) -> list[tuple[str, str, float, str]]:
    """For each new appeal that repeats an earlier one (known or new), the latest such earlier appeal:
    (repeat, earlier, score, why)."""
    pool = sorted({a["appeal_id"]: a for a in known + new}.values(), key=lambda a: (a["received_at"], a["appeal_id"]))
    problems = {a["appeal_id"]: problem_of(a.get("text") or "", a.get("category") or "") for a in pool}
    by_place: dict[str, list[dict]] = {}
    for a in pool:
        by_place.setdefault(building(a.get("address") or "") or a.get("settlement") or "", []).append(a)
    out = []
    for appeal in new:
        candidates = by_place.get(building(appeal.get("address") or "") or appeal.get("settlement") or "", [])
        if appeal.get("address"):                        # an address-less earlier one may share the settlement
            candidates = candidates + by_place.get(appeal.get("settlement") or "", [])
        found = [(e, why) for e in candidates if e["appeal_id"] != appeal["appeal_id"]
                 for why in [repeat_why(e, appeal, days, problems)] if why]
        if found:
            latest, why = max(found, key=lambda f: (f[0]["received_at"], f[0]["appeal_id"]))
            out.append((appeal["appeal_id"], latest["appeal_id"], 1.0, why))
    return out


def risk_links(appeal: dict, alerts: list[dict], window_days: int = 3) -> list[str]:
    """Risks on the appeal's topic and settlement whose posts came within window_days of the appeal."""
    window = timedelta(days=window_days)
    return sorted(a["alert_id"] for a in alerts
                  if appeal.get("settlement") and a["settlement"] == appeal["settlement"]
                  and a["topic"] == appeal["topic"]
                  and a["first_at"] - window <= appeal["received_at"] <= a["last_at"] + window)
