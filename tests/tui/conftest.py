"""Fixtures of the chat tests: the sports shop imported once per session, a fixed as-of date,
a writable copy of it for the tests that save segments, and a cursor that does not blink (so
snapshots are stable)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from segmenta.tui.widgets.prompt import PromptInput
from segmenta.warehouse.importer import import_shop

SPORTS = Path("/work/shared/eval/sports")
AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="session")
def sports_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sports shop's warehouse (read-only in every test, so one copy serves all)."""
    if not SPORTS.exists():
        pytest.skip(f"the sports shop is not at {SPORTS}")
    db = tmp_path_factory.mktemp("sports") / "sports.duckdb"
    import_shop(SPORTS, db)
    return db


@pytest.fixture
def shop_db(sports_db: Path, tmp_path: Path) -> Path:
    """A copy of the sports shop that a test may write to (saved segments), with its catalog cache."""
    db = tmp_path / "shop.duckdb"
    shutil.copy(sports_db, db)
    cache = sports_db.with_name(sports_db.stem + ".catalog.json")
    if cache.exists():
        shutil.copy(cache, db.with_name("shop.catalog.json"))
    return db


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(PromptInput, "BLINK", False)
    yield


@pytest.fixture(autouse=True)
def _fresh_conversation(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each chat test starts with no conversation left by an earlier one (a restart goes on from it)."""
    from segmenta.warehouse.store import state_path

    for name in ("sports_db", "shop_db"):
        if name in request.fixturenames:
            state_path(request.getfixturevalue(name)).unlink(missing_ok=True)
    yield
