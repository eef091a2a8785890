"""The gate every SQL passes before it runs: one read-only SELECT over known tables and columns.

Compiled segments, reports and the SQL an analyst types with ``segmenta sql`` all go through
``validate``. It parses the text back with sqlglot (DuckDB dialect) and refuses, with a one-line
message that says what and where:

- anything but exactly one statement, and any statement but a SELECT (a UNION / INTERSECT /
  EXCEPT of SELECTs and ``WITH ... SELECT`` are SELECTs too), including DML hidden in a CTE and
  ``SELECT ... INTO``;
- tables that are not the warehouse's (DATA_MODEL tables, ``contact_custom_fields``,
  ``segmenta_meta``, the ``user_*`` tables of the given schema, CTE names);
- table functions other than the as-of macros and ``range`` / ``generate_series`` / ``unnest``;
- functions that reach outside the warehouse (files, settings, environment, extensions, engine
  internals, SQL text) wherever they appear;
- columns no table in scope has (via ``sqlglot.optimizer.qualify``), naming the closest known one.

The read-only connection with external access disabled stays the second wall (see
``warehouse.store``); this one exists to give a person a clear message before anything runs.
"""

from __future__ import annotations

import difflib
import logging
import re

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError
from sqlglot.optimizer.qualify import qualify

from segmenta.errors import SqlValidationError
from segmenta.warehouse.derived import is_stored
from segmenta.warehouse.schema import META_TABLE, TABLES, sql_schema

# Output columns of the table macros of warehouse/derived.py (docs/CONTRACTS.md).
_METRICS = {
    "contact_id": "VARCHAR",
    "age": "INTEGER",
    "first_order_at": "TIMESTAMP",
    "last_order_at": "TIMESTAMP",
    "orders_count": "BIGINT",
    "total_spent": "DECIMAL(18,2)",
    "avg_order_value": "DOUBLE",
    "days_since_last_order": "INTEGER",
}
_RFM = {
    "contact_id": "VARCHAR",
    "recency_date": "DATE",
    "frequency": "BIGINT",
    "monetary": "DECIMAL(18,2)",
    "r_score": "INTEGER",
    "f_score": "INTEGER",
    "m_score": "INTEGER",
    "rfm_cell": "VARCHAR",
    "rfm_segment": "VARCHAR",
}
MACRO_COLUMNS: dict[str, dict[str, str]] = {
    "contacts_at": {c.name: c.type for c in TABLES["contacts"].columns},
    "completed_orders": {c.name: c.type for c in TABLES["orders"].columns},
    "contact_metrics": _METRICS,
    "rfm": _RFM,
    "lead_scores": {"contact_id": "VARCHAR", "lead_score": "INTEGER"},
}
SERIES_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
TABLE_FUNCTIONS = frozenset(MACRO_COLUMNS) | SERIES_FUNCTIONS

_DENIED_EXACT: dict[str, str] = {
    "glob": "it reads files",
    "sniff_csv": "it reads files",
    "st_read": "it reads files",
    "current_setting": "it reads settings",
    "getenv": "it reads the environment",
    "which_secret": "it reads secrets",
    "load_extension": "it loads extensions",
    "install_extension": "it installs extensions",
    "query": "it runs SQL text",
    "query_table": "it runs SQL text",
    "json_execute_serialized_sql": "it runs SQL text",
    "set_config": "it changes settings",
    "setval": "it changes sequences",
    "nextval": "it changes sequences",
}
_DENIED_PREFIX: tuple[tuple[str, str], ...] = (
    ("read_", "it reads files"),
    ("parquet_", "it reads files"),
    ("iceberg_", "it reads files"),
    ("delta_", "it reads files"),
    ("duckdb_", "it reads the engine's internals"),
    ("pragma_", "it runs a pragma"),
)
_DENIED_SUFFIX: tuple[tuple[str, str], ...] = (("_scan", "it reads files or other databases"),)

_FORBIDDEN_NODES: tuple[type[exp.Expr], ...] = tuple(
    getattr(exp, name)
    for name in (
        "Insert",
        "Update",
        "Delete",
        "Merge",
        "Create",
        "Drop",
        "Alter",
        "Command",
        "Copy",
        "Pragma",
        "Set",
        "Attach",
        "Detach",
        "Install",
        "Use",
        "Describe",
        "Show",
        "Transaction",
        "Commit",
        "Rollback",
        "LoadData",
        "Summarize",
        "TruncateTable",
        "Analyze",
    )
    if hasattr(exp, name)
)


def denied_reason(function: str) -> str | None:
    """Why a function may not run, or None when it is harmless.

    >>> denied_reason("read_csv_auto")
    'it reads files'
    >>> denied_reason("lower") is None
    True
    """
    name = function.lower()
    if name in _DENIED_EXACT:
        return _DENIED_EXACT[name]
    for prefix, why in _DENIED_PREFIX:
        if name.startswith(prefix):
            return why
    for suffix, why in _DENIED_SUFFIX:
        if name.endswith(suffix):
            return why
    return None


def known_schema(schema: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, str]]:
    """Every table SQL may name, with its columns: the warehouse's, the macros' and the ``user_*`` ones given.

    Args:
        schema: the live warehouse's tables (see ``warehouse_schema``); only its ``user_*`` tables
            and the stored derived tables (``rfm_20260630``) are added, so a stray table in the
            file never becomes queryable.
    """
    out = sql_schema()
    out[META_TABLE] = {"key": "VARCHAR", "value": "VARCHAR"}
    out.update(MACRO_COLUMNS)
    for name, cols in (schema or {}).items():
        if name.lower().startswith("user_") or is_stored(name):
            out[name.lower()] = {c.lower(): t for c, t in cols.items()}
    return out


def warehouse_schema(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """The tables of an open warehouse and their column types, as ``validate`` takes them.

    The saved-segment tables are always there: ``run_query`` puts them on the connection from
    their own store (``segmenta.warehouse.userstore``).
    """
    if hasattr(con, "schema_rows"):  # Spark's temporary views have no information_schema
        rows: list[tuple[str, str, str]] = con.schema_rows()
    else:
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        ).fetchall()
    from segmenta.warehouse.userstore import COLUMNS

    out: dict[str, dict[str, str]] = {t: dict(cols) for t, cols in COLUMNS.items()}
    for table, column, type_ in rows:
        if str(table) not in COLUMNS:  # the saved segments' store is read, never an old copy's columns
            out.setdefault(str(table), {})[str(column)] = str(type_)
    return out


def _function_name(f: exp.Func) -> str:
    if isinstance(f, exp.Anonymous):
        return str(f.name).lower()
    if isinstance(f, exp.GenerateSeries):
        return "range" if f.args.get("is_end_exclusive") else "generate_series"
    return f.sql_name().lower()


def _statement_name(e: exp.Expr) -> str:
    if isinstance(e, exp.Command):
        return str(e.this).upper()
    if isinstance(e, (exp.Column, exp.Identifier)):
        return str(e.name).upper()
    return e.key.upper()


def _parse(sql: str) -> exp.Query:
    if not sql.strip():
        raise SqlValidationError("no SQL to run: the text is empty")
    log = logging.getLogger("sqlglot")
    level = log.level
    log.setLevel(logging.ERROR)  # "falling back to Command" warnings: the statement is refused anyway
    try:
        parsed = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except ParseError as e:
        err = e.errors[0] if e.errors else {}
        where = f" at line {err.get('line')}, column {err.get('col')}" if err.get("line") else ""
        what = _TOKEN.sub(r"'\1'", str(err.get("description") or e).splitlines()[0])
        raise SqlValidationError(f"SQL syntax error{where}: {what}") from e
    finally:
        log.setLevel(level)
    if not parsed:
        raise SqlValidationError("no SQL to run: the text holds only comments")
    if len(parsed) > 1:
        kinds = ", ".join(_statement_name(s) for s in parsed)
        raise SqlValidationError(f"only one statement can run: found {len(parsed)} ({kinds})")
    stmt = parsed[0]
    while isinstance(stmt, exp.Subquery):
        stmt = stmt.this
    if not isinstance(stmt, (exp.Select, exp.SetOperation)):
        raise SqlValidationError(f"only SELECT statements can run: found {_statement_name(stmt)}")
    return stmt


def _check_statements(stmt: exp.Query) -> None:
    for node in stmt.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise SqlValidationError(
                f"only SELECT statements can run: found {_statement_name(node)} inside the query"
            )
        if isinstance(node, exp.Select) and node.args.get("into"):
            raise SqlValidationError("SELECT ... INTO cannot run: it creates a table")


MAX_BUILT_STRING = 1_000_000
"""The longest text ``repeat`` / ``lpad`` / ``rpad`` may build: one such call is a single step
that neither the memory limit nor the time limit can stop halfway."""


def _check_string_size(f: exp.Func) -> None:
    """``repeat(s, n)`` and ``lpad/rpad(s, n, …)`` need a literal ``n`` of at most MAX_BUILT_STRING.

    >>> big = sqlglot.parse_one("SELECT repeat('x', 2000000000)", dialect="duckdb")
    >>> _check_string_size(big.find(exp.Func))
    Traceback (most recent call last):
    ...
    segmenta.errors.SqlValidationError: repeat builds a text of 2,000,000,000 characters: at most 1,000,000
    """
    if isinstance(f, exp.Repeat):
        name, size = "repeat", f.args.get("times")
    elif isinstance(f, exp.Pad):
        name, size = ("lpad" if f.args.get("is_left") else "rpad"), f.args.get("expression")
    else:
        return
    if not (isinstance(size, exp.Literal) and size.is_int):
        raise SqlValidationError(f"{name} needs a plain number for its length (at most {MAX_BUILT_STRING:,})")
    n = int(size.this)
    if n > MAX_BUILT_STRING:
        raise SqlValidationError(f"{name} builds a text of {n:,} characters: at most {MAX_BUILT_STRING:,}")


def _check_functions(stmt: exp.Query) -> None:
    for f in stmt.find_all(exp.Func):
        name = _function_name(f)
        why = denied_reason(name)
        if why:
            raise SqlValidationError(f"function {name} is not allowed: {why}")
        _check_string_size(f)
        # a table function stands as the table of FROM / JOIN, never inside a join's ON condition
        parent = f.parent
        in_from = isinstance(parent, (exp.Table, exp.From, exp.Lateral)) or (
            isinstance(parent, exp.Join) and f.arg_key == "this"
        )
        if in_from and name not in TABLE_FUNCTIONS:
            allowed = ", ".join(sorted(TABLE_FUNCTIONS))
            raise SqlValidationError(f"table function {name} is not allowed: FROM may only call {allowed}")


def _check_tables(stmt: exp.Query, known: dict[str, dict[str, str]]) -> None:
    ctes = {str(c.alias_or_name).lower() for c in stmt.find_all(exp.CTE)}
    for t in stmt.find_all(exp.Table):
        if not isinstance(t.this, exp.Identifier):
            continue  # a table function, checked by _check_functions
        name = str(t.name).lower()
        if t.args.get("db") or t.args.get("catalog"):
            raise SqlValidationError(
                f"table {t.sql(dialect='duckdb')} names a database or schema: use the bare table name"
            )
        if name in ctes:
            continue
        if name in MACRO_COLUMNS:
            raise SqlValidationError(f"{name} needs the as-of date: write {name}(DATE 'YYYY-MM-DD')")
        if name not in known:
            tables = ", ".join(sorted(n for n in known if n not in MACRO_COLUMNS))
            macros = ", ".join(f"{n}(d)" for n in sorted(MACRO_COLUMNS))
            raise SqlValidationError(f"unknown table '{t.name}' (known: {tables}, {macros})")


_TOKEN = re.compile(r"<Token token_type: [^,]*, text: ([^,]*),[^>]*>")
_COLUMN_ERR = re.compile(r"Column '([^']+)' could not be resolved|Unknown column: (\S+)")
_WHERE_ERR = re.compile(r"Line: (\d+), Col: (\d+)")


def _check_columns(stmt: exp.Query, known: dict[str, dict[str, str]]) -> None:
    probe = stmt.copy()
    for t in list(probe.find_all(exp.Table)):
        if isinstance(t.this, exp.Func) and _function_name(t.this) in MACRO_COLUMNS:
            t.set("this", exp.to_identifier(_function_name(t.this)))
    try:
        qualify(
            probe,
            schema=dict[str, object](known),
            dialect="duckdb",
            validate_qualify_columns=True,
            quote_identifiers=False,
        )
    except OptimizeError as e:
        raise SqlValidationError(_column_message(str(e), stmt, known)) from e
    except sqlglot.errors.SqlglotError as e:
        raise SqlValidationError(f"cannot check the columns of this SQL: {str(e).splitlines()[0]}") from e


def _column_message(error: str, stmt: exp.Query, known: dict[str, dict[str, str]]) -> str:
    m = _COLUMN_ERR.search(error)
    if not m:
        return f"invalid column reference: {error.splitlines()[0]}"
    name = m.group(1) or m.group(2)
    pos = _WHERE_ERR.search(error)
    where = f" at line {pos.group(1)}, column {pos.group(2)}" if pos else ""
    in_scope: set[str] = set()
    for t in stmt.find_all(exp.Table):
        tname = _function_name(t.this) if isinstance(t.this, exp.Func) else str(t.name).lower()
        in_scope.update(known.get(tname, {}))
    for alias in stmt.find_all(exp.Alias):
        in_scope.add(str(alias.alias).lower())
    every = {c for cols in known.values() for c in cols}
    in_scope.discard(name.lower())
    every.discard(name.lower())
    close = difflib.get_close_matches(
        name.lower(), sorted(in_scope), n=1, cutoff=0.5
    ) or difflib.get_close_matches(name.lower(), sorted(every), n=1, cutoff=0.5)
    hint = f": the closest known column is '{close[0]}'" if close else ""
    return f"unknown column '{name}'{where}{hint}"


def validate(sql: str, schema: dict[str, dict[str, str]] | None = None) -> exp.Query:
    """Parse ``sql`` and check it is one safe SELECT over known tables and columns.

    Args:
        sql: the text to run (compiled by segmenta or typed by an analyst).
        schema: the live warehouse's tables (``warehouse_schema(con)``), which adds its ``user_*``
            tables; None checks against the DATA_MODEL tables and macros alone.

    Returns:
        The parsed statement (an ``exp.Select``, or an ``exp.SetOperation`` for UNION and friends).

    Raises:
        SqlValidationError: with a one-line message saying what was refused and where.
    """
    stmt = _parse(sql)
    known = known_schema(schema)
    _check_statements(stmt)
    _check_functions(stmt)
    _check_tables(stmt, known)
    _check_columns(stmt, known)
    return stmt
