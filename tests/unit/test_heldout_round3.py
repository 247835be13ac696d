"""The third round of held-out weeks (bench/heldout_round3.py) takes only what earlier weeks left: never an earlier
incident's reason, nor a row any week used; one «other» burst of a bank no week had as an incident. Synthetic rows."""
from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "heldout_round3", Path(__file__).resolve().parents[2] / "bench" / "heldout_round3.py")
round3 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(round3)


def key(text: str) -> str:
    return text.lower()


def rows(reason: str, n: int, topic: str = "housing") -> list[dict]:
    return [{"text": f"{reason} жалоба номер {i}", "reason": reason, "topic": topic, "origin": "spb-appeals"}
            for i in range(n)]


def test_round3_uses_no_earlier_reason_or_row_and_one_new_bank_per_week():
    fresh = [r for k in range(12) for r in rows(f"причина {k}", 20)]
    old = rows("старая причина", 20)
    complaints = fresh + old
    allocation = {"dev-1": ([old[:3]], [fresh[0]])}                  # an incident reason and a used sporadic row
    banks = [[{"text": f"банк {b} твит {i}", "reason": f"жалобы на {b}", "topic": "other", "origin": "sentirueval"}
              for i in range(6)] for b in ("alpha", "beta", "gamma", "delta")]
    allocation["dev-8"] = ([banks[0][:3]], [])                       # alpha was an incident: never again
    followups = [[{"text": "повтор 1", "reason": "повторное обращение: причина 11", "origin": "spb-answers followup",
                   "topic": "housing"}] * 3]
    out = round3.allocate_round3(complaints, allocation, banks + followups, key)
    assert sorted(out) == ["test-5", "test-6", "test-7"]
    used = [r["text"] for incidents, sporadic in out.values() for r in [*sporadic, *(r for i in incidents for r in i)]]
    assert len(used) == len(set(used)) and fresh[0]["text"] not in used
    for incidents, sporadic in out.values():
        reasons = [i[0]["reason"] for i in incidents]
        assert len(reasons) == len(set(reasons)) and 7 <= len(incidents) <= 9
        assert "старая причина" not in reasons and "причина 11" not in reasons      # earlier incident, follow-up
        assert sum(r.startswith("жалобы на") for r in reasons) == 1 and "жалобы на alpha" not in reasons
        assert all(3 <= len(i) <= 8 for i in incidents)
        assert not {s["reason"] for s in sporadic} & set(reasons)
