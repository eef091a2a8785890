"""The rules a shop's staged rows must pass, run as set-based SQL into one problems table.

Every rule is a predicate over a staged (all-text) table. Clean data costs one aggregate scan per
table (all predicates counted at once); only rules that fire insert their rows into
``import_problems`` with the row, column, value and message. The importer either refuses with the
first problems or, when skipping invalid rows, drops every row named there, and rows that depend
on a dropped row (lines of a dropped order, orders of a dropped contact) are added here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from segmenta.warehouse.csvread import SourceFile
from segmenta.warehouse.schema import TABLES
from segmenta.warehouse.values import gender_known_sql, kind_of, q, text_sql, value_sql

PROBLEMS = "import_problems"

# child table, column -> parent table (its key column has the same name)
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("orders", "contact_id", "contacts"),
    ("order_lines", "order_id", "orders"),
    ("order_lines", "product_id", "products"),
)
# the order in which tables are checked: parents before children, so drops cascade
CHECK_ORDER = ("contacts", "products", "workflows", "orders", "order_lines", "web_events", "message_events")


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
            rules.append(
                Rule(
                    col.name,
                    f"NOT ({empty}) AND {conv} IS NULL",
                    f"not a valid {kind}{hint}",
                    f"bad {kind} in {col.name}",
                )
            )
        if col.name in ("quantity", "returned_quantity"):
            rules.append(Rule(col.name, f"{conv} < 0", f"negative {col.name}", f"negative {col.name}"))
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
