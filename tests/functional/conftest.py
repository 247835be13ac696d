"""Functional fixtures: the demo week replayed once per session into its own database of the session engine."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_db(chdb_root, models_dir, kit, tmp_path_factory):
    """(dsn, sample): the demo week with its risk workflow; sample = True when the demo left the risk tables
    empty and the fixture wrote the known sample workflow of tests/functional/demo_db.py instead."""
    from pipeline.cli import main
    from storage.clickhouse import ClickHouseStore
    from tests.functional.demo_db import fill_risks

    dsn = f"chdb://{chdb_root}?database=demo_week"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DOZOR_DATA_DIR", str(tmp_path_factory.mktemp("demo-data")))
        mp.setenv("DOZOR_MODELS_DIR", str(models_dir))
        assert main(["demo", "--db", dsn]) == 0
    store = ClickHouseStore.connect(dsn)
    return dsn, fill_risks(store)
