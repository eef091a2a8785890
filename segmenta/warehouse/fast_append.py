"""The fast path of ``segmenta import DIR --append``: the new rows merged into a copy of the warehouse.

A daily append brings a few hundred orders to a warehouse of millions of rows; rebuilding the whole
shop from text (the careful path of ``append``) costs as much as a full import. Here, as in the
import's own fast path, each file is read once straight into a typed table of its own (an
in-memory database with the warehouse's schema: its strict conversions, NOT NULL and primary keys
apply), its text columns tidied, and the typed rows asked the import's remaining questions, with a
reference allowed to name a row the warehouse already holds. The rows are then merged by key into
a copy of the warehouse, in the same way the careful path merges them (a column the file lacks
keeps its stored value; an order's lines replace its stored lines; an event already stored is not
added twice), and the copy replaces the warehouse only when all of it went through.

It words nothing: at the first doubt (a value a strict conversion refuses, a duplicate, a reference
to nothing, a file that only staging reads) it gives up, and ``append`` goes down the careful path,
which names file, line, column and rule. The derived fields are table macros over the tables, so
they follow the new rows with nothing to rebuild; saved segments keep to their own file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from segmenta.warehouse import checks
from segmenta.warehouse.csvread import SourceFile, sniff
from segmenta.warehouse.import_report import ImportReport
from segmenta.warehouse.locks import write_lock
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, META_TABLE, TABLES, create_schema
from segmenta.warehouse.values import lit, q

Tally = tuple[int, int, int]
"""(added, changed, already there) of one table's rows in the files."""


def fast_append(
    src: Path, db: Path, files: dict[str, SourceFile], notes: list[str], config: Any
) -> tuple[ImportReport, dict[str, Tally]] | None:
    """Append ``files`` to ``db`` on the fast path; None when the careful path must decide.

    Returns:
        The import report of the new warehouse and each appended table's tally.
    """
    from segmenta.warehouse.importer import _extra_columns, _fast_load, _fill_figures, _new_report

    started = time.perf_counter()
    tmp = db.with_name(f"{db.name}.appending-{os.getpid()}")
    wal = Path(f"{tmp}.wal")
    with write_lock(db, "append of " + str(src)):
        try:
            _copy(db, tmp)
            con = duckdb.connect()
            try:
                con.execute(f"ATTACH {lit(tmp)} AS w")
                create_schema(con)  # the files' rows, typed, in memory
                if not _load(con, files, _fast_load):
                    return None
                report = _new_report(src, db, files, notes)
                for sf in files.values():
                    _extra_columns(con, sf, "", report)
                tallies = {name: _merge(con, name, files[name]) for name in TABLES if name in files}
                fields_changed = "contacts" in files and _merge_custom_fields(con, files["contacts"])
                con.execute("USE w")
                _finish(con, config, src)
                _fill_figures(con, report)
                con.execute("USE memory")
                con.execute("DETACH w")
            finally:
                con.close()
            report.unchanged = not fields_changed and not any(
                added or changed for added, changed, _ in tallies.values()
            )
            if not report.unchanged:  # the same files twice: the warehouse is left byte for byte
                os.replace(tmp, db)
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{db}.wal").unlink()  # the old file's log must not replay onto the new one
        except duckdb.Error:
            return None  # a constraint or a strict conversion refused a row: the careful path words it
        finally:
            for path in (tmp, wal):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
    report.elapsed = time.perf_counter() - started
    return report, tallies


def _copy(db: Path, tmp: Path) -> None:
    """The warehouse (and its log, when it has one) copied beside it."""
    shutil.copyfile(db, tmp)
    log = Path(f"{db}.wal")
    if log.exists():
        shutil.copyfile(log, Path(f"{tmp}.wal"))


def _load(con: duckdb.DuckDBPyConnection, files: dict[str, SourceFile], fast_load: Any) -> bool:
    """Each file into its typed in-memory table, tidied and checked; False at the first doubt."""
    con.execute("SET preserve_insertion_order = true")  # "the files' rows first, in their order"
    for table in checks.CHECK_ORDER:
        sf = files.get(table)
        if sf is None:
            continue
        if sniff(sf, con) or not fast_load(con, sf) or not checks.tidy_text_columns(con, sf):
            return False
    return checks.typed_tables_pass(con, files, parent=_parent_keys)


def _parent_keys(parent: str) -> str:
    """The ids a reference may name: the parent's rows in the files and in the warehouse."""
    key = q(TABLES[parent].key[0])
    return f"(SELECT {key} FROM memory.main.{parent} UNION ALL SELECT {key} FROM w.main.{parent})"


def _merge(con: duckdb.DuckDBPyConnection, name: str, sf: SourceFile) -> Tally:
    """Merge the typed rows of table ``name`` into the warehouse copy; the tally of its rows."""
    table = TABLES[name]
    given = [c for c in table.column_names if c in sf.columns]
    key: list[str] = list(table.key) if table.key else []
    if name == "web_events" and "event_id" in sf.columns:
        key = ["event_id"]
    if not key:  # events without an id: the same row is the same event
        key = given
    on = " AND ".join(f"o.{q(k)} IS NOT DISTINCT FROM n.{q(k)}" for k in key)

    def pick(c: str) -> str:
        if c in given:
            return f"n.{q(c)}"
        # a line the file gives without its returns keeps the stored ones (a new line: none)
        return f"coalesce(o.{q(c)}, 0)" if (name, c) == ("order_lines", "returned_quantity") else f"o.{q(c)}"

    cols = ", ".join(f"{pick(c)} AS {q(c)}" for c in table.column_names)
    same = " AND ".join(f"o.{q(c)} IS NOT DISTINCT FROM n.{q(c)}" for c in given)
    if name == "contacts":
        same += _same_custom_fields(con, sf)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE merged AS SELECT {cols}, o._hit IS NOT NULL AS _stored, "
        f"o._hit IS NOT NULL AND {same} AS _same "
        f"FROM (SELECT *, row_number() OVER () AS _row FROM memory.main.{name}) n "
        f"LEFT JOIN (SELECT *, true AS _hit FROM w.main.{name}) o ON {on} "
        "QUALIFY row_number() OVER (PARTITION BY n._row) = 1 ORDER BY n._row"
    )
    row = con.execute(
        "SELECT count(*) FILTER (WHERE NOT _stored), count(*) FILTER (WHERE _stored AND NOT _same), "
        "count(*) FILTER (WHERE _same) FROM merged"
    ).fetchone()
    # an order's lines in the files replace all its stored lines; any other row replaces its stored self
    group = ["order_id"] if name == "order_lines" else key
    match = " AND ".join(f"o.{q(k)} IS NOT DISTINCT FROM n.{q(k)}" for k in group)
    con.execute(
        f"DELETE FROM w.main.{name} o WHERE EXISTS (SELECT 1 FROM memory.main.{name} n WHERE {match})"
    )
    names = ", ".join(q(c) for c in table.column_names)
    con.execute(f"INSERT INTO w.main.{name} ({names}) SELECT {names} FROM merged")
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def _custom_fields(sf: SourceFile) -> list[str]:
    """The custom fields a contacts file brings (its named extra columns), as the import keeps them."""
    from segmenta.warehouse.importer import _custom_columns

    return [sf.columns[n].lower() for n in _custom_columns(sf)]


def _same_custom_fields(con: duckdb.DuckDBPyConnection, sf: SourceFile) -> str:
    """The test that a stored contact's custom fields are those of the file, for the fields the
    warehouse already keeps (a new field has no stored value to differ from, as on the careful path)."""
    held = {
        str(r[0]) for r in con.execute(f"SELECT DISTINCT field FROM w.main.{CUSTOM_FIELDS_TABLE}").fetchall()
    }
    fields = [f for f in _custom_fields(sf) if f in held]
    if not fields:
        return ""
    listed = ", ".join(f"({lit(f)})" for f in fields)

    def value(db: str) -> str:
        return (
            f"(SELECT x.value FROM {db}.main.{CUSTOM_FIELDS_TABLE} x "
            "WHERE x.contact_id = n.contact_id AND x.field = f.f)"
        )

    return (
        f" AND NOT EXISTS (SELECT 1 FROM (VALUES {listed}) f(f) "
        f"WHERE {value('w')} IS DISTINCT FROM {value('memory')})"
    )


def _merge_custom_fields(con: duckdb.DuckDBPyConnection, sf: SourceFile) -> bool:
    """The files' custom fields replace those fields of their contacts (an empty cell removes one);
    True when that changed any (a new field included, which the tally of rows does not count)."""
    fields = _custom_fields(sf)
    if not fields:
        return False
    listed = ", ".join(lit(f) for f in fields)
    stored = (
        f"SELECT contact_id, field, value FROM w.main.{CUSTOM_FIELDS_TABLE} WHERE field IN ({listed}) "
        "AND contact_id IN (SELECT contact_id FROM memory.main.contacts)"
    )
    given = f"SELECT contact_id, field, value FROM memory.main.{CUSTOM_FIELDS_TABLE}"
    row = con.execute(
        f"SELECT (SELECT count(*) FROM ({stored} EXCEPT ALL {given})) "
        f"+ (SELECT count(*) FROM ({given} EXCEPT ALL {stored}))"
    ).fetchone()
    con.execute(
        f"DELETE FROM w.main.{CUSTOM_FIELDS_TABLE} WHERE field IN ({listed}) "
        "AND contact_id IN (SELECT contact_id FROM memory.main.contacts)"
    )
    con.execute(f"INSERT INTO w.main.{CUSTOM_FIELDS_TABLE} SELECT * FROM memory.main.{CUSTOM_FIELDS_TABLE}")
    return bool(row and row[0])


def _finish(con: duckdb.DuckDBPyConnection, config: Any, src: Path) -> None:
    """The macros for the current settings, the meta table stamped, the copy checkpointed."""
    from segmenta.warehouse.derived import install_macros

    if config is not None:
        # a daily append stores the derived tables for today only, the date answers take unless told
        # otherwise: storing the data's last day too would double the append's time at 1M contacts
        install_macros(con, config, days=[date.today()])
    stamp = {"imported_at": datetime.now().isoformat(timespec="seconds"), "appended_from": str(src.resolve())}
    for k, v in stamp.items():
        con.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)", [k, v])
    con.execute("CHECKPOINT")
