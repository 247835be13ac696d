"""Repeat appeals: a later appeal on the same problem and place within N days means the first was not solved. Pure.

    find_repeats(new, known, days=30, threshold=0.5)   -> [("pos:12", "pos:7", 0.62)]   # (repeat, earlier, score)
    risk_links(appeal, alerts, window_days=3)          -> ["A-f8e9be45d4"]

Place: the same settlement, or, with none, the same address; both empty never match. Problem: the same topic, and
word-stem overlap of the two texts (overlap coefficient over stems of 4+ letters, stop words out, at least two
shared) reaching the threshold; a repeat of the same citizen needs half of it.
"""
from __future__ import annotations

import re
from datetime import timedelta

STEM = re.compile(r"[а-яa-z]{4,}")
STOP = frozenset("этот этого которые который очень просим прошу просьба пожалуйста уважаемые уважаемый "
                 "нашем наших нашего также только снова опять когда будет было были есть сделать "
                 "адрес улица улице район района дома около возле".split())


def stems(text: str) -> frozenset[str]:
    words = STEM.findall((text or "").lower().replace("ё", "е"))
    return frozenset(w[:5] for w in words if w not in STOP)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient; two texts sharing fewer than two stems are not alike."""
    if len(a & b) < 2:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def place_of(appeal: dict) -> str:
    return appeal.get("settlement") or " ".join((appeal.get("address") or "").lower().split())


def find_repeats(new: list[dict], known: list[dict], days: int = 30, threshold: float = 0.5
                 ) -> list[tuple[str, str, float]]:
    """new, known: dicts with appeal_id, received_at, topic, settlement, address, text, author."""
    pool = sorted({a["appeal_id"]: a for a in known + new}.values(), key=lambda a: (a["received_at"], a["appeal_id"]))
    words = {a["appeal_id"]: stems(a["text"]) for a in pool}
    out = []
    for appeal in new:
        place = place_of(appeal)
        if not place:
            continue
        best = None
        for earlier in pool:
            if earlier["received_at"] >= appeal["received_at"]:
                break
            if (appeal["received_at"] - earlier["received_at"] > timedelta(days=days) or place_of(earlier) != place
                    or earlier["topic"] != appeal["topic"]):
                continue
            score = similarity(words[appeal["appeal_id"]], words[earlier["appeal_id"]])
            same_author = appeal.get("author") and appeal.get("author") == earlier.get("author")
            need = threshold / 2 if same_author else threshold
            if score >= need and (best is None or score > best[2]):
                best = (appeal["appeal_id"], earlier["appeal_id"], round(score, 3))
        if best:
            out.append(best)
    return out


def risk_links(appeal: dict, alerts: list[dict], window_days: int = 3) -> list[str]:
    """Risks on the appeal's topic and settlement whose posts came within window_days of the appeal."""
    window = timedelta(days=window_days)
    return sorted(a["alert_id"] for a in alerts
                  if appeal.get("settlement") and a["settlement"] == appeal["settlement"]
                  and a["topic"] == appeal["topic"]
                  and a["first_at"] - window <= appeal["received_at"] <= a["last_at"] + window)
