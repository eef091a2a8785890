"""Saved segments in a file of their own beside the warehouse: ``<stem>.segments.duckdb``.

The warehouse is opened read-only by every answer and held open by the chat, so segments kept
inside it could not be saved while a chat was open in another window, and a re-import had to copy
them across. They live in their own small DuckDB file instead (like the shop words in
``<stem>.vocab.toml`` and the conversation in ``<stem>.conversation.json``):

- ``writable(db)`` is the one way to change them: the store's own writer lock, one transaction,
  the file closed at the end. An open chat or a running import of the warehouse does not block it.
- ``register(con, db)`` puts the three tables on a warehouse connection as Arrow views under their
  usual names (``user_segments``, ``user_segment_members``, ``user_segment_history``), read afresh
  when the file changed; ``run_query`` does it for any SQL that names them, so the SQL shown to the
  user is the SQL that ran. Registrations belong to one connection (or cursor), never to the file.
- A warehouse made before the store existed keeps its segments in ``user_*`` tables of its own:
  they are read where they are until the first change, which moves them into the store
  (``migrate``); an import moves them too, before the old file is replaced.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from segmenta.errors import WarehouseError

SEGMENTS = "user_segments"
MEMBERS = "user_segment_members"
HISTORY = "user_segment_history"
TABLES = (SEGMENTS, MEMBERS, HISTORY)

COLUMNS: dict[str, dict[str, str]] = {
    SEGMENTS: {
        "name": "VARCHAR",
        "kind": "VARCHAR",
        "plan": "JSON",
        "request": "VARCHAR",
        "created_at": "TIMESTAMP",
        "as_of": "DATE",
    },
    MEMBERS: {"segment": "VARCHAR", "contact_id": "VARCHAR"},
    HISTORY: {
        "segment": "VARCHAR",
        "as_of": "DATE",
        "size": "BIGINT",
        "recorded_at": "TIMESTAMP",
        "step_counts": "JSON",
    },
}
"""The saved-segment tables' columns, as the validator takes a schema."""

_DDL = (
    f"CREATE TABLE IF NOT EXISTS {SEGMENTS} (name VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, plan JSON, "
    "request VARCHAR, created_at TIMESTAMP, as_of DATE)",
    f"CREATE TABLE IF NOT EXISTS {MEMBERS} (segment VARCHAR NOT NULL, contact_id VARCHAR NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {HISTORY} (segment VARCHAR NOT NULL, as_of DATE NOT NULL, size BIGINT, "
    "recorded_at TIMESTAMP, step_counts JSON)",
)

_cache: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}
_empties: dict[str, Any] = {}


def store_path(db: Path) -> Path:
    """The saved-segments file of a warehouse.

    >>> store_path(Path("/data/shop.duckdb")).name
    'shop.segments.duckdb'
    """
    return db.with_name(db.stem + ".segments.duckdb")


def mentions(sql: str) -> bool:
    """Whether a statement may read the saved-segment tables (a cheap test, before any parsing)."""
    return "user_segment" in sql.lower()


# ---------------------------------------------------------------- writing


@contextmanager
def writable(db: Path, *, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to the store, its tables made sure of, in one transaction.

    The writer lock is the store's own, so the chat holding the warehouse open, or an import
    rebuilding it, never blocks a save. Commits when the block ends; rolls back on any error.

    Raises:
        WarehouseError: another save holds the store for longer than ``wait``, or DuckDB failed.
    """
    from segmenta.warehouse.locks import LOCK_WAIT_S, open_retrying, write_lock

    path, wait = store_path(db), LOCK_WAIT_S if wait is None else wait
    with write_lock(path, "segment save", wait=wait):
        old = None if path.exists() else legacy(db)
        try:
            con = open_retrying(path, read_only=False, wait=wait)
        except WarehouseError as e:
            if "another segmenta" not in str(e):
                raise
            raise WarehouseError(
                f"cannot save segments in {path}: another segmenta is saving segments or reading them, "
                "and kept the file longer than it should: wait a moment and try again; nothing was changed"
            ) from e
        try:
            for ddl in _DDL:
                con.execute(ddl)
            con.execute("BEGIN TRANSACTION")
            try:
                if old:
                    _insert(con, old)
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except duckdb.Error as e:
            raise WarehouseError(f"saving segments in {path} failed: {e}") from e
        finally:
            con.close()
            _cache.pop(path, None)


def migrate(db: Path) -> bool:
    """Move a warehouse's own ``user_*`` segment tables into the store, when the store is not there yet.

    Returns:
        Whether there was anything to move.
    """
    if store_path(db).exists() or not legacy(db):
        return False
    with writable(db):
        pass
    return True


def _insert(con: duckdb.DuckDBPyConnection, tables: dict[str, Any]) -> None:
    for name, table in tables.items():
        cols = ", ".join(f'"{c}"' for c in COLUMNS[name] if c in table.column_names)
        con.register("_incoming", table)
        try:
            con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            con.unregister("_incoming")


def legacy(db: Path) -> dict[str, Any] | None:
    """The segment tables kept inside an older warehouse file, as Arrow tables (None when it has none)."""
    if not db.exists():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        return _legacy_from(con)
    finally:
        con.close()


def _legacy_from(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    if not _has_legacy(con):
        return None
    return {t: con.sql(f"SELECT * FROM main.{t}").to_arrow_table() for t in TABLES}


def _has_legacy(con: duckdb.DuckDBPyConnection) -> bool:
    from segmenta.warehouse.remote import is_remote

    if is_remote(con):  # a server warehouse never had segments of its own
        return False
    rows = con.sql(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        f"AND schema_name = 'main' AND table_name IN ('{SEGMENTS}', '{MEMBERS}', '{HISTORY}')"
    ).fetchall()
    return bool(rows and rows[0][0] == len(TABLES))


# ---------------------------------------------------------------- reading


def tables(db: Path) -> dict[str, Any] | None:
    """The store's three tables as Arrow tables, read again only when the file changed.

    None when there is no store yet (an older warehouse's own tables, if any, are then the ones).
    """
    path = store_path(db)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        _cache.pop(path, None)
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _cache.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    from segmenta.warehouse.locks import open_retrying

    con = open_retrying(path, read_only=True)
    try:
        have = {str(r[0]) for r in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
        out = {t: _read(con, t) if t in have else empty(t) for t in TABLES}
    except duckdb.Error as e:
        raise WarehouseError(f"cannot read the saved segments in {path}: {e}") from e
    finally:
        con.close()
    _cache[path] = (stamp, out)
    return out


def _read(con: duckdb.DuckDBPyConnection, name: str) -> Any:
    return con.sql(f"SELECT {', '.join(COLUMNS[name])} FROM {name}").to_arrow_table()


def empty(name: str) -> Any:
    if name not in _empties:
        con = duckdb.connect()
        try:
            casts = ", ".join(f"NULL::{t} AS {c}" for c, t in COLUMNS[name].items())
            _empties[name] = con.sql(f"SELECT {casts} LIMIT 0").to_arrow_table()
        finally:
            con.close()
    return _empties[name]


def warehouse_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file a warehouse connection (or cursor) has open; None for an in-memory database."""
    rows = con.sql("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def register(con: duckdb.DuckDBPyConnection, db: Path | None = None, *, sql: str | None = None) -> None:
    """Put the saved-segment tables on ``con`` under their usual names, as they are now in the store.

    With no store yet, an older warehouse's own tables serve as they are; with neither, empty
    tables are put there, so SQL naming them still runs (and finds nothing).

    On a server warehouse the tables go into the session as temporary tables (Postgres) or views
    (Spark) under the same names (``ServerConnection.register_saved``), so the SQL shown is the SQL
    that ran there too; ``sql``, when given, limits them to the tables it names (each is copied to
    the server, again only when the store changed).
    """
    from segmenta.warehouse.remote import ServerConnection

    if isinstance(con, ServerConnection):
        found = tables(db or con.anchor) or {t: empty(t) for t in TABLES}
        text = sql.lower() if sql is not None else None
        con.register_saved({t: v for t, v in found.items() if text is None or t in text}, COLUMNS)
        return
    db = db or warehouse_of(con)
    if db is None:
        return
    found = tables(db)
    if found is None:
        if _has_legacy(con):
            return
        found = {t: empty(t) for t in TABLES}
    for name, table in found.items():
        con.register(name, table)


def names(con: duckdb.DuckDBPyConnection, db: Path | None = None) -> list[str]:
    """The saved segments' names, in order: read from the store's cached tables (every request asks,
    so nothing is registered for it), else from an older warehouse's own table."""
    db = db or warehouse_of(con)
    found = tables(db) if db is not None else None
    if found is not None:
        return sorted(str(n) for n in found[SEGMENTS].column("name").to_pylist())
    if not _has_legacy(con):
        return []
    return [str(r[0]) for r in con.sql(f"SELECT name FROM main.{SEGMENTS} ORDER BY name").fetchall()]


def definitions(db: Path) -> dict[str, tuple[str, str | None]]:
    """Every saved segment's kind and Plan (as JSON; None for a snapshot without one), by name."""
    found = tables(db) or legacy(db)
    if not found:
        return {}
    t = found[SEGMENTS]
    return {
        str(n): (str(k), None if p is None else str(p))
        for n, k, p in zip(
            t.column("name").to_pylist(),
            t.column("kind").to_pylist(),
            t.column("plan").to_pylist(),
            strict=True,
        )
    }
