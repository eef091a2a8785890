"""Fixtures of the assistant's tests: the sample shop imported once per session, and its catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from segmenta.assistant.catalog import Catalog
from segmenta.warehouse.importer import import_shop

SPORTS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "sports"


@pytest.fixture(scope="session")
def sports_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample sports shop of ../shared/eval imported into a warehouse (skips when absent)."""
    if not SPORTS.exists():
        pytest.skip(f"the sample shop is not at {SPORTS}")
    db = tmp_path_factory.mktemp("sports") / "sports.duckdb"
    import_shop(SPORTS, db)
    return db


@pytest.fixture(scope="session")
def sports_catalog(sports_db: Path) -> Iterator[Catalog]:
    con = duckdb.connect(str(sports_db), read_only=True)
    try:
        yield Catalog.load(con)
    finally:
        con.close()
