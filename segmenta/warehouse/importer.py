"""``segmenta import``: a shop's files become a new warehouse, swapped in only when all is well.

The new warehouse is built in a temporary file beside the old one, in one of two ways:

- the fast path reads each file once straight into its typed table (strict conversions that raise
  on a value the careful path would reject; the schema's NOT NULL and primary keys reject missing
  values and duplicates), tidies text columns in place, and asks the typed tables the remaining
  questions (references, quantities). It words nothing: at the first doubt it gives up;
- the careful path stages the files as text (``csvread``), checks them in set-based SQL
  (``checks``) into a problems table that names file, line, column and value, and converts the
  kept rows into the typed tables (``values``). It runs only when the fast path gave up, on a
  fresh file, so messages and ``--skip-invalid`` are exactly the careful path's.

Only then does ``os.replace`` put it in place. Saved segments are not in the warehouse: they keep
to their own file beside it (``userstore``), untouched by an import; an older warehouse that still
holds them has them moved there first. Any failure, or Ctrl-C, removes the temporary file and
leaves the previous warehouse byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from segmenta.errors import ImportProblem, ShopImportError, WarehouseError
from segmenta.warehouse import checks, userstore
from segmenta.warehouse.csvread import SourceFile, discover, sniff, source_sql, stage
from segmenta.warehouse.import_report import DroppedRows, FileDetection, ImportReport
from segmenta.warehouse.locks import write_lock
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, META_TABLE, TABLES, create_schema, schema_version
from segmenta.warehouse.values import q, read_text_sql, strict_value_sql, text_sql, value_sql

Progress = Callable[[str, int, int], None]
SHOWN_PROBLEMS = 20
EXAMPLES_PER_REASON = 3


def import_shop(
    src: Path,
    db: Path,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the shop files in ``src`` into the warehouse ``db``, atomically.

    Args:
        src: folder with ``<table>.csv`` / ``<table>.parquet`` files.
        db: the warehouse file; replaced only when the import succeeds.
        skip_invalid: drop invalid rows (and rows depending on them) instead of refusing.
        progress: called as ``progress(step, done, total)`` with byte counts of the files.
    Returns:
        The ImportReport. Raises ShopImportError with the first problems when refused.
    """
    started = time.perf_counter()
    src, db = Path(src), Path(db)
    if not src.is_dir():
        raise ShopImportError([ImportProblem(str(src), "not a folder of shop files")])
    _check_previous(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with write_lock(db, "import of " + str(src)):
        report = _import_locked(src, db, skip_invalid, progress)
    report.elapsed = time.perf_counter() - started
    return report


def _import_locked(src: Path, db: Path, skip_invalid: bool, progress: Progress | None) -> ImportReport:
    """The import itself, with the writer lock held: build beside the warehouse, then swap it in."""
    tmp = db.with_name(f"{db.name}.importing-{os.getpid()}")
    wal = Path(f"{tmp}.wal")
    _remove(tmp)
    userstore.migrate(db)  # an older warehouse's saved segments move out before it is replaced
    try:
        report = _attempt(tmp, src, db, skip_invalid, progress or _no_progress, fast=True)
        if report is None:  # the fast path met a problem: start afresh on the path that words it
            _remove(tmp)
            _remove(wal)
            report = _attempt(tmp, src, db, skip_invalid, progress or _no_progress, fast=False)
        assert report is not None  # the careful path reports or raises
        _remove(wal)
        os.replace(tmp, db)
        _remove(Path(f"{db}.wal"))  # a stale log of the old file must not replay onto the new one
    except BaseException:
        _remove(tmp)
        _remove(wal)
        raise
    return report


def _attempt(
    tmp: Path, src: Path, db: Path, skip_invalid: bool, progress: Progress, *, fast: bool
) -> ImportReport | None:
    """Build the whole new warehouse in ``tmp`` on one path; None when the fast path gave up."""
    con = duckdb.connect(str(tmp))
    try:
        report = _fast_build(con, src, db, progress) if fast else _build(con, src, db, skip_invalid, progress)
        if report is None:
            return None
        finish_warehouse(con, _load_config(db), source=str(src.resolve()))
        return report
    finally:
        con.close()


def finish_warehouse(con: duckdb.DuckDBPyConnection, config: Any, *, source: str = "") -> None:
    """Install the derived-field macros (when that module exists), stamp the meta table, checkpoint.

    Shared by the importer and the demo builder, so both warehouses end the same way.

    Args:
        con: a writable connection to the new warehouse.
        config: the ``segmenta.warehouse.config.Config`` for the macros (None when there is none).
        source: where the data came from (a folder, or ``demo``), kept in the meta table.
    """
    try:
        derived = importlib.import_module("segmenta.warehouse.derived")
    except ModuleNotFoundError as e:
        if e.name != "segmenta.warehouse.derived":
            raise
    else:
        derived.install_macros(con, config)
    meta = {"imported_at": datetime.now().isoformat(timespec="seconds"), "source": source}
    for key, value in meta.items():
        con.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)", [key, value])
    con.execute("CHECKPOINT")


def _no_progress(step: str, done: int, total: int) -> None:
    """The progress callback when nobody listens."""


def _load_config(db: Path) -> Any:
    """The config beside the warehouse, or None while ``segmenta.warehouse.config`` does not exist."""
    try:
        config = importlib.import_module("segmenta.warehouse.config")
    except ModuleNotFoundError as e:
        if e.name != "segmenta.warehouse.config":
            raise
        return None
    return config.load_config(db)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _check_previous(db: Path) -> None:
    """Refuse to replace a file that is not a segmenta warehouse (a wrong ``--db`` must lose nothing)."""
    if not db.exists():
        return
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:
        raise WarehouseError(
            f"{db} exists and cannot be opened as a warehouse ({e}); choose another --db"
        ) from e
    try:
        if schema_version(con) is None:
            raise WarehouseError(f"{db} exists and is not a segmenta warehouse; choose another --db")
    finally:
        con.close()


def _build(
    con: duckdb.DuckDBPyConnection,
    src: Path,
    db: Path,
    skip_invalid: bool,
    progress: Progress,
) -> ImportReport:
    """Create the schema, stage and check the files, then load the typed tables; the report."""
    create_schema(con)
    files, fatal, notes = discover(src)
    total = 2 * sum(sf.size for sf in files.values()) or 1
    done = 0
    rejects: list[ImportProblem] = []
    for table in checks.CHECK_ORDER:
        sf = files.get(table)
        if sf is None:
            continue
        progress(f"reading {sf.name}", done, total)
        problems = sniff(sf, con)
        if not problems:
            try:
                rejects += stage(con, sf)
            except duckdb.Error as e:
                problems = [ImportProblem(sf.name, f"cannot be read: {str(e).splitlines()[0]}")]
        fatal += problems
        done += sf.size
    progress("checking values", done, total)
    checks.create_problems_table(con)
    for ord_, table in enumerate(checks.CHECK_ORDER):
        sf = files.get(table)
        if sf is None or not sf.loaded or (sf.rejects and not skip_invalid):
            continue
        _check_file(con, sf, files, ord_, skip_invalid)
    found = _count(con, f"SELECT count(*) FROM {checks.PROBLEMS}")
    if fatal or (not skip_invalid and (rejects or found)):
        shown = list(fatal)
        if not skip_invalid:  # when skipping, only problems that no dropped row can fix refuse
            shown += rejects + _first_problems(con, files, SHOWN_PROBLEMS)
        shown.sort(key=lambda p: (_file_order(p.file), p.line or 0))
        total_found = len(fatal) + (0 if skip_invalid else len(rejects) + found)
        raise ShopImportError(shown[:SHOWN_PROBLEMS], total_found)
    report = _new_report(src, db, files, notes)
    if skip_invalid:
        _report_dropped(con, files, rejects, report)
    for table in TABLES:
        sf = files.get(table)
        if sf is not None:
            progress(f"writing {table}", done, total)
            _load_table(con, sf, skip_invalid, report)
            done += sf.size
    progress("finishing", total, total)
    _fill_figures(con, report)
    return report


def _fast_build(
    con: duckdb.DuckDBPyConnection, src: Path, db: Path, progress: Progress
) -> ImportReport | None:
    """Load every file straight into its typed table and check the tables; None at the first doubt."""
    create_schema(con)
    files, fatal, notes = discover(src)
    if fatal:
        return None
    total = 2 * sum(sf.size for sf in files.values()) or 1
    done = 0
    con.execute("SET preserve_insertion_order = false")  # row order is no part of a warehouse table
    try:
        for table in checks.CHECK_ORDER:
            sf = files.get(table)
            if sf is None:
                continue
            progress(f"reading {sf.name}", done, total)
            if sniff(sf, con) or not _fast_load(con, sf) or not checks.tidy_text_columns(con, sf):
                return None
            done += sf.size
        progress("checking values", done, total)
        if not checks.typed_tables_pass(con, files):
            return None
    except duckdb.Error:  # a strict conversion, a constraint or the CSV reader refused a row
        return None
    finally:
        con.execute("RESET preserve_insertion_order")
    report = _new_report(src, db, files, notes)
    for table in TABLES:
        sf = files.get(table)
        if sf is not None:
            progress(f"writing {table}", done, total)
            _extra_columns(con, sf, "", report)
            done += sf.size
    progress("finishing", total, total)
    _fill_figures(con, report)
    return report


def _fast_load(con: duckdb.DuckDBPyConnection, sf: SourceFile) -> bool:
    """Insert one sniffed file into its typed table in one statement; False when only staging can tell."""
    source = source_sql(sf)
    if sf.table == "contacts" and _custom_columns(sf):  # custom fields are read from the staged text
        if stage(con, sf):
            return False
        source = sf.staged
    cols, exprs = [], []
    for col in TABLES[sf.table].columns:
        if col.name in sf.columns:
            expr = read_text_sql(col.name) or q(col.name)  # or tidied after (checks.tidy_text_columns)
            if col.type != "VARCHAR":
                expr = strict_value_sql(col.name, col.type, decimal_comma=sf.separator == ";")
        elif col.name == "returned_quantity":
            expr = "0"
        else:
            continue
        if col.name == "returned_quantity":
            expr = f"coalesce({expr}, 0)"
        cols.append(q(col.name))
        exprs.append(f"{expr} AS {q(col.name)}")
    insert = f"INSERT INTO {sf.table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM"
    try:
        row = con.execute(f"{insert} {source}").fetchone()
    except duckdb.InvalidInputException as e:
        if source == sf.staged or sf.encoding != "UTF-8" or "Invalid unicode" not in str(e):
            raise
        sf.encoding = "Latin-1"  # bytes past the sniff window are not UTF-8: as ``csvread.stage`` decides
        row = con.execute(f"{insert} {source_sql(sf)}").fetchone()
    sf.rows = int(row[0]) if row else 0
    sf.loaded = True
    return True


def _new_report(src: Path, db: Path, files: dict[str, SourceFile], notes: list[str]) -> ImportReport:
    """The report with how each file was read and the notes so far."""
    report = ImportReport(source=src, db=db, notes=notes)
    report.files = [
        FileDetection(sf.name, sf.table, sf.format, sf.encoding, sf.bom, sf.separator, sf.rows)
        for sf in files.values()
    ]
    report.notes += [n for sf in files.values() for n in sf.notes]
    return report


def _check_file(
    con: duckdb.DuckDBPyConnection,
    sf: SourceFile,
    files: dict[str, SourceFile],
    ord_: int,
    skip: bool,
) -> None:
    """Run every rule of one staged file into the problems table."""
    decimal_comma = sf.separator == ";"
    spanish = False
    if sf.table == "contacts" and "gender" in sf.columns:
        spanish = checks.spanish_letters(con, sf.staged)
    rules = checks.value_rules(sf, decimal_comma=decimal_comma, spanish_letters=spanish)
    checks.run_value_rules(con, sf, rules, ord_)
    checks.run_duplicate_rule(con, sf, ord_)
    checks.run_reference_rules(con, sf, files, ord_, cascade=skip)


def _file_order(name: str) -> int:
    table = name.rsplit(".", 1)[0]
    return checks.CHECK_ORDER.index(table) if table in checks.CHECK_ORDER else -1


def _render(sf: SourceFile, row: tuple[Any, ...]) -> ImportProblem:
    """One row of the problems table worded for a person: file, line, column, value, message."""
    row_, col, value, message, other_row = row
    if other_row is not None:
        message = f"{message}, already on line {sf.line_of(int(other_row))}"
    return ImportProblem(sf.name, message, line=sf.line_of(int(row_)), column=col, value=value)


def _first_problems(
    con: duckdb.DuckDBPyConnection, files: dict[str, SourceFile], n: int
) -> list[ImportProblem]:
    rows = con.execute(
        f"SELECT tbl, row_, col, value, message, other_row FROM {checks.PROBLEMS} "
        f"ORDER BY file_ord, row_, col_ord LIMIT {n}"
    ).fetchall()
    return [_render(files[r[0]], r[1:]) for r in rows]


def _report_dropped(
    con: duckdb.DuckDBPyConnection,
    files: dict[str, SourceFile],
    rejects: list[ImportProblem],
    report: ImportReport,
) -> None:
    """Fill the report's dropped rows by file and reason, with the first examples of each."""
    for sf in files.values():
        mine = [p for p in rejects if p.file == sf.name]
        if mine:
            report.dropped.append(
                DroppedRows(
                    sf.name,
                    "malformed CSV lines",
                    len(mine),
                    tuple(str(p) for p in mine[:EXAMPLES_PER_REASON]),
                )
            )
            report.dropped_rows[sf.name] = len(mine)
    groups = con.execute(
        f"SELECT tbl, reason, count(*) FROM {checks.PROBLEMS} GROUP BY ALL ORDER BY min(file_ord), min(row_)"
    ).fetchall()
    for tbl, reason, count in groups:
        sf = files[tbl]
        examples = con.execute(
            f"SELECT row_, col, value, message, other_row FROM {checks.PROBLEMS} "
            "WHERE tbl = ? AND reason = ? "
            f"ORDER BY row_ LIMIT {EXAMPLES_PER_REASON}",
            [tbl, reason],
        ).fetchall()
        report.dropped.append(
            DroppedRows(sf.name, reason, int(count), tuple(str(_render(sf, e)) for e in examples))
        )
    for tbl, n in con.execute(
        f"SELECT tbl, count(DISTINCT row_) FROM {checks.PROBLEMS} GROUP BY tbl"
    ).fetchall():
        name = files[tbl].name
        report.dropped_rows[name] = report.dropped_rows.get(name, 0) + int(n)


def _load_table(con: duckdb.DuckDBPyConnection, sf: SourceFile, skip: bool, report: ImportReport) -> None:
    """Insert one staged file's kept rows, converted, into its warehouse table (and custom fields)."""
    table = TABLES[sf.table]
    spanish = sf.table == "contacts" and "gender" in sf.columns and checks.spanish_letters(con, sf.staged)
    cols, exprs = [], []
    for col in table.columns:
        if col.name in sf.columns:
            expr = value_sql(col.name, col.type, decimal_comma=sf.separator == ";", spanish_letters=spanish)
        elif col.name == "returned_quantity":
            expr = "0"
        else:
            continue
        if col.name == "returned_quantity":
            expr = f"coalesce({expr}, 0)"
        cols.append(q(col.name))
        exprs.append(f"{expr} AS {q(col.name)}")
    keep = (
        f" WHERE rowid NOT IN (SELECT row_ FROM {checks.PROBLEMS} WHERE tbl = '{sf.table}')" if skip else ""
    )
    try:
        con.execute(
            f"INSERT INTO {table.name} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {sf.staged}{keep}"
        )
    except duckdb.ConstraintException as e:  # the checks mirror the constraints; this is a safety net
        raise ShopImportError(
            [ImportProblem(sf.name, f"rejected by the warehouse: {str(e).splitlines()[0]}")]
        ) from e
    _extra_columns(con, sf, keep, report)


def _custom_columns(sf: SourceFile) -> list[str]:
    """Staged names of the extra contacts columns that become custom fields (named ones)."""
    if sf.table != "contacts":
        return []
    return [n for n in sf.extra if not sf.columns[n].startswith("(unnamed")]


def _extra_columns(con: duckdb.DuckDBPyConnection, sf: SourceFile, keep: str, report: ImportReport) -> None:
    """Keep named extra contacts columns as custom fields (from the staged text); report the ignored ones."""
    custom = _custom_columns(sf)
    for name in custom:
        field = sf.columns[name].lower()
        con.execute(
            f"INSERT INTO {CUSTOM_FIELDS_TABLE} SELECT {text_sql('contact_id')}, ?, {text_sql(name)} "
            f"FROM {sf.staged}{keep}{' AND' if keep else ' WHERE'} {text_sql(name)} IS NOT NULL",
            [field],
        )
        report.custom_fields.append(field)
    ignored = [sf.columns[n] for n in sf.extra if n not in custom]
    if ignored:
        report.ignored_columns[sf.name] = ignored


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _fill_figures(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Rows per table, the orders' date range, buyers and the catalog's size."""
    report.rows = {t: _count(con, f"SELECT count(*) FROM {t}") for t in TABLES}
    report.rows[CUSTOM_FIELDS_TABLE] = _count(con, f"SELECT count(*) FROM {CUSTOM_FIELDS_TABLE}")
    row = con.execute("SELECT min(ordered_at), max(ordered_at) FROM orders").fetchone()
    if row:
        report.orders_from, report.orders_to = row
    report.buyers = _count(con, "SELECT count(DISTINCT contact_id) FROM orders WHERE status = 'completed'")
    row = con.execute(
        "SELECT count(*), count(DISTINCT category), count(DISTINCT brand) FROM products"
    ).fetchone()
    if row:
        report.products, report.categories, report.brands = (int(v) for v in row)
