"""Shared fixtures: the tests' data folder and a tiny imported warehouse built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from segmenta.warehouse.importer import import_shop

DATA = Path(__file__).parent / "data"


_OWN_CACHE: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """The tests keep segmenta's disk cache in a folder of their own, never the user's."""
    import os
    import tempfile

    if "SEGMENTA_CACHE_DIR" not in os.environ:
        _OWN_CACHE.append(tempfile.mkdtemp(prefix="segmenta-test-cache-"))
        os.environ["SEGMENTA_CACHE_DIR"] = _OWN_CACHE[-1]


def pytest_unconfigure(config: pytest.Config) -> None:
    """The session's own cache folder goes with it (it holds a 30 MB dictionary file)."""
    for folder in _OWN_CACHE:
        shutil.rmtree(folder, ignore_errors=True)


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
