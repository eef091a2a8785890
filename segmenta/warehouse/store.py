"""Where a warehouse lives, and how it is opened: writable for imports, read-only for answers.

Every answer runs on a read-only connection with external access disabled (no files, no
network, no extensions) and a time limit, so even SQL that slipped past the validator could
neither write nor read anything outside the warehouse.
"""

from __future__ import annotations

import contextvars
import os
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import platformdirs

from segmenta.errors import QueryError, SegmentaError, WarehouseError, say
from segmenta.warehouse import remote
from segmenta.warehouse.locks import LOCK_WAIT_S as LOCK_WAIT_S  # re-exported: store.LOCK_WAIT_S
from segmenta.warehouse.locks import open_retrying as open_retrying  # re-exported
from segmenta.warehouse.paths import config_path as config_path  # re-exported: store.config_path
from segmenta.warehouse.schema import SCHEMA_VERSION, schema_version

ENV_DB = "SEGMENTA_DB"
DEFAULT_TIMEOUT_S = 30.0
MAX_ROWS = 1_000_000
"""The most rows one query hands back: more is refused with a message, never fetched into memory."""
MAX_RESULT_BYTES = 512 * 2**20
"""The largest result one query hands back, measured in Arrow form before any Python object is made."""
_BATCH_ROWS = 65_536
_T = TypeVar("_T")


def default_db_path() -> Path:
    """``$SEGMENTA_DB`` when set, else ``warehouse.duckdb`` in the user's data folder."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("segmenta", appauthor=False)) / "warehouse.duckdb"


def resolve_db(db: Path | str | None) -> Path:
    """The warehouse path a command should use: the one given, else the default.

    A server URL (``postgresql://user@host/shop``) resolves to its local anchor (``remote``).
    """
    if db is None or db == "":
        env = os.environ.get(ENV_DB)
        if env and remote.is_url(env):
            return remote.anchor_for(env)
        return default_db_path()
    if remote.is_url(db):
        return remote.anchor_for(str(db))
    return Path(db).expanduser()


def no_warehouse(db: Path) -> str:
    """The one line for a warehouse that is not there yet."""
    return say(
        f"no warehouse at {db}: run `segmenta demo` or `segmenta import DIR` first",
        f"no hay almacén en {db}: ejecuta `segmenta demo` o `segmenta import CARPETA` primero",
    )


def state_path(db: Path) -> Path:
    """The file beside a warehouse that keeps the last conversation (for ``ask --continue``)."""
    return db.with_name(db.stem + ".conversation.json")


def connect_readonly(db: Path) -> duckdb.DuckDBPyConnection:
    """Open an existing warehouse read-only, with external access disabled and the config locked.

    A server warehouse's anchor opens a read-only session on the server instead (``remote``).
    """
    server = remote.remote_of(db)
    if server is not None:  # the part of DuckDB's API answers use
        if server.engine == "spark":
            from segmenta.warehouse.spark import SparkConnection

            return SparkConnection(server, db)  # type: ignore[return-value]
        return remote.connect(db)  # type: ignore[return-value]
    if not db.exists():
        raise WarehouseError(no_warehouse(db))
    con = open_retrying(db, read_only=True)
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
        from segmenta.warehouse.config import load_config

        try:
            limits = load_config(db).limits
        except SegmentaError:
            con.close()
            raise
        con.execute(f"SET memory_limit = '{limits.memory}'")
        con.execute(f"SET threads = {int(limits.threads)}")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


def run_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    max_rows: int = MAX_ROWS,
    *,
    bounded: bool = False,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one statement with a time limit and a row cap; returns (column names, rows).

    DuckDB has no statement timeout, so a timer interrupts the connection when time runs out; the
    rows are fetched up to ``max_rows`` (one more tells there are too many), so a huge result is
    refused without ever being built in Python. Ctrl-C interrupts the query too. SQL naming the
    saved-segment tables reads them as they are in their store now (``userstore.register``).

    ``bounded``: the statement is segmenta's own and its cells small by construction (the funnel's
    counts and a preview's ids, a report's numbers and the warehouse values it groups by), so its
    rows are fetched as they are, up to ``max_rows``, without the Arrow measuring of their bytes
    (nor the import of pyarrow it costs a one-shot process).
    """
    from segmenta.warehouse import userstore

    if userstore.mentions(sql):
        userstore.register(con, sql=sql)

    def work() -> tuple[list[str], list[tuple[Any, ...]]]:
        if remote.is_remote(con):
            server: remote.ServerConnection = con  # type: ignore[assignment]
            server.set_timeout(timeout)
            result, more = server.query(sql, params, max_rows)
            if more:
                raise _too_many_rows(max_rows)
            return [str(d[0]) for d in result.description], result.fetchall()
        rel = con.sql(sql, params=params or None)
        if rel is None:  # not a query (a SET, say): nothing to hand back
            return [], []
        if bounded:
            rows = rel.limit(max_rows + 1).fetchall()
            if len(rows) > max_rows:
                raise _too_many_rows(max_rows)
            return list(rel.columns), rows
        return _fetch(con, rel, max_rows)

    timer = threading.Timer(timeout, con.interrupt)
    timer.start()
    try:
        cols, rows = _interruptible(con, work)
    except duckdb.InterruptException as e:
        raise QueryError(
            say(
                f"the query took longer than {timeout:g} s and was stopped",
                f"la consulta tardó más de {timeout:g} s y se detuvo",
            )
        ) from e
    except duckdb.OutOfMemoryException as e:
        raise QueryError(
            say(
                "the query needed more memory than this warehouse's limit and was stopped: narrow it, "
                "or raise [limits] memory in the settings (segmenta config)",
                "la consulta necesitó más memoria que el límite de este almacén y se detuvo: acótala, "
                "o sube [limits] memory en los ajustes (segmenta config)",
            )
        ) from e
    except duckdb.Error as e:
        raise QueryError(say(f"the query failed: {e}", f"la consulta falló: {e}")) from e
    finally:
        timer.cancel()
    return cols, rows


def _interruptible(con: duckdb.DuckDBPyConnection, work: Callable[[], _T]) -> _T:
    """``work()`` run so that Ctrl-C stops it at once: in a helper thread, the main thread waiting.

    Python handles a signal only in the main thread, between bytecodes: while the main thread is
    inside DuckDB, Ctrl-C would wait for the query to end (or time out). So the main thread waits
    here instead, and on Ctrl-C interrupts the connection, waits for the query to stop, and raises
    KeyboardInterrupt. In any other thread (the chat's workers) ``work`` runs in place: Esc cancels.
    """
    if threading.current_thread() is not threading.main_thread():
        return work()
    box: list[Any] = []
    done = threading.Event()

    def run() -> None:
        try:
            box.append((True, work()))
        except BaseException as e:  # handed to the caller as it was raised
            # its frames' locals (an open result reader) must not outlive the query: the connection
            # refuses the next query while a result is open
            traceback.clear_frames(e.__traceback__)
            box.append((False, e))
        finally:
            done.set()

    # in the request's context: a message raised in the thread is said in the request's language
    threading.Thread(
        target=contextvars.copy_context().run, args=(run,), name="segmenta-query", daemon=True
    ).start()
    try:
        while not done.wait(0.1):
            pass
    except KeyboardInterrupt:
        con.interrupt()
        while not done.wait(0.1):  # the query stops within moments; the connection is free after
            con.interrupt()
        raise
    ok, value = box[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def _too_many_rows(max_rows: int) -> QueryError:
    from segmenta.locale_text import integer

    return QueryError(
        say(
            f"the query gives more than {max_rows:,} rows and was stopped: add a LIMIT or narrow "
            "it (an audience export writes any size)",
            f"la consulta da más de {integer(max_rows, 'es')} filas y se detuvo: añade un LIMIT "
            "o acótala (una exportación de audiencia escribe cualquier tamaño)",
        )
    )


def _fetch(
    con: duckdb.DuckDBPyConnection, rel: duckdb.DuckDBPyRelation, max_rows: int
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The rows of a query, measured before they become Python objects.

    They come out in Arrow batches first: past ``max_rows`` rows or MAX_RESULT_BYTES the query is
    refused (a 200-million-element list is one row, yet 20 GB as Python objects); within both,
    DuckDB turns them into Python values, cast back to the query's own column types, so the rows are
    exactly what ``fetchall`` gives.
    """
    import pyarrow as pa

    cols, types = list(rel.columns), [str(t) for t in rel.types]
    reader = rel.to_arrow_reader(_BATCH_ROWS)
    batches: list[pa.RecordBatch] = []
    n, size = 0, 0
    for batch in reader:
        n, size = n + batch.num_rows, size + batch.nbytes
        if n > max_rows:
            raise _too_many_rows(max_rows)
        if size > MAX_RESULT_BYTES:
            from segmenta.locale_text import integer

            raise QueryError(
                say(
                    f"the query's result is larger than {MAX_RESULT_BYTES // 2**20:,} MB and was stopped: "
                    "add a LIMIT, or select fewer or smaller columns",
                    f"el resultado de la consulta pasa de {integer(MAX_RESULT_BYTES // 2**20, 'es')} MB y se "
                    "detuvo: añade un LIMIT, o elige menos columnas o más pequeñas",
                )
            )
        batches.append(batch)
    if not cols:
        return cols, []
    names = [f"c{k}" for k in range(len(cols))]
    table = pa.Table.from_batches(batches, schema=reader.schema).rename_columns(names)
    try:
        back = con.from_arrow(table).project(
            ", ".join(f"CAST({c} AS {t})" for c, t in zip(names, types, strict=True))
        )
        return cols, back.fetchall()
    except duckdb.Error:  # a type with no cast from its Arrow form: Arrow's own Python values
        return cols, [tuple(r.values()) for r in table.to_pylist()]
