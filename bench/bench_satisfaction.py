"""Satisfaction on real outcomes (issue 19): the city portal's 6,400 reports with their answers imported into a
scratch register (`dozor appeals import`'s composition), then the cookbook's appeal queries run on it — whether the
verdicts mean something (22_verdict_outcomes), satisfaction per organisation and topic (21_satisfaction), returned
answers (20_returned_answers), answer times against the portal's deadlines (17_appeal_deadlines).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_satisfaction.py     # -> bench/results/satisfaction.json

Reads ../shared/datasets/spb-answers/answers.jsonl (texts stay in the scratch database under /tmp, removed after).
Evidence on the portal: «Завершено: Пользователь удовлетворен…» / the citizen's `closed_as_satisfied` -> satisfied;
a `repeat_petition` («Не удовлетворён», the citizen wrote again) -> returned; «Завершено: Автоматически» -> no
evidence. The portal gives no addresses, so the register's own repeat detection (same building) finds few repeats
here as a building; it falls back to the settlement, and our district's gazetteer finds spurious «settlements» in
St Petersburg texts, so its links are counted (`repeat_links_by_settlement`, `..._with_detector_repeats`) and then
dropped: the figures quoted use the citizens' own marks only (satisfied / repeat petition / no evidence).
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.queries import Cookbook  # noqa: E402
from classifiers.answer_quality import AnswerModel  # noqa: E402
from collectors.appeals import read_appeals  # noqa: E402
from core.settings import Settings  # noqa: E402
from pipeline.appeals import import_appeals  # noqa: E402
from pipeline.kit import load_kit  # noqa: E402
from storage.appeals import AppealStore  # noqa: E402
from storage.clickhouse import open_store  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "spb-answers" / "answers.jsonl"
OUT = ROOT / "bench" / "results" / "satisfaction.json"
AS_OF = datetime(2021, 4, 25, tzinfo=timezone.utc)        # the crawl
DAYS = 400                                                 # every report (2020-10-18 ... 2021-03-29)
MIN_ANSWERED = 40                                          # organisations and topics with fewer are not ranked


def records(df) -> list[dict]:
    return json.loads(df.to_json(orient="records", force_ascii=False))


def main() -> None:
    started = time.monotonic()
    settings = Settings()
    scratch = Path(tempfile.mkdtemp(prefix="dozor-satisfaction-"))
    try:
        store = open_store(settings, f"chdb://{scratch / 'clickhouse'}")
        items = read_appeals(DATA, "portal-jsonl", "pos", ZoneInfo(settings.timezone))
        summary = import_appeals(items, store, load_kit(settings), AnswerModel.load(), settings, "spb-answers")
        book = Cookbook(store)
        window = {"as_of": AS_OF, "days": DAYS}
        with_links = book.run("verdict_outcomes", **window)
        register = AppealStore(store)
        places = register.repeats_by_settlement(5)
        register.clear_links()                                   # the citizens' own marks only, below
        outcomes = book.run("verdict_outcomes", **window)
        satisfaction = book.run("satisfaction", **window)
        returned = book.run("returned_answers", **window)
        deadlines = book.run("appeal_deadlines", **window)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    ranked = satisfaction[(satisfaction.answered >= MIN_ANSWERED) & satisfaction.satisfaction.notna()]
    result = {
        "data": "spb-answers/answers.jsonl (6,400 city-portal reports, 2020-10-18 .. 2021-03-29)",
        "as_of": AS_OF.isoformat(), "days": DAYS,
        "import": {"appeals": summary.new, "answers": summary.answers, "dead": summary.dead,
                   "repeats_found": summary.repeats, "verdicts": summary.verdicts},
        "repeat_links_by_settlement": places,
        "verdict_outcomes_with_detector_repeats": records(with_links),
        "verdict_outcomes": records(outcomes),
        "satisfaction_by_topic": records(ranked[ranked.scope == "тема"]),
        "satisfaction_by_org_lowest": records(ranked[ranked.scope == "организация"].head(10)),
        "satisfaction_by_org_highest": records(ranked[ranked.scope == "организация"].tail(10)),
        "returned_most": records(returned[returned.answered >= MIN_ANSWERED].head(10)),
        "deadlines_totals": {c: int(deadlines[c].sum()) for c in ("appeals", "answered", "in_time", "late",
                                                                   "overdue", "waiting")},
        "seconds": round(time.monotonic() - started, 1),
    }
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(outcomes.to_string())
    print(ranked[ranked.scope == "тема"].to_string())
    print(f"-> {OUT.relative_to(ROOT)} in {result['seconds']} s")


if __name__ == "__main__":
    main()
