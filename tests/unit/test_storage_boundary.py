"""All SQL lives in storage/ (issue 17): nothing else talks to the ClickHouse driver. The other packages call
the store's methods and the functions of storage/queries.py, storage/risks.py."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "classifiers", "collectors", "alerting", "analytics", "pipeline")
DRIVER_CALL = re.compile(r"\.client\.(query|insert|command)\b|\bget_client\(|\bimport clickhouse_connect\b")


def driver_calls(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    found = []
    for top in packages:
        for path in sorted((root / top).rglob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if DRIVER_CALL.search(line):
                    found.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    return found


def test_no_driver_call_outside_storage() -> None:
    assert driver_calls() == []


def test_the_check_sees_a_driver_call(tmp_path: Path) -> None:
    (tmp_path / "alerting").mkdir()
    (tmp_path / "alerting" / "probe.py").write_text(
        'rows = store.client.query("SELECT 1")\nstore.client.insert("t", [], column_names=())\n'
        'store.query_dicts("SELECT 1")\n', encoding="utf-8")
    assert [f.split(": ")[0] for f in driver_calls(tmp_path, ("alerting",))] == ["alerting/probe.py:1",
                                                                                "alerting/probe.py:2"]
