"""The digest's «Слабые места»: organisations from the four appeal queries, the weakest first, with the reasons that
flag them (a small table we made up)."""
from __future__ import annotations

import pandas as pd

from analytics.weak_spots import organisations

DEADLINES = pd.DataFrame({"org": ["Водоканал", "ДРСУ", "РЭС"], "appeals": [6, 4, 2], "answered": [4, 4, 2],
                          "in_time": [2, 4, 2], "late": [2, 0, 0], "overdue": [1, 0, 0], "waiting": [1, 0, 0],
                          "in_time_share": [0.4, 1.0, 1.0], "median_days": [9.0, 3.0, 1.0]})
VERDICTS = pd.DataFrame({"org": ["Водоканал", "Водоканал", "ДРСУ", "РЭС"], "topic": ["water", "emergency", "roads",
                         "power"], "answered": [3, 1, 4, 2], "resolved": [1, 1, 1, 2], "explained": [1, 0, 1, 0],
                         "formal": [1, 0, 1, 0], "redirected": [0, 0, 1, 0]})
RETURNED = pd.DataFrame({"org": ["ДРСУ"], "answered": [4], "returned": [2], "by_citizen": [1], "by_repeat": [1],
                         "returned_share": [0.5]})
SATISFACTION = pd.DataFrame({"scope": ["организация", "организация", "тема"], "name": ["ДРСУ", "РЭС", "roads"],
                             "satisfaction": [0.25, float("nan"), 0.25]})


def test_organisations_weakest_first_with_reasons():
    got = organisations(DEADLINES, VERDICTS, RETURNED, SATISFACTION)
    assert list(got.org) == ["Водоканал", "ДРСУ", "РЭС"]                      # weight: 3, 2, 0
    rows = {r.org: r for r in got.itertuples()}
    assert rows["Водоканал"].reasons == ["overdue", "late", "unresolved"]    # 2 of 4: from 0.5 on
    assert rows["Водоканал"].unresolved_share == 0.5 and rows["Водоканал"].resolved_share == 0.5
    assert rows["ДРСУ"].reasons == ["unresolved", "returned"] and rows["ДРСУ"].satisfaction == 0.25
    assert rows["РЭС"].reasons == [] and rows["РЭС"].satisfaction is None and rows["РЭС"].returned == 0
