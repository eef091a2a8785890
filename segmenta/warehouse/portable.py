"""An answer's SQL written for another engine: ``segmenta ask TEXT --sql-for bigquery``.

A shop whose tables live in BigQuery, Snowflake, Postgres or Spark in DATA_MODEL's layout (the
tables and columns of ``segmenta import``) can run there the statement segmenta validated and ran
here. The statement is made self-contained first: each stored derived table (``rfm_20260630``)
becomes its macro's call again, and each macro call (``rfm(DATE '2026-06-30')``) its body for that
date, with this warehouse's settings (the RFM method and cut points, the lead score's points); then
sqlglot writes it in the engine's dialect, with the pitfalls that transpiling alone gets wrong fixed
(``remote.translate``: week starts, accent folding, exact substring search, date series, the n
first ids). The result must parse again in that dialect, or nothing is shown.

Postgres and Spark run these rules in the tests on every dev case; BigQuery and Snowflake, which do
not run here, are held to golden files of the same cases (``tests/warehouse/golden``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from segmenta.errors import SegmentaError, say

ENGINES = {"bigquery": "BigQuery", "snowflake": "Snowflake", "postgres": "Postgres", "spark": "Spark"}
"""``--sql-for`` value -> the engine's name as shown."""
LOCAL_ONLY = ("user_segments", "user_segment_members", "user_segment_history")
"""Tables that exist in this warehouse only (saved segments' snapshots), never in a shop's own."""


def sql_for(sql: str, dialect: str, db: Path) -> str:
    """``sql`` (segmenta's validated DuckDB statement) as ``dialect`` runs it over the shop's tables,
    self-contained; the settings of the warehouse ``db`` give the derived fields' definitions."""
    from segmenta.warehouse.config import load_config
    from segmenta.warehouse.derived import macro_definitions

    if dialect not in ENGINES:
        raise SegmentaError(
            say(
                f"--sql-for {dialect!r}: use one of {', '.join(ENGINES)}",
                f"--sql-for {dialect!r}: usa uno de {', '.join(ENGINES)}",
            )
        )
    return portable(sql, dialect, macro_definitions(load_config(db)))


def portable(sql: str, dialect: str, macros: dict[str, str]) -> str:
    """``sql`` with stored tables and macro calls in place (``macros``: name -> body over ``d``),
    written in ``dialect`` and checked to parse there again.

    >>> macros = {"rfm": "SELECT contact_id, d AS day FROM orders"}
    >>> print(portable("SELECT r.contact_id FROM rfm_20260630 AS r", "bigquery", macros))
    SELECT
      r.contact_id
    FROM (
      SELECT
        contact_id,
        CAST('2026-06-30' AS DATE) AS day
      FROM orders
    ) AS r
    """
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from segmenta.warehouse.derived import is_stored
    from segmenta.warehouse.remote import translate
    from segmenta.warehouse.spark import inline_macros

    tree = sqlglot.parse_one(sql, read="duckdb")
    for table in tree.find_all(exp.Table):
        name = table.name.lower()
        if name in LOCAL_ONLY:
            raise SegmentaError(
                say(
                    "this answer reads a saved segment's snapshot, which lives in this warehouse only: "
                    "save the segment as a definition (dynamic) to run its SQL elsewhere",
                    "esta respuesta lee la foto de un segmento guardado, que solo existe en este almacén: "
                    "guarda el segmento como definición (dinámico) para ejecutar su SQL en otro sitio",
                )
            )

    def unstore(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier) and is_stored(node.name):
            macro, _, day = node.name.lower().rpartition("_")
            when = date(int(day[:4]), int(day[4:6]), int(day[6:]))
            call = exp.Anonymous(
                this=macro, expressions=[exp.cast(exp.Literal.string(when.isoformat()), "DATE")]
            )
            alias = node.args.get("alias")
            return exp.Table(this=call, alias=alias.copy() if alias else None)
        return node

    whole = inline_macros(tree.transform(unstore).sql("duckdb"), macros)
    out = translate(whole, dialect, pretty=True)
    try:  # what is shown parses in that dialect as the very statement written
        again = sqlglot.parse_one(out, read=dialect).sql(dialect)
    except SqlglotError as e:  # pragma: no cover - a rule above wrote what its dialect cannot read
        raise SegmentaError(f"the SQL written for {ENGINES[dialect]} does not parse there: {e}") from e
    if again != translate(whole, dialect):  # pragma: no cover - the same guard
        raise SegmentaError(f"the SQL written for {ENGINES[dialect]} does not read back as itself")
    return out
