"""Functional fixtures: the demo week replayed once per session into its own database of the session engine."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_db(chdb_root, models_dir, kit, tmp_path_factory):
    """(dsn, risks): the demo week with a known risk workflow over its alerts (tests/functional/demo_db.py)."""
    from pipeline.cli import main
    from storage.clickhouse import ClickHouseStore
    from tests.functional.demo_db import write_risks

    dsn = f"chdb://{chdb_root}?database=demo_week"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DOZOR_DATA_DIR", str(tmp_path_factory.mktemp("demo-data")))
        mp.setenv("DOZOR_MODELS_DIR", str(models_dir))
        assert main(["demo", "--db", dsn]) == 0
    store = ClickHouseStore.connect(dsn)
    return dsn, write_risks(store)
