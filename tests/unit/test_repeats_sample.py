"""The sixth held-out draw of repeat pairs (bench/repeats_sample.py, sixth_sample): never a pair of an earlier part,
the per-building cap raised only as far as the declared minimum needs, deterministic. Synthetic pairs."""
from __future__ import annotations

import importlib.util
import random
from collections import Counter
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "repeats_sample", Path(__file__).resolve().parents[2] / "bench" / "repeats_sample.py")
sampler = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sampler)


def report(n: int) -> dict:
    return {"id": str(3000000 + n), "created_dt": f"2020-11-{1 + n % 28:02d}T10:00:00"}


def pool(buildings: int, per_building: int, start: int = 0) -> list[tuple[str, dict, dict]]:
    out, n = [], start
    for b in range(buildings):
        for _ in range(per_building):
            out.append((f"дом {b}", report(n), report(n + 1)))
            n += 2
    return out


def test_no_earlier_pair_and_the_cap_of_ten_when_the_pool_allows():
    found = {"same_reason": pool(20, 12), "other_reason": pool(30, 4, start=5000)}
    taken = [{"earlier_id": a["id"], "later_id": b["id"]} for _, a, b in found["same_reason"][:40]]
    rows = sampler.sixth_sample(found, taken, random.Random(41))
    kinds = Counter(r["kind"] for r in rows)
    assert kinds == {"same_reason": sampler.SAME6, "other_reason": 45}
    assert not {(r["earlier_id"], r["later_id"]) for r in rows} & {(t["earlier_id"], t["later_id"]) for t in taken}
    assert {r["part"] for r in rows} == {"test6"}
    place = {(a["id"], b["id"]): p for p, a, b in found["same_reason"] + found["other_reason"]}
    per = Counter((r["kind"], place[(r["earlier_id"], r["later_id"])]) for r in rows)
    assert max(v for (k, _), v in per.items() if k == "same_reason") == sampler.CAP5
    assert max(v for (k, _), v in per.items() if k == "other_reason") == sampler.CAP
    assert rows == sampler.sixth_sample(found, taken, random.Random(41))


def test_the_cap_rises_when_ten_a_building_is_too_few():
    found = {"same_reason": pool(8, 20), "other_reason": pool(30, 4, start=5000)}   # 80 at 10, 120 at 15
    rows = sampler.sixth_sample(found, [], random.Random(41))
    same = [r for r in rows if r["kind"] == "same_reason"]
    assert sampler.MIN_SAME6 <= len(same) <= 120
    place = {(a["id"], b["id"]): p for p, a, b in found["same_reason"]}
    assert max(Counter(place[(r["earlier_id"], r["later_id"])] for r in same).values()) == 15


def test_a_small_pool_is_taken_whole():
    found = {"same_reason": pool(2, 20), "other_reason": pool(30, 4, start=5000)}   # 40 pairs, under 105 at any cap
    rows = sampler.sixth_sample(found, [], random.Random(41))
    assert sum(r["kind"] == "same_reason" for r in rows) == 40


def test_seventh_takes_no_pair_of_test6_and_raises_the_cap_to_reach_its_minimum():
    found = {"same_reason": pool(7, 40), "other_reason": pool(30, 4, start=5000)}   # test6 takes 15 a building; then 20
    sixth = sampler.sixth_sample(found, [], random.Random(41))
    rows = sampler.seventh_sample(found, sixth, random.Random(43))
    assert not {(r["earlier_id"], r["later_id"]) for r in rows} & {(t["earlier_id"], t["later_id"]) for t in sixth}
    assert {r["part"] for r in rows} == {"test7"}
    kinds = Counter(r["kind"] for r in rows)
    assert kinds["other_reason"] == 40 and sampler.MIN_SAME7 <= kinds["same_reason"] <= sampler.SAME7
    left = Counter(p for p, a, b in found["same_reason"]
                   if (a["id"], b["id"]) not in {(t["earlier_id"], t["later_id"]) for t in sixth})
    place = {(a["id"], b["id"]): p for p, a, b in found["same_reason"]}
    per = Counter(place[(r["earlier_id"], r["later_id"])] for r in rows if r["kind"] == "same_reason")
    assert max(per.values()) == 20 and all(per[p] == min(n, 20) for p, n in left.items())     # one cap, raised to 20
    assert rows == sampler.seventh_sample(found, sixth, random.Random(43))


def test_seventh_keeps_the_cap_of_ten_when_the_pool_allows():
    found = {"same_reason": pool(20, 12), "other_reason": pool(30, 4, start=5000)}
    rows = sampler.seventh_sample(found, [], random.Random(43))
    same = [r for r in rows if r["kind"] == "same_reason"]
    assert len(same) == sampler.SAME7
    place = {(a["id"], b["id"]): p for p, a, b in found["same_reason"]}
    assert max(Counter(place[(r["earlier_id"], r["later_id"])] for r in same).values()) == sampler.CAP5
