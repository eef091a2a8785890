"""Shared fixtures: the tests' data folder and a tiny imported warehouse built once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from segmenta.warehouse.importer import import_shop

DATA = Path(__file__).parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    """The tests keep segmenta's disk cache in a folder of their own, never the user's, removed when
    the process ends (after segmenta's own exit hooks, which may write a last entry to it)."""
    import atexit
    import os
    import tempfile

    if "SEGMENTA_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="segmenta-test-cache-")
        os.environ["SEGMENTA_CACHE_DIR"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # registered first: runs last


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``tests/data``: small shops (``good/*``) and broken ones (``bad/*``)."""
    return DATA


@pytest.fixture(scope="session")
def _tiny_warehouse_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    import_shop(DATA / "good" / "base", db)
    return db


@pytest.fixture
def tiny_warehouse(_tiny_warehouse_master: Path, tmp_path: Path) -> Path:
    """A fresh copy of the warehouse imported from ``tests/data/good/base`` (3 contacts, 3 orders)."""
    db = tmp_path / "shop.duckdb"
    shutil.copyfile(_tiny_warehouse_master, db)
    return db


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A real Postgres server for this session (``tests/postgres_server.py``): the URL of its
    ``postgres`` database. Skipped where the server's programs are missing, except in CI."""
    import os

    from tests.postgres_server import server_bin, throwaway_cluster

    if server_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs the Postgres server programs: .ci/run installs them (postgresql)")
        pytest.skip("no Postgres server programs here (apt-get install postgresql)")
    with throwaway_cluster() as url:
        yield url
