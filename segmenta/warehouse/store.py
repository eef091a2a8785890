"""Where a warehouse lives, and how it is opened: writable for imports, read-only for answers.

Every answer runs on a read-only connection with external access disabled (no files, no
network, no extensions) and a time limit, so even SQL that slipped past the validator could
neither write nor read anything outside the warehouse.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import duckdb
import platformdirs

from segmenta.errors import QueryError, WarehouseError
from segmenta.warehouse.schema import SCHEMA_VERSION, schema_version

ENV_DB = "SEGMENTA_DB"
DEFAULT_TIMEOUT_S = 30.0


def default_db_path() -> Path:
    """``$SEGMENTA_DB`` when set, else ``warehouse.duckdb`` in the user's data folder."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("segmenta", appauthor=False)) / "warehouse.duckdb"


def resolve_db(db: Path | str | None) -> Path:
    """The warehouse path a command should use: the one given, else the default."""
    return Path(db).expanduser() if db else default_db_path()


def config_path(db: Path) -> Path:
    """The TOML config that sits beside a warehouse (``shop.duckdb`` -> ``shop.toml``)."""
    return db.with_name(db.stem + ".toml")


def state_path(db: Path) -> Path:
    """The file beside a warehouse that keeps the last conversation (for ``ask --continue``)."""
    return db.with_name(db.stem + ".conversation.json")


def connect_readonly(db: Path) -> duckdb.DuckDBPyConnection:
    """Open an existing warehouse read-only, with external access disabled and the config locked."""
    if not db.exists():
        raise WarehouseError(f"no warehouse at {db}: run `segmenta demo` or `segmenta import DIR` first")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:
        raise WarehouseError(f"cannot open the warehouse {db}: {e}") from e
    version = schema_version(con)
    if version is None:
        con.close()
        raise WarehouseError(f"{db} is not a segmenta warehouse (no schema version)")
    if version != SCHEMA_VERSION:
        con.close()
        raise WarehouseError(
            f"{db} has schema version {version}, this segmenta reads version {SCHEMA_VERSION}: "
            "import the shop again"
        )
    # DuckDB shares one instance per file within a process: a second connection finds it locked already
    locked = con.execute("SELECT current_setting('lock_configuration')").fetchone()
    if not (locked and locked[0]):
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


def run_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one statement with a time limit; returns (column names, rows).

    DuckDB has no statement timeout, so a timer interrupts the connection when time runs out.
    """
    timer = threading.Timer(timeout, con.interrupt)
    timer.start()
    try:
        cur = con.execute(sql, params or [])
        rows = cur.fetchall()
        cols = [d[0] for d in (cur.description or [])]
    except duckdb.InterruptException as e:
        raise QueryError(f"the query took longer than {timeout:g} s and was stopped") from e
    except duckdb.Error as e:
        raise QueryError(f"the query failed: {e}") from e
    finally:
        timer.cancel()
    return cols, rows
