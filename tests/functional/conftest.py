"""Functional fixtures: the demo week replayed once per session into its own database of the session engine."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_db(chdb_root, models_dir, kit, tmp_path_factory):
    """(dsn, sample): the demo week with its risk workflow; sample = True when the demo left the risk tables
    empty and the fixture wrote the known sample workflow of tests/functional/demo_db.py instead."""
    from pipeline.commands import main
    from storage.clickhouse import ClickHouseStore
    from tests.functional.demo_db import fill_risks

    dsn = f"chdb://{chdb_root}?database=demo_week"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DOZOR_DATA_DIR", str(tmp_path_factory.mktemp("demo-data")))
        mp.setenv("DOZOR_MODELS_DIR", str(models_dir))
        assert main(["demo", "--db", dsn]) == 0
    store = ClickHouseStore.connect(dsn)
    return dsn, fill_risks(store)


@pytest.fixture(scope="session")
def sample_db(demo_db, chdb_root):
    """The demo week's posts and stories copied into a database of their own, with the known sample risk
    workflow of tests/functional/demo_db.py (answers, verdicts, a reopened story, a false alarm)."""
    from storage.clickhouse import ClickHouseStore
    from tests.functional.demo_db import write_risks

    dsn = f"chdb://{chdb_root}?database=demo_sample"
    store = ClickHouseStore.connect(dsn)
    store.migrate()
    for table in ("posts", "alerts", "dead_letters", "appeals", "appeal_answers", "appeal_events", "appeal_links"):
        store.client.command(f"INSERT INTO {table} SELECT * FROM demo_week.{table}")
    write_risks(store)
    return dsn
