"""«Слабые места» for the digest (issue 19, the decree's 2.2.4): what the organisations did with citizens' appeals over
the last APPEAL_DAYS days — answer times against deadlines, «решено» vs «разъяснение» / «отписка», repeat appeals,
returned answers, satisfaction — gathered from cookbook queries 17-21, and the organisations to look at first.

    spots = gather_weak_spots(book, scope)        # scope: analytics.digest.Scope (as_of); None when no appeals
    spots.orgs                                    # one row per organisation, weakest first

Pure gathering; the words are in analytics/templates/digest/weak_spots.html.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

APPEAL_DAYS = 30            # appeals are slower than posts: the section looks back a month whatever the period
IN_TIME_BELOW = 0.8         # an organisation is flagged below this share of answers in time ...
UNRESOLVED_FROM = 0.5       # ... or from this share of «разъяснение» + «отписка» among its answers,
RETURNED_FROM = 0.3         # ... or from this share of answers returned (rated «не удовлетворён», repeat appeals)
FIRST = 3                   # how many flagged organisations the section names to look at first


@dataclass(frozen=True)
class WeakSpots:
    days: int
    totals: dict                   # appeals, answered, in_time, late, overdue, waiting, resolved, unresolved, repeats
    orgs: pd.DataFrame             # org, appeals, in_time, late, overdue, answered, resolved_share, unresolved_share,
                                   # returned, returned_share, satisfaction (None: no evidence), reasons (codes
                                   # of what flags it: overdue, late, unresolved, returned), weight
    repeats: pd.DataFrame          # 19_repeat_appeals
    topics: pd.DataFrame           # 21_satisfaction rows of scope «тема» with evidence, lowest satisfaction first

    @property
    def flagged(self) -> pd.DataFrame:
        """The FIRST weakest organisations that a threshold flags."""
        return self.orgs[self.orgs.reasons.map(bool)].head(FIRST)


def _reasons(row) -> list[str]:
    flags = []
    if row.overdue:
        flags.append("overdue")
    if pd.notna(row.in_time_share) and row.in_time_share < IN_TIME_BELOW:
        flags.append("late")
    if row.answered and row.unresolved_share >= UNRESOLVED_FROM:
        flags.append("unresolved")
    if row.answered and row.returned_share >= RETURNED_FROM:
        flags.append("returned")
    return flags


def organisations(deadlines: pd.DataFrame, verdicts: pd.DataFrame, returned: pd.DataFrame,
                  satisfaction: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation from the four queries, the weakest first (overdue + late + returned answers)."""
    v = verdicts.groupby("org")[["answered", "resolved", "explained", "formal"]].sum()
    v = v.assign(resolved_share=v.resolved / v.answered, unresolved_share=(v.explained + v.formal) / v.answered)
    r = returned.set_index("org")[["returned", "returned_share"]]
    s = satisfaction[satisfaction.scope == "организация"].set_index("name")[["satisfaction"]]
    orgs = (deadlines.set_index("org")[["appeals", "in_time", "late", "overdue", "waiting", "in_time_share"]]
            .join(v[["answered", "resolved_share", "unresolved_share"]], how="left")
            .join(r, how="left").join(s, how="left"))
    orgs[["answered", "returned"]] = orgs[["answered", "returned"]].fillna(0).astype(int)
    orgs["returned_share"] = orgs.returned_share.fillna(0.0)
    orgs["resolved_share"] = orgs.resolved_share.fillna(0.0)
    orgs["unresolved_share"] = orgs.unresolved_share.fillna(0.0)
    orgs["weight"] = orgs.overdue + orgs.late + orgs.returned
    orgs = orgs.reset_index().rename(columns={"index": "org"})
    orgs["reasons"] = [_reasons(row) for row in orgs.itertuples()]
    orgs["satisfaction"] = orgs.satisfaction.astype(object).where(orgs.satisfaction.notna(), None)
    return orgs.sort_values(["weight", "appeals", "org"], ascending=[False, False, True]).reset_index(drop=True)


def gather_weak_spots(book, scope) -> WeakSpots | None:
    common = {"as_of": scope.as_of, "days": APPEAL_DAYS}
    deadlines = book.run("appeal_deadlines", **common)
    if deadlines.empty:
        return None
    verdicts = book.run("appeal_verdicts", **common)
    repeats = book.run("repeat_appeals", **common)
    satisfaction = book.run("satisfaction", **common)
    orgs = organisations(deadlines, verdicts, book.run("returned_answers", **common), satisfaction)
    totals = {c: int(deadlines[c].sum()) for c in ("appeals", "answered", "in_time", "late", "overdue", "waiting")}
    totals.update(resolved=int(verdicts.resolved.sum()), unresolved=int((verdicts.explained + verdicts.formal).sum()),
                  redirected=int(verdicts.redirected.sum()), repeats=len(repeats))
    topics = satisfaction[(satisfaction.scope == "тема") & satisfaction.satisfaction.notna()].reset_index(drop=True)
    return WeakSpots(days=APPEAL_DAYS, totals=totals, orgs=orgs, repeats=repeats, topics=topics)
