"""Import a shop into Postgres: the same checks as a DuckDB import, then one transaction on the server.

The shop's files go through the ordinary importer into a local DuckDB file first (every check, the
same report, the same refusal with the same messages), so nothing about reading a shop is written
twice. That finished warehouse is then copied into a new schema on the server in a single
transaction: its tables (text columns in the "C" collation, so text sorts and compares byte by byte
as in DuckDB), indexes on the ids answers join by, the derived-field macros as SQL functions of the
same names (``rfm(d)``, ``contact_metrics(d)``, …, their bodies written in Postgres's dialect by
``remote.translate``), and the stored derived tables. At the end of the same transaction the old
schema is dropped and the new one renamed in its place: readers see the old shop or the new one,
never half of either, and a failure anywhere leaves the old one as it was.

The reader role ``segmenta_reader`` (no login, SELECT on the schema only) is created when missing
and granted to the importing user, who answers through it (``SET ROLE``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from segmenta.errors import WarehouseError, say
from segmenta.warehouse.import_report import ImportReport
from segmenta.warehouse.remote import (
    READER_ROLE,
    Remote,
    accent_pairs,
    duck_tables,
    first_line,
    pg_connect,
    pg_type,
    translate,
)

_INDEXED = ("contact_id", "order_id", "product_id")
"""Columns answers join or filter by: indexed in every table that has them."""
Progress = Callable[[str, int, int], None]


def _macro_returns(con: duckdb.DuckDBPyConnection, name: str) -> str:
    cols = con.execute(f"DESCRIBE SELECT * FROM {name}(DATE '2000-01-01')").fetchall()
    collated = ' COLLATE "C"'
    return ", ".join(f'"{c[0]}" {pg_type(str(c[1])).replace(collated, "")}' for c in cols)


def _strip_accents_sql() -> str:
    frm, to = accent_pairs()
    return (
        "CREATE FUNCTION strip_accents(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        f"AS $segmenta$ SELECT translate($1, '{frm}', '{to}') $segmenta$"
    )


@contextmanager
def _transaction(remote: Remote, failed: tuple[str, str]) -> Iterator[Any]:
    """A connection to the server in one transaction, committed when the block ends; on any error
    rolled back, and a server's error said as ``failed`` (English, Spanish; ``{error}`` stands for
    the error's first line)."""
    import psycopg

    pg = pg_connect(remote, autocommit=False)
    try:
        yield pg
        pg.commit()
    except psycopg.Error as e:
        pg.rollback()
        error = first_line(e)
        raise WarehouseError(say(*(m.replace("{error}", error) for m in failed))) from e
    except BaseException:
        pg.rollback()
        raise
    finally:
        pg.close()


def load_postgres(
    duck: Path, remote: Remote, config: object, progress: Progress | None = None
) -> dict[str, int]:
    """Copy the finished DuckDB warehouse ``duck`` into ``remote``'s schema, swapped in atomically.

    Returns the rows copied per table.
    """
    from segmenta.warehouse.derived import MACRO_NAMES, macro_definitions

    say_progress = progress or (lambda step, done, total: None)
    con = duckdb.connect(str(duck), read_only=True)
    try:
        tables = duck_tables(con)
        macros = {n: b for n, b in macro_definitions(config).items() if n in MACRO_NAMES}  # type: ignore[arg-type]
        returns = {n: _macro_returns(con, n) for n in macros}
        new, old = f"{remote.schema}__importing", remote.schema
        copied: dict[str, int] = {}
        failed = (
            f"the import into {remote.shown} failed and changed nothing: {{error}}",
            f"la importación en {remote.shown} falló y no cambió nada: {{error}}",
        )
        with _transaction(remote, failed) as pg:
            with pg.cursor() as cur, tempfile.TemporaryDirectory(prefix="segmenta-pg-") as tmp:
                cur.execute(f'DROP SCHEMA IF EXISTS "{new}" CASCADE')
                cur.execute(f'CREATE SCHEMA "{new}"')
                cur.execute(f'SET LOCAL search_path TO "{new}"')
                for k, (table, cols) in enumerate(tables.items()):
                    say_progress("copying " + table, k, len(tables))
                    columns = ", ".join(f'"{c}" {pg_type(t)}' for c, t in cols)
                    cur.execute(f'CREATE TABLE "{table}" ({columns})')
                    csv = os.path.join(tmp, "rows.csv")
                    con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{csv}' (FORMAT csv, HEADER false)")
                    with open(csv, "rb") as fh, cur.copy(f'COPY "{table}" FROM STDIN (FORMAT csv)') as copy:
                        while chunk := fh.read(1 << 20):
                            copy.write(chunk)
                    copied[table] = cur.rowcount if cur.rowcount >= 0 else 0
                    for c, _ in cols:
                        if c in _INDEXED:
                            cur.execute(f'CREATE INDEX ON "{table}" ("{c}")')
                cur.execute(_strip_accents_sql())
                for name, body in macros.items():
                    cur.execute(
                        f'CREATE FUNCTION "{name}"(d date) RETURNS TABLE ({returns[name]}) '
                        f"LANGUAGE sql STABLE PARALLEL SAFE AS $segmenta$ {translate(body)} $segmenta$"
                    )
                say_progress("swapping in", len(tables), len(tables))
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [READER_ROLE])
                if cur.fetchone() is None:
                    cur.execute(f"CREATE ROLE {READER_ROLE} NOLOGIN")
                cur.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [READER_ROLE])
                row = cur.fetchone()
                if not (row and row[0]):
                    cur.execute(f"GRANT {READER_ROLE} TO current_user")
                cur.execute(f'GRANT USAGE ON SCHEMA "{new}" TO {READER_ROLE}')
                cur.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{new}" TO {READER_ROLE}')
                cur.execute(f'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA "{new}" TO {READER_ROLE}')
                cur.execute(f'DROP SCHEMA IF EXISTS "{old}" CASCADE')
                cur.execute(f'ALTER SCHEMA "{new}" RENAME TO "{old}"')
        with pg_connect(remote, autocommit=True) as pg2:
            for table in tables:  # the planner's statistics, once the new schema is in place
                pg2.execute(f'ANALYZE "{old}"."{table}"')
        return copied
    finally:
        con.close()


def reinstall_postgres(remote: Remote, config: object) -> list[str]:
    """The derived-field functions made again for ``config`` in the server's schema, and every stored
    derived table filled again from them, in one transaction as the importing user (what an import
    does for them, without copying the shop again); returns the stored tables refilled."""
    from segmenta.warehouse.derived import MACRO_NAMES, META_KEY, macro_definitions, macros_hash, stored_of
    from segmenta.warehouse.schema import META_TABLE

    macros = {n: b for n, b in macro_definitions(config).items() if n in MACRO_NAMES}  # type: ignore[arg-type]
    refilled: list[str] = []
    failed = (
        f"cannot change the settings in {remote.shown}: {{error}}; nothing was changed "
        "(it takes the user that imported the shop)",
        f"no se pueden cambiar los ajustes en {remote.shown}: {{error}}; no se cambió nada "
        "(hace falta el usuario que importó la tienda)",
    )
    with _transaction(remote, failed) as pg:
        with pg.cursor() as cur:
            cur.execute(f'SET LOCAL search_path TO "{remote.schema}"')
            for name, body in macros.items():
                cur.execute(
                    "SELECT pg_get_function_result(p.oid) FROM pg_proc AS p JOIN pg_namespace AS n "
                    "ON n.oid = p.pronamespace WHERE n.nspname = %s AND p.proname = %s",
                    [remote.schema, name],
                )
                row = cur.fetchone()
                if row is None:
                    raise WarehouseError(
                        say(
                            f"{remote.shown} has no function {name}: import the shop again "
                            "(segmenta import DIR --db URL); nothing was changed",
                            f"{remote.shown} no tiene la función {name}: importa la tienda de nuevo "
                            "(segmenta import CARPETA --db URL); no se cambió nada",
                        )
                    )
                cur.execute(
                    f'CREATE OR REPLACE FUNCTION "{name}"(d date) RETURNS {row[0]} '
                    f"LANGUAGE sql STABLE PARALLEL SAFE AS $segmenta$ {translate(body)} $segmenta$"
                )
            cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1",
                [remote.schema],
            )
            for (table,) in cur.fetchall():
                held = stored_of(str(table))
                if held is not None:  # emptied and filled in place: its grants and indexes stay
                    cur.execute(f'TRUNCATE "{table}"')
                    cur.execute(f'INSERT INTO "{table}" SELECT * FROM "{held[0]}"(%s::date)', [held[1]])
                    refilled.append(str(table))
            stamp = macros_hash(config)  # type: ignore[arg-type]
            cur.execute(f'UPDATE "{META_TABLE}" SET value = %s WHERE key = %s', [stamp, META_KEY])
    return refilled


def reinstall_remote(anchor: Path, config: object) -> list[str]:
    """``config``'s derived fields in the server warehouse ``anchor`` stands for, at once (Postgres:
    ``reinstall_postgres``; Spark: ``spark.reinstall_spark``); returns the stored tables made again."""
    from segmenta.warehouse.remote import remote_of

    remote = remote_of(anchor)
    if remote is None:
        raise WarehouseError(f"{anchor} is not a server warehouse")
    if remote.engine == "spark":
        from segmenta.warehouse.spark import reinstall_spark

        return reinstall_spark(remote, anchor, config)
    return reinstall_postgres(remote, config)


def import_remote(
    anchor: Path, build: Callable[[Path], ImportReport], progress: Progress | None = None
) -> ImportReport:
    """Import into the server warehouse ``anchor`` stands for: ``build`` makes the local DuckDB
    warehouse (any importer: canonical, Shopify, a column map; every check its own), which is then
    loaded into the server (``load_postgres``) and removed. The report says where the shop went."""
    from segmenta.warehouse.config import load_config
    from segmenta.warehouse.remote import remote_of

    remote = remote_of(anchor)
    if remote is None:
        raise WarehouseError(f"{anchor} is not a server warehouse")
    # beside the anchor, so the settings read for the macros are the server warehouse's own
    staging = anchor.with_suffix(".duckdb")
    for leftover in (staging, Path(f"{staging}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        report = build(staging)
        if remote.engine == "spark":
            from segmenta.warehouse.spark import check_cluster_reads, data_folder, is_connect, load_spark

            copied = load_spark(staging, remote, anchor, load_config(anchor))
            folder = data_folder(remote, anchor)
            if is_connect(remote):
                check_cluster_reads(remote, anchor, copied)
            engine = "Spark"
            where_en = f"Parquet files in {folder} for {remote.shown}"
            where_es = f"ficheros Parquet en {folder} para {remote.shown}"
        else:
            copied = load_postgres(staging, remote, load_config(anchor), progress)
            engine = "Postgres"
            where_en = f"schema {remote.schema} of {remote.shown}"
            where_es = f"esquema {remote.schema} de {remote.shown}"
    finally:
        for done in (staging, Path(f"{staging}.wal")):
            done.unlink(missing_ok=True)
    report.db = remote.shown
    report.notes.append(
        say(
            f"loaded into {engine}: {where_en}, {sum(copied.values()):,} rows in {len(copied)} tables, "
            "swapped in at once",
            f"cargado en {engine}: {where_es}, {sum(copied.values()):,} filas en {len(copied)} tablas, "
            "sustituido de una vez",
        )
    )
    return report
