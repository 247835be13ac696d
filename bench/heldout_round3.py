"""Issue 14, third round of held-out weeks (split `test5`: test-5..test-7), allocated after every earlier week.

Built from what the first twelve weeks left: their rows, sporadic posts and random streams are untouched (these
weeks draw from their own seeds after the earlier allocation is done), so the earlier weeks stay byte-identical.
  * Incidents: spb-appeals rows of the latest month (2021-03) that no week used, grouped by the portal's reason,
    only reasons that were never an incident anywhere (nor the reason of a citizens' follow-up pool, dev-7/8's
    source); 6-8 per week, 3-8 posts each, a reason at most once per week (the reasons are few, so one reason may
    be an incident in two of these weeks, with different rows).
  * One «other»-topic burst per week: complaint tweets about a bank that was never an incident (sentirueval; the
    portal month has no «other» reason left), tweets no week used; each week a different bank.
  * Sporadic posts: unused rows of the same month, reasons not among the week's incidents, <= 2 per reason.
  * Chatter: RuSentiment's held-out tail, as the test weeks.
Nobody reads or runs these weeks while the rule is changed: the lead runs them once, at the end
(`python bench/bench_heldout.py --split test5`).
"""
from __future__ import annotations

import random
from collections.abc import Callable

# name, split, seed, Monday the week starts (heating season, after every earlier week)
ROUND3 = (("test-5", "test5", 2405, "2026-11-16"), ("test-6", "test5", 2406, "2026-11-23"),
          ("test-7", "test5", 2407, "2026-11-30"))
SEED = 143


def allocate_round3(complaints: list[dict], allocation: dict, other_pools: list[list[dict]],
                    text_key: Callable[[str], str]) -> dict[str, tuple[list[list[dict]], list[dict]]]:
    """Incidents and sporadic rows of the ROUND3 weeks from rows and reasons `allocation` (every earlier week)
    and `other_pools` (load_other_source's pools) left unused as incidents."""
    rng = random.Random(SEED)
    used = {text_key(c["text"]) for inc, spo in allocation.values() for c in [*spo, *(r for i in inc for r in i)]}
    seen_reasons = {i[0]["reason"] for inc, _spo in allocation.values() for i in inc}
    seen_reasons |= {p[0]["reason"].split(": ", 1)[1] for p in other_pools if p[0]["origin"] == "spb-answers followup"}
    by_reason: dict[str, list[dict]] = {}
    for c in complaints:
        if c["origin"] == "spb-appeals" and text_key(c["text"]) not in used:
            by_reason.setdefault(c["reason"], []).append(c)
    for rows in by_reason.values():
        rng.shuffle(rows)
    reasons = sorted(r for r, rows in by_reason.items()
                     if len(rows) >= 3 and r not in seen_reasons and not r.startswith("Предложени"))
    rng.shuffle(reasons)
    incident_keys = {text_key(r["text"]) for inc, _spo in allocation.values() for i in inc for r in i}
    banks = [[c for c in p if text_key(c["text"]) not in used] for p in other_pools
             if p[0]["origin"] == "sentirueval" and p[0]["topic"] == "other"
             and not any(text_key(c["text"]) in incident_keys for c in p)]
    banks = [b for b in banks if len(b) >= 3]
    rng.shuffle(banks)
    uses: dict[str, int] = {}
    out: dict[str, tuple[list[list[dict]], list[dict]]] = {}
    for k, (name, _split, seed, _start) in enumerate(ROUND3):
        wrng = random.Random(seed)
        incidents, week_reasons = [], set()
        for _ in range(wrng.randint(6, 8)):
            n = wrng.randint(3, 8)
            fits = [r for r in reasons if r not in week_reasons and len(by_reason[r]) >= 3]
            if not fits:
                break
            reason = min(fits, key=lambda r: (uses.get(r, 0), len(by_reason[r]) < n))
            uses[reason] = uses.get(reason, 0) + 1
            week_reasons.add(reason)
            incidents.append([by_reason[reason].pop() for _ in range(min(n, len(by_reason[reason])))])
        if k < len(banks):
            bank = banks[k]
            incidents.append([bank.pop() for _ in range(min(wrng.randint(3, 8), len(bank)))])
        wrng.shuffle(incidents)
        out[name] = (incidents, [])
    for name, _split, seed, _start in ROUND3:
        wrng = random.Random(seed + 1)
        incidents = out[name][0]
        week_reasons = {i[0]["reason"] for i in incidents}
        out[name] = (incidents, draw_sporadic(by_reason, week_reasons, wrng))
    return out


def draw_sporadic(by_reason: dict[str, list], week_reasons: set, wrng: random.Random) -> list[dict]:
    """A week's one-off complaints: 20-40 rows of reasons that are no incident of the week, at most two per
    reason; the rows drawn leave by_reason."""
    sporadic, per_reason = [], {}
    pool = [c for r in sorted(by_reason) if r not in week_reasons for c in by_reason[r]]
    wrng.shuffle(pool)
    target = wrng.randint(20, 40)
    for c in pool:
        if len(sporadic) >= target:
            break
        if per_reason.get(c["reason"], 0) < 2:
            per_reason[c["reason"]] = per_reason.get(c["reason"], 0) + 1
            sporadic.append(c)
            by_reason[c["reason"]].remove(c)
    return sporadic
