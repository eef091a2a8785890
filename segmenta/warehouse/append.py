"""``segmenta import DIR --append``: add new and changed rows to the current warehouse.

The files in ``DIR`` are read exactly as a full import reads them (the same detection of encoding
and separator, the same column names). Each table is then merged with what the warehouse holds,
by its key: a contact, product, order or workflow whose id is in the files replaces the stored
one (a column the file lacks keeps its stored value); the lines of an order in ``order_lines``
replace all its stored lines; web and message events are added unless the same event is stored
(by ``event_id`` when there is one, else the whole row). The merged tables then go through the
full import, with every check it makes, into a new file that replaces the warehouse only when all
of it passed, so the derived fields (RFM, metrics, catalog) are rebuilt and nothing is
half-appended. Saved segments live in a file of their own and keep their history.

Appending the same files twice changes nothing: the merge of rows already stored is the rows
themselves. The summary says, per table, how many rows were added, changed and already there.
A problem in a row of the files is named by that file's own line: the merged table holds the new
rows first, in their order.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from segmenta.errors import ImportProblem, ShopImportError
from segmenta.warehouse.csvread import SourceFile, discover, sniff, stage
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, TABLES
from segmenta.warehouse.values import lit


@dataclass(frozen=True)
class Merged:
    """One table's merge: rows added, rows changed, rows of the files already stored as they are."""

    table: str
    added: int
    changed: int
    same: int


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def append_shop(src: Path, db: Path, *, skip_invalid: bool = False, progress: Any = None) -> Any:
    """Append the shop files of ``src`` to the warehouse ``db`` (see the module's text).

    Raises:
        ShopImportError: a file cannot be read, or the merged shop fails a check of the import.
    """
    from segmenta.warehouse.importer import import_shop

    src, db = Path(src), Path(db)
    if not db.exists():
        raise ShopImportError(
            [
                ImportProblem(
                    str(db), "there is no warehouse to append to: import the shop first (without --append)"
                )
            ]
        )
    if not src.is_dir():
        raise ShopImportError([ImportProblem(str(src), "not a folder of shop files")])
    files, found, _notes = discover(src)
    # an append brings what changed: no table is required (the warehouse has them all)
    problems = [p for p in found if "required file is missing" not in p.message]
    if not files and not problems:
        problems = [
            ImportProblem(str(src), "no shop files here (contacts.csv, orders.csv, order_lines.csv, ...)")
        ]
    if files and not problems:
        from segmenta.warehouse.fast_append import fast_append
        from segmenta.warehouse.importer import _load_config

        fast = fast_append(src, db, files, _notes, _load_config(db))
        if fast is not None:
            report, tallies = fast
            merged_fast = [Merged(t, *tallies.get(t, (0, 0, 0))) for t in TABLES]
            return _said(report, src, merged_fast)
        files, found, _notes = discover(src)  # the careful path reads them afresh
    con = duckdb.connect()
    work = Path(tempfile.mkdtemp(prefix=f".{db.name}.append-", dir=db.parent))
    try:
        for sf in files.values():
            problems += sniff(sf, con)
            if not problems:
                problems += stage(con, sf)
        if problems:
            raise ShopImportError(problems[:20], total=len(problems))
        con.execute(f"ATTACH {lit(db)} AS cur (READ_ONLY)")
        merged = [_merge(con, name, files.get(name), work) for name in TABLES]
        con.execute("DETACH cur")
        try:
            report = import_shop(work, db, skip_invalid=skip_invalid, progress=progress)
        except ShopImportError as e:
            raise ShopImportError([_their_line(p, files) for p in e.problems], total=e.total) from None
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)
    return _said(report, src, merged)


def _said(report: Any, src: Path, merged: list[Merged]) -> Any:
    """The report of an append: its source, and per table what was added, changed and already there."""
    report.source = src
    report.files = []
    report.appended = True
    said = "; ".join(
        f"{m.table} +{m.added:,} new, {m.changed:,} changed, {m.same:,} already there"
        for m in merged
        if m.added or m.changed or m.same
    )
    report.notes = [f"Appended to the warehouse: {said or 'nothing new'}", *report.notes]
    return report


def _their_line(p: ImportProblem, files: dict[str, SourceFile]) -> ImportProblem:
    """A problem of a merged table, named by the appended file's own line when the row is one of its
    (the merged tables are Parquet, where the importer counts rows from 1, the files' rows first)."""
    table = p.file.removesuffix(".parquet")
    sf = files.get(table)
    # "not in contacts.parquet": the merged table is the warehouse's rows and the appended ones
    message = re.sub(r"\b(\w+)\.parquet\b", r"\1 (the warehouse's and the appended files')", p.message)
    if sf is None or p.line is None or p.line - 1 >= sf.rows:
        return ImportProblem(f"{table} (as stored in the warehouse)", message, p.line, p.column, p.value)
    return ImportProblem(sf.name, message, sf.line_of(p.line - 1), p.column, p.value)


def _merge(con: duckdb.DuckDBPyConnection, name: str, sf: SourceFile | None, work: Path) -> Merged:
    """Write table ``name`` as the files and the warehouse together (the files' rows first)."""
    stored_cols = [c.name for c in TABLES[name].columns]
    as_text = ", ".join(f"CAST({_q(c)} AS VARCHAR) AS {_q(c)}" for c in stored_cols)
    stored_sql = f"(SELECT {as_text} FROM cur.main.{_q(name)})"
    fields: list[str] = []
    new_fields: list[str] = []
    if name == "contacts":  # custom fields come back as the extra columns they were imported from
        got = con.execute(f"SELECT DISTINCT field FROM cur.main.{CUSTOM_FIELDS_TABLE} ORDER BY 1").fetchall()
        fields = [str(r[0]) for r in got]
        if sf is not None:
            new_fields = [sf.columns[c] for c in sf.extra if sf.columns[c] not in fields]
        if fields:
            pivot = ", ".join(
                f"(SELECT f.value FROM cur.main.{CUSTOM_FIELDS_TABLE} f WHERE f.contact_id = s.contact_id "
                f"AND f.field = {lit(x)}) AS {_q(x)}"
                for x in fields
            )
            stored_sql = f"(SELECT s.*, {pivot} FROM {stored_sql} s)"
    columns = [*stored_cols, *fields, *new_fields]
    held = {*stored_cols, *fields}  # the columns the warehouse has a value for
    stored = f"stored_{name}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {stored} AS SELECT * FROM {stored_sql}")
    out = work / f"{name}.parquet"
    copy = f"TO {lit(out)} (FORMAT PARQUET)"
    if sf is None:  # no file for this table: the stored rows as they are
        con.execute(f"COPY (SELECT {', '.join(_q(c) for c in columns)} FROM {stored}) {copy}")
        return Merged(name, 0, 0, 0)
    # the files' rows under their column names (an extra column is staged as _xN)
    real = {c: (sf.columns[c] if c in sf.extra else c) for c in sf.columns}
    listed = ", ".join(f"{_q(c)} AS {_q(r)}" for c, r in real.items())
    new = f"new_{name}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {new} AS "
        f"SELECT {listed}, row_number() OVER () AS _row FROM {sf.staged}"
    )
    new_cols = set(real.values())
    key = _key(name, new_cols)

    def matching(cols: Sequence[str]) -> str:
        return " AND ".join(f"o.{_q(k)} IS NOT DISTINCT FROM n.{_q(k)}" for k in cols)

    # a column the file lacks keeps the stored value of the same row (for an event already stored:
    # the row the file's columns match, which stays as it is)
    pick = ", ".join(
        f"n.{_q(c)}" if c in new_cols else (f"o.{_q(c)}" if c in held else "NULL") + f" AS {_q(c)}"
        for c in columns
    )
    kept = ", ".join(f"o.{_q(c)}" if c in held else f"NULL AS {_q(c)}" for c in columns)
    if key:
        one = " QUALIFY row_number() OVER (PARTITION BY n._row) = 1" if name == "order_lines" else ""
        firsts = f"SELECT {pick} FROM {new} n LEFT JOIN {stored} o ON {matching(key)}{one} ORDER BY n._row"
        # stored rows of keys the files do not hold (for lines: of orders the files do not hold)
        group = ["order_id"] if name == "order_lines" else list(key)
        rest = (
            f"SELECT {kept} FROM {stored} o WHERE NOT EXISTS (SELECT 1 FROM {new} n WHERE {matching(group)})"
        )
    else:  # events: the files' rows, then the stored ones that are not among them
        common = sorted(new_cols & set(stored_cols))
        firsts = (
            f"SELECT {pick} FROM {new} n LEFT JOIN {stored} o ON {matching(common)} "
            "QUALIFY row_number() OVER (PARTITION BY n._row) = 1 ORDER BY n._row"
        )
        rest = (
            f"SELECT {kept} FROM {stored} o WHERE NOT EXISTS (SELECT 1 FROM {new} n WHERE {matching(common)})"
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE merged_{name} AS {firsts}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE rest_{name} AS {rest}")
    compared = [c for c in columns if c in held]  # a new custom field has no stored value
    added, changed, same = _tally(
        con, name, compared, key or tuple(sorted(new_cols & set(stored_cols))), stored
    )
    con.execute(f"COPY (SELECT * FROM merged_{name} UNION ALL SELECT * FROM rest_{name}) {copy}")
    return Merged(name, added, changed, same)


def _key(name: str, new_cols: set[str]) -> tuple[str, ...]:
    """The columns that say two rows are one: the table's key, ``event_id`` for web events."""
    table = TABLES[name]
    if table.key:
        return tuple(table.key)
    if name == "web_events" and "event_id" in new_cols:
        return ("event_id",)
    return ()


def _tally(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[str], key: tuple[str, ...], stored: str
) -> tuple[int, int, int]:
    """(added, changed, already there) of the files' rows against the stored ones."""
    if not key:
        return 0, 0, 0
    on = " AND ".join(f"o.{_q(k)} IS NOT DISTINCT FROM m.{_q(k)}" for k in key)
    same = " AND ".join(f"o.{_q(c)} IS NOT DISTINCT FROM m.{_q(c)}" for c in columns)
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM {stored} o WHERE {on})), "
        f"count(*) FILTER (WHERE EXISTS (SELECT 1 FROM {stored} o WHERE {on}) "
        f"AND NOT EXISTS (SELECT 1 FROM {stored} o WHERE {same})), "
        f"count(*) FILTER (WHERE EXISTS (SELECT 1 FROM {stored} o WHERE {same})) FROM merged_{name} m"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])
