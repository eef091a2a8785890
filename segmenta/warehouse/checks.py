"""The rules a shop's staged rows must pass, run as set-based SQL into one problems table.

Every rule is a predicate over a staged (all-text) table. Clean data costs one aggregate scan per
table (all predicates counted at once); only rules that fire insert their rows into
``import_problems`` with the row, column, value and message. The importer either refuses with the
first problems or, when skipping invalid rows, drops every row named there, and rows that depend
on a dropped row (lines of a dropped order, orders of a dropped contact) are added here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from segmenta.warehouse.csvread import SourceFile
from segmenta.warehouse.schema import TABLES
from segmenta.warehouse.values import (
    gender_known_sql,
    kind_of,
    q,
    read_text_sql,
    text_sql,
    untidy_sql,
    value_sql,
)

PROBLEMS = "import_problems"

# child table, column -> parent table (its key column has the same name)
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("orders", "contact_id", "contacts"),
    ("order_lines", "order_id", "orders"),
    ("order_lines", "product_id", "products"),
)
# the order in which tables are checked: parents before children, so drops cascade
CHECK_ORDER = ("contacts", "products", "workflows", "orders", "order_lines", "web_events", "message_events")


# amounts that cannot be below zero (a refund is a returned quantity or a status, not a negative sale)
_NOT_NEGATIVE: dict[str, tuple[str, ...]] = {
    "orders": ("total_amount",),
    "order_lines": ("unit_price",),
    "products": ("price",),
}
_FIRST_BIRTH = "1900-01-01"


@dataclass(frozen=True)
class Rule:
    """One row rule: rows where ``where`` holds have a problem in ``column`` with ``message``."""

    column: str
    where: str
    message: str
    reason: str


def _key(col: str, alias: str = "") -> str:
    """An id cell as the warehouse keeps it (trimmed, empty = NULL), optionally of a table alias.

    >>> print(_key('order_id', 's'))
    nullif(trim(s."order_id"), '')
    """
    return f"nullif(trim({alias + '.' if alias else ''}{q(col)}), '')"


def create_problems_table(con: duckdb.DuckDBPyConnection) -> None:
    """The temporary table every check writes into."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {PROBLEMS} (file_ord INTEGER, tbl VARCHAR, row_ BIGINT, line_ BIGINT, "
        "col_ord INTEGER, col VARCHAR, value VARCHAR, message VARCHAR, reason VARCHAR, other_row BIGINT)"
    )


def value_rules(sf: SourceFile, *, decimal_comma: bool, spanish_letters: bool) -> list[Rule]:
    """The per-value rules of one file: required values, readable values, sane quantities."""
    table = TABLES[sf.table]
    rules: list[Rule] = []
    for col in table.columns:
        if col.name not in sf.columns:
            continue
        empty = f"{text_sql(col.name)} IS NULL"
        if col.required:
            rules.append(Rule(col.name, empty, "missing required value", f"missing {col.name}"))
        conv = value_sql(col.name, col.type, decimal_comma=decimal_comma, spanish_letters=spanish_letters)
        if col.name == "gender":
            words = "male/female/other, M/F, H/M, hombre/mujer, man/woman, otro, x"
            rules.append(
                Rule(
                    col.name,
                    f"NOT {gender_known_sql(col.name)} AND {conv} IS NULL",
                    f"unknown gender (use {words})",
                    "unknown gender",
                )
            )
        elif col.type != "VARCHAR":
            kind = kind_of(col.type)
            hint = {
                "timestamp": " (use ISO 8601, e.g. 2026-03-01 10:15:00)",
                "date": " (use ISO 8601, e.g. 1990-05-17)",
                "boolean": " (use true/false, 1/0, yes/no, sí/no)",
            }.get(kind, "")
            bad = f"NOT ({empty}) AND {conv} IS NULL"
            if kind in ("timestamp", "date"):
                # "2026-02-30" is written the right way: the day is what does not exist
                v = text_sql(col.name)
                no_day = (
                    f"regexp_matches({v}, '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                    f"AND try_strptime(left({v}, 10), '%Y-%m-%d') IS NULL"
                )
                rules.append(
                    Rule(
                        col.name,
                        f"{bad} AND {no_day}",
                        "no such day in the calendar",
                        f"impossible day in {col.name}",
                    )
                )
                bad = f"{bad} AND NOT coalesce({no_day}, false)"
            rules.append(Rule(col.name, bad, f"not a valid {kind}{hint}", f"bad {kind} in {col.name}"))
        if col.name in ("quantity", "returned_quantity") or col.name in _NOT_NEGATIVE.get(sf.table, ()):
            rules.append(Rule(col.name, f"{conv} < 0", f"negative {col.name}", f"negative {col.name}"))
        if col.name == "birth_date":
            # a birth date in year 99999 would match "younger than 18": refused, like any bad value
            rules.append(
                Rule(
                    col.name,
                    f"{conv} < DATE '{_FIRST_BIRTH}' OR {conv} > current_date",
                    f"birth date outside {_FIRST_BIRTH} .. today",
                    "impossible birth date",
                )
            )
    if sf.table == "order_lines" and {"quantity", "returned_quantity"} <= set(sf.columns):
        qty = value_sql("quantity", "INTEGER")
        ret = value_sql("returned_quantity", "INTEGER")
        rules.append(
            Rule(
                "returned_quantity",
                f"{ret} > {qty}",
                "returned_quantity is more than quantity",
                "returned more than bought",
            )
        )
    return rules


def run_value_rules(con: duckdb.DuckDBPyConnection, sf: SourceFile, rules: list[Rule], file_ord: int) -> None:
    """Count every rule in one scan, then record the rows of the rules that fired."""
    if not rules or sf.rows == 0:
        return
    counts = con.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {r.where})" for r in rules) + f" FROM {sf.staged}"
    ).fetchone()
    order = TABLES[sf.table].column_names
    for rule, n in zip(rules, counts or (), strict=True):
        if n:
            con.execute(
                f"INSERT INTO {PROBLEMS} SELECT ?, ?, rowid, NULL, ?, ?, {q(rule.column)}, ?, ?, NULL "
                f"FROM {sf.staged} WHERE {rule.where}",
                [file_ord, sf.table, order.index(rule.column), rule.column, rule.message, rule.reason],
            )


def run_duplicate_rule(con: duckdb.DuckDBPyConnection, sf: SourceFile, file_ord: int) -> None:
    """Rows whose id was already used on an earlier row (the first one is kept)."""
    table = TABLES[sf.table]
    if not (table.unique and len(table.key) == 1) or table.key[0] not in sf.columns:
        return
    key = table.key[0]
    con.execute(
        f"INSERT INTO {PROBLEMS} SELECT ?, ?, s.rowid, NULL, 0, ?, s.{q(key)}, ?, ?, d.first_row "
        f"FROM {sf.staged} s JOIN (SELECT {_key(key)} AS k, min(rowid) AS first_row FROM {sf.staged} "
        f"WHERE {_key(key)} IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d ON {_key(key, 's')} = d.k "
        "WHERE s.rowid <> d.first_row",
        [file_ord, sf.table, table.key[0], f"duplicate {table.key[0]}", f"duplicate {table.key[0]}"],
    )


def run_reference_rules(
    con: duckdb.DuckDBPyConnection,
    sf: SourceFile,
    files: dict[str, SourceFile],
    file_ord: int,
    *,
    cascade: bool,
) -> None:
    """Rows naming a parent that is not in the parent's file; with ``cascade``, one that was dropped."""
    order = TABLES[sf.table].column_names
    for child, col, parent in REFERENCES:
        if child != sf.table or col not in sf.columns or parent not in files or not files[parent].loaded:
            continue
        pf = files[parent]
        fk = f"s.{q(col)}"
        fk_text = _key(col, "s")
        all_keys = f"SELECT {_key(col)} AS k FROM {pf.staged}"
        con.execute(
            f"INSERT INTO {PROBLEMS} SELECT ?, ?, s.rowid, NULL, ?, ?, {fk}, ?, ?, NULL FROM {sf.staged} s "
            f"ANTI JOIN ({all_keys}) p ON {fk_text} = p.k WHERE {fk_text} IS NOT NULL",
            [
                file_ord,
                sf.table,
                order.index(col),
                col,
                f"unknown {col}: not in {pf.name}",
                f"unknown {parent[:-1]}",
            ],
        )
        if not cascade:
            continue
        dropped = f"SELECT row_ FROM {PROBLEMS} WHERE tbl = '{parent}' AND row_ IS NOT NULL"
        kept_keys = f"{all_keys} WHERE rowid NOT IN ({dropped})"
        con.execute(
            f"INSERT INTO {PROBLEMS} SELECT ?, ?, s.rowid, NULL, ?, ?, {fk}, ?, ?, NULL FROM {sf.staged} s "
            f"WHERE {fk_text} IN ({all_keys}) AND {fk_text} NOT IN ({kept_keys})",
            [
                file_ord,
                sf.table,
                order.index(col),
                col,
                f"its {parent[:-1]} was dropped",
                f"{parent[:-1]} was dropped",
            ],
        )


def spanish_letters(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    """True when the gender column of ``relation`` uses H (hombre) and no F: then M means mujer."""
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE lower(trim(gender)) = 'h'), "
        f"count(*) FILTER (WHERE lower(trim(gender)) = 'f') FROM {relation}"
    ).fetchone()
    return bool(row and row[0] > 0 and row[1] == 0)


# The fast path: the same rules, asked of the typed tables as yes/no questions. A "no" (or a
# constraint raising) sends the import down the careful path above, which names every problem.


def tidy_text_columns(con: duckdb.DuckDBPyConnection, sf: SourceFile) -> bool:
    """Give a loaded table's cased and mapped text columns their warehouse form in place; False on a problem.

    They are loaded as read (``values.read_text_sql``), then compared with ``value_sql`` in one
    scan (cheap: these are codes, and DuckDB maps a dictionary-compressed column once per distinct
    value); only columns that differ are rewritten. An unknown gender returns False.
    """
    table = TABLES[sf.table]
    if sf.rows == 0:
        return True
    spanish = sf.table == "contacts" and "gender" in sf.columns and spanish_letters(con, table.name)
    text = [
        c.name
        for c in table.columns
        if c.type == "VARCHAR" and c.name in sf.columns and read_text_sql(c.name) is None
    ]
    if not text:
        return True
    conv = {c: value_sql(c, "VARCHAR", spanish_letters=spanish) for c in text}
    tests = [f"count(*) FILTER (WHERE {untidy_sql(c, spanish_letters=spanish)})" for c in text]
    if "gender" in conv:
        tests.append(f"count(*) FILTER (WHERE NOT {gender_known_sql('gender')} AND {conv['gender']} IS NULL)")
    counts = con.execute(f"SELECT {', '.join(tests)} FROM {table.name}").fetchone() or ()
    if "gender" in conv and counts[-1]:
        return False
    keys = set(table.key) if table.unique else set()
    for col, n in zip(text, counts, strict=False):
        if not n:
            continue
        if col in keys:
            return False
        con.execute(
            f"UPDATE {table.name} SET {q(col)} = {conv[col]} WHERE {q(col)} IS DISTINCT FROM {conv[col]}"
        )
    return True


def typed_tables_pass(
    con: duckdb.DuckDBPyConnection,
    files: dict[str, SourceFile],
    parent: Callable[[str], str] | None = None,
) -> bool:
    """True when the loaded tables break no rule the constraints leave open: references, quantities.

    ``parent`` gives the relation of the ids a reference may name (an append: the parent's rows in
    the files and in the warehouse); without it, the parent's loaded table, when there is one.
    """
    tests: list[str] = []
    for child, col, table in REFERENCES:
        if child in files and (parent or table in files) and col in files[child].columns:
            key = TABLES[table].key[0]
            ids = parent(table) if parent else table
            tests.append(
                f"SELECT count(*) FROM {child} c ANTI JOIN {ids} p ON c.{q(col)} = p.{q(key)} "
                f"WHERE c.{q(col)} IS NOT NULL"
            )
    if "order_lines" in files:
        tests.append(
            "SELECT count(*) FROM order_lines WHERE quantity < 0 OR returned_quantity < 0 "
            "OR returned_quantity > quantity"
        )
    for table, columns in _NOT_NEGATIVE.items():
        present = [c for c in columns if table in files and c in files[table].columns]
        if present:
            tests.append(f"SELECT count(*) FROM {table} WHERE " + " OR ".join(f"{q(c)} < 0" for c in present))
    if "contacts" in files and "birth_date" in files["contacts"].columns:
        tests.append(
            "SELECT count(*) FROM contacts "
            f"WHERE birth_date < DATE '{_FIRST_BIRTH}' OR birth_date > current_date"
        )
    return all(not (con.execute(sql).fetchone() or (0,))[0] for sql in tests)
