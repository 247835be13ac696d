"""Pure shaping of the console's rows: the SLA clock, filters, the register's rows. No I/O.

    sla_clock(first_at, answered_at, now, sla)     # {"norm_left_s", "deadline_left_s", "text", "css"}
    register_rows(risks, now, sla, topics, tz, filters)
"""
from __future__ import annotations

from datetime import datetime, tzinfo

from alerting.lifecycle import OPEN, STATE_NAMES, Sla
from core.settings import LEVELS

LEVEL_CSS = {"низкий": "low", "средний": "mid", "высокий": "high", "критический": "crit"}
FILTERS = ("level", "topic", "settlement", "state")


def duration(seconds: float) -> str:
    """«3 ч 05 мин», «45 мин», «2 сут 4 ч»."""
    s = int(abs(seconds))
    days, hours, minutes = s // 86400, s % 86400 // 3600, s % 3600 // 60
    if days:
        return f"{days} сут {hours} ч"
    return f"{hours} ч {minutes:02d} мин" if hours else f"{minutes} мин"


def sla_clock(first_at: datetime, answered_at: datetime | None, now: datetime, sla: Sla) -> dict:
    """Time left to the norm (8 h) and the deadline (24 h) from the story's first post; negative when past.
    An answered risk's clock stopped at its answer."""
    if answered_at is not None:
        took = (answered_at - first_at).total_seconds()
        late = took > sla.norm_s
        return {"norm_left_s": None, "deadline_left_s": None, "css": "late" if late else "done",
                "text": f"ответ через {duration(took)}" + (" (позже норматива)" if late else "")}
    age = (now - first_at).total_seconds()
    norm_left, deadline_left = sla.norm_s - age, sla.deadline_s - age
    if deadline_left < 0:
        text, css = f"срок истёк {duration(-deadline_left)} назад", "overdue"
    elif norm_left < 0:
        text, css = f"норматив нарушен; до срока {duration(deadline_left)}", "overdue"
    else:
        text = f"до норматива {duration(norm_left)}, до срока {duration(deadline_left)}"
        css = "soon" if norm_left < sla.remind_before_s else "ok"
    return {"norm_left_s": int(norm_left), "deadline_left_s": int(deadline_left), "text": text, "css": css}


def matches(row: dict, filters: dict) -> bool:
    return all(not filters.get(k) or str(row.get(k) or "") == filters[k] for k in FILTERS)


def urgency(r: dict) -> tuple:
    """Unanswered open risks first, the oldest story (least time left) first; higher levels first among equals."""
    waiting = r["state"] in OPEN and r["answered_at"] is None
    return (not waiting, r["first_at"], -LEVELS.index(r["level"]) if r["level"] in LEVELS else 0, r["alert_id"])


def register_rows(risks: list[dict], now: datetime, sla: Sla, topics: dict, tz: tzinfo,
                  filters: dict | None = None, limit: int | None = None) -> tuple[list[dict], int]:
    """The register: the `limit` most urgent risks that match the filters, JSON-ready; and how many matched."""
    found = sorted((r for r in risks if matches(r, filters or {})), key=urgency)
    out = []
    for r in found[:limit]:
        clock = (sla_clock(r["first_at"], r["answered_at"], now, sla) if r["state"] in OPEN else
                 {"norm_left_s": None, "deadline_left_s": None, "text": "закрыт", "css": "done"})
        out.append({"alert_id": r["alert_id"], "level": r["level"], "level_css": LEVEL_CSS.get(r["level"], "low"),
                    "topic": r["topic"], "topic_name": topics[r["topic"]].name if r["topic"] in topics else r["topic"],
                    "settlement": r["settlement"] or "", "n_posts": r["n_posts"], "state": r["state"],
                    "state_name": STATE_NAMES.get(r["state"], r["state"]), "taken_by": r.get("taken_by") or "",
                    "first_at": r["first_at"].astimezone(tz).strftime("%d.%m %H:%M"), "sla": clock})
    return out, len(found)


def filter_options(risks: list[dict], topics: dict) -> dict:
    return {"level": [lv for lv in LEVELS if any(r["level"] == lv for r in risks)],
            "topic": sorted({(r["topic"], topics[r["topic"]].name if r["topic"] in topics else r["topic"])
                             for r in risks}, key=lambda t: t[1]),
            "settlement": sorted({r["settlement"] for r in risks if r["settlement"]}),
            "state": [(s, STATE_NAMES[s]) for s in ("new", "in_work", "answered", "watching", "worked_out",
                                                    "false_alarm")] + [("all", "все, включая закрытые")]}
