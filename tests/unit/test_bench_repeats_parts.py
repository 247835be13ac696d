"""bench/bench_repeats.py scores only the tuning parts unless a held-out part is named with --heldout: a part being
drawn and read (test7) must not be scored by a default run. Rows we write."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))                       # bench_repeats imports repeats_sample beside it
_spec = importlib.util.spec_from_file_location("bench_repeats", BENCH / "bench_repeats.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
sys.path.remove(str(BENCH))


def test_a_default_run_reads_only_the_tuning_parts(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("earlier_id,later_id,kind,days,part\n1,2,same_reason,3,dev\n3,4,same_reason,5,test7\n"
                     "5,6,same_reason,7,test6\n", encoding="utf-8")
    args = bench.arguments([])
    assert args.parts == list(bench.PARTS) and args.heldout is None and "test7" not in bench.PARTS
    assert [p["part"] for p in bench.read_pairs(pairs, set(args.parts))] == ["dev", "test6"]
    named = bench.arguments(["--parts", "dev", "--heldout", "test7"])
    assert [p["part"] for p in bench.read_pairs(pairs, {*named.parts, named.heldout})] == ["dev", "test7"]


@pytest.mark.parametrize("argv", [["--parts", "dev,test7"], ["--heldout", "test6"]])
def test_a_held_out_part_is_no_tuning_part(argv):
    with pytest.raises(SystemExit):
        bench.arguments(argv)


def test_test7_is_held_out_from_a_default_run(tmp_path):
    """test7 (drawn while test6 is tuned on) is no tuning part: a default run drops it; only --heldout reads it."""
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("earlier_id,later_id,kind,days,part\n1,2,same_reason,3,dev\n7,8,same_reason,4,test7\n",
                     encoding="utf-8")
    assert "test7" not in bench.PARTS
    assert [p["part"] for p in bench.read_pairs(pairs, set(bench.arguments([]).parts))] == ["dev"]
    named = bench.arguments(["--heldout", "test7"])
    assert [p["part"] for p in bench.read_pairs(pairs, {*named.parts, named.heldout})] == ["dev", "test7"]


def test_only_a_two_reader_disagreement_goes_unscored():
    """Review fix: a single-reader part's pair with no label is a hole in the labels and must raise, not vanish."""
    labels = {("1", "2"): 1}
    dev_hole = {"earlier_id": "3", "later_id": "4", "kind": "same_reason", "days": "5", "part": "dev"}
    disagreed = dict(dev_hole, part="test5")
    assert not bench.no_gold(dev_hole, labels)
    with pytest.raises(KeyError):
        bench.gold(dev_hole, labels)
    assert bench.no_gold(disagreed, labels)
    assert not bench.no_gold(dict(disagreed, earlier_id="1", later_id="2"), labels)
    assert not bench.no_gold(dict(disagreed, kind="other_place"), labels)      # gold 0 by its kind
