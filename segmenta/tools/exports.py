"""Audience files for Meta and Google Ads (and a plain contact CSV) from a segment's SQL.

A segment's SQL (one ``contact_id`` column) is joined to the contacts in DuckDB, which normalises
them (emails and phones by ``audience_sql``'s SQL, the values that repeat once each by
``normalize``), hashes them with SHA-256 unless the marketer asks for plain values, and builds each
line of the file; the lines are written to a temporary file that replaces the target only when
everything was written. By default only contacts with
``ads_consent`` are exported; a contact with no usable match key is left out; a value that cannot
be normalised is left empty. Every one of these is counted in the ``Preflight``, which also
shows how many rows carry each match key and the first rows before and after hashing.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from segmenta.cells import SQL_SPREADSHEET_TEXT
from segmenta.errors import ExportError, QueryError, cannot_write, say
from segmenta.files import check_writable, default_name, put
from segmenta.locale_text import integer
from segmenta.tools import audience_sql as aq
from segmenta.tools import normalize as nz
from segmenta.warehouse import remote, userstore
from segmenta.warehouse.config import load_config
from segmenta.warehouse.locks import discard, owner_only, remove_stale_partials
from segmenta.warehouse.schema import TABLES
from segmenta.warehouse.store import connect_readonly, run_query
from segmenta.warehouse.values import lit

Target = Literal["meta", "google", "csv"]
TARGETS: tuple[Target, ...] = ("meta", "google", "csv")
ProgressCallback = Callable[[str, int, int], None]

META_COLUMNS = ("email", "phone", "fn", "ln", "zip", "ct", "st", "country", "dob", "doby", "gen")
GOOGLE_COLUMNS = ("Email", "Phone", "First Name", "Last Name", "Country", "Zip")
COLUMNS: dict[nz.Platform, tuple[str, ...]] = {"meta": META_COLUMNS, "google": GOOGLE_COLUMNS}
KEY_NAMES = ("email", "phone", "name_zip")
"""Match keys whose coverage the preflight reports: email, phone, first + last name + postal code."""

BATCH_ROWS = 65_536
PREVIEW_ROWS = 5
_SOURCE = (
    "contact_id",
    "email",
    "phone",
    "first_name",
    "last_name",
    "postal_code",
    "city",
    "region",
    "country",
    "birth_date",
    "gender",
)


@dataclass(frozen=True)
class Preflight:
    """What an export will write, before it writes: counts, drops by reason, key coverage, a preview."""

    target: Target
    as_of: dt.date
    hashed: bool
    include_no_consent: bool
    segment_contacts: int
    rows: int
    dropped: dict[str, int]
    invalid_values: dict[str, int]
    coverage: dict[str, float]
    columns: tuple[str, ...]
    preview_normalized: list[list[str]]
    preview_hashed: list[list[str]]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExportReport:
    """The file written and the preflight of what went into it."""

    path: Path
    rows: int
    seconds: float
    preflight: Preflight

    @property
    def warnings(self) -> list[str]:
        return self.preflight.warnings


def default_path(target: Target, as_of: dt.date, folder: Path | None = None, what: str = "") -> Path:
    """``segmenta-<target>-<what>-<as_of>-<HHMMSS>.csv`` in ``folder`` (the current folder by
    default), never the name of a file already there: a second export of the day is a second file.

    >>> default_path("meta", dt.date(2026, 6, 30), Path("/nowhere"), "VIP Madrid").name[:40]
    'segmenta-meta-vip-madrid-2026-06-30-'
    """
    return default_name(folder or Path.cwd(), target, what, as_of, ".csv")


def _check_target(to: str) -> Target:
    if to not in TARGETS:
        raise ExportError(unknown_target(to))
    return to


def unknown_target(to: str) -> str:
    """The one line for an export target segmenta does not write."""
    return say(
        f"unknown export target {to!r}: use one of {', '.join(TARGETS)}",
        f"destino de exportación desconocido {to!r}: usa uno de {', '.join(TARGETS)}",
    )


def _segment_ids(contact_ids_sql: str) -> str:
    body = contact_ids_sql.strip().rstrip(";").strip()
    if not body:
        raise ExportError(say("the segment has no SQL to export", "el segmento no tiene SQL que exportar"))
    return f"SELECT DISTINCT segment.contact_id FROM (\n{body}\n) AS segment"


def _query(
    sql: str,
    as_of: dt.date,
    columns: str,
    *,
    consent_only: bool = False,
    ordered: bool = True,
) -> str:
    consent = "\n  AND c.ads_consent IS TRUE" if consent_only else ""
    order = "\nORDER BY c.contact_id" if ordered else ""
    return (
        f"SELECT {columns}\nFROM contacts_at(DATE '{as_of.isoformat()}') AS c\n"
        f"WHERE c.contact_id IN ({_segment_ids(sql)}){consent}{order}"
    )


def _query_error(e: duckdb.Error) -> QueryError:
    if "contact_id" in str(e):
        return QueryError(
            say(
                f"the segment SQL must return a contact_id column: {e}",
                f"el SQL del segmento debe devolver una columna contact_id: {e}",
            )
        )
    return QueryError(say(f"the export query failed: {e}", f"la consulta de exportación falló: {e}"))


def _counts(con: duckdb.DuckDBPyConnection, sql: str, as_of: dt.date) -> tuple[int, int]:
    """(contacts in the segment at ``as_of``, those of them without ads consent)."""
    counts = "count(*), count(*) FILTER (WHERE c.ads_consent IS NOT TRUE)"
    try:
        body = sql.strip().rstrip(";").strip()
        columns = con.sql(f"SELECT * FROM (\n{body}\n) AS segment LIMIT 0").columns if body else []
        if body and "contact_id" not in columns:
            raise QueryError(
                say(
                    "the segment SQL must return a contact_id column; it returns ",
                    "el SQL del segmento debe devolver una columna contact_id; devuelve ",
                )
                + ", ".join(columns)
            )
        row = con.sql(_query(sql, as_of, counts, ordered=False)).fetchall()[0]
    except duckdb.Error as e:
        raise _query_error(e) from e
    assert row is not None
    return int(row[0]), int(row[1])


def _dob(raw: str) -> str | None:
    day = nz.birth_date(raw)
    return day.strftime("%Y%m%d") if day else None


def _zip_of(platform: nz.Platform) -> Callable[[str], str | None]:
    def zip_(key: str) -> str | None:
        country, _, raw = key.partition("|")
        return nz.postal_code(raw, country, platform)

    return zip_


def _state(key: str) -> str | None:
    country, _, raw = key.partition("|")
    return nz.state(raw, country)


def _mapped(
    con: duckdb.DuckDBPyConnection, table: str, key: str, fn: Callable[[str], Any], name: str
) -> None:
    """``name`` (k, v, h): ``fn`` of each distinct non-empty value of ``key`` in ``table`` and its
    SHA-256: in Python only the values that repeat (names, places, dates), few next to the rows."""
    keys = con.sql(
        f"SELECT DISTINCT k FROM (SELECT {key} AS k FROM {table}) WHERE k IS NOT NULL AND k <> ''"
    ).fetchall()
    aq.load(con, f"{name}_v", [(k, fn(str(k))) for (k,) in keys], "k VARCHAR, v VARCHAR")
    # hashed here, once per distinct value: a name or a city repeats across thousands of contacts
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT k, v, {_hash('v')} AS h FROM {name}_v")


def _hash(col: str) -> str:
    """SHA-256 of a value as the file holds it: empty for no value (``normalize.sha256_hex`` in SQL)."""
    return f"CASE WHEN {_empty(col)} THEN NULL ELSE sha256({col}) END"


def _by_country(col: str, alias: str = "") -> str:
    """The key ``ISO|value`` of a value read with the contact's country (NULL for an empty value)."""
    a = f"{alias}." if alias else ""
    return f"CASE WHEN {_empty(a + col)} THEN NULL ELSE {a}iso || '|' || {a}{col} END"


def _empty(col: str) -> str:
    return f"({col} IS NULL OR {col} = '')"


def _csv_quoted(cell: str) -> str:
    """Python's csv writer (minimal quoting, ``\\n`` ending lines) in SQL: a cell with a comma, a quote
    or a line feed quoted, its quotes doubled. (A normalised value holds none of them: letters,
    digits, ``@`` and dots.)"""
    special = " OR ".join(f"contains({cell}, {x})" for x in ("','", "'\"'", "chr(10)"))
    return f"CASE WHEN {special} THEN '\"' || replace({cell}, '\"', '\"\"') || '\"' ELSE {cell} END"


@dataclass
class _Run:
    """One export's settings and the counts gathered while it streams."""

    target: Target
    as_of: dt.date
    hashed: bool
    include_no_consent: bool
    segment_contacts: int = 0
    no_consent: int = 0
    rows: int = 0
    keys: Counter[str] = field(default_factory=Counter)
    plain_preview: list[list[str]] = field(default_factory=list)
    hashed_preview: list[list[str]] = field(default_factory=list)


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux).

    Setting and restoring it (the only portable way) leaves a moment when a file another thread
    creates (the chat runs exports in threads) would get no mask at all.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)  # the strictest mask for that moment, never none
    os.umask(mask)
    return mask


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _open(db: Path, contact_ids_sql: str, run: _Run) -> tuple[duckdb.DuckDBPyConnection, int, str]:
    """A read-only connection, with the segment's counts filled in; returns it, the rows to stream and
    the segment's SQL on it (on a server warehouse: the audience's contacts brought into a local
    DuckDB database first, ``remote.pull_contacts``, and the segment is all of them)."""
    con = connect_readonly(db)
    if remote.is_remote(con):
        try:
            if userstore.mentions(contact_ids_sql):  # a saved segment: its members, put on the server
                userstore.register(con, db, sql=contact_ids_sql)
            local = con.pull_contacts(contact_ids_sql, run.as_of.isoformat())  # type: ignore[attr-defined]
        except duckdb.Error as e:
            raise _query_error(e) from e
        finally:
            con.close()
        con, contact_ids_sql = local, "SELECT contact_id FROM contacts"
    try:
        if userstore.mentions(contact_ids_sql):  # a saved segment: its members, as in the store now
            userstore.register(con, db)
        run.segment_contacts, run.no_consent = _counts(con, contact_ids_sql, run.as_of)
    except BaseException:
        con.close()
        raise
    consent_only = run.target != "csv" and not run.include_no_consent
    return con, run.segment_contacts - (run.no_consent if consent_only else 0), contact_ids_sql


def contact_table(
    db: Path, contact_ids_sql: str, as_of: dt.date, *, max_rows: int
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every contact column of the segment's contacts as of ``as_of``, by contact id (an Excel sheet).

    Raises:
        QueryError: more than ``max_rows`` contacts (said with the limit), or the query failed.
    """

    names = tuple(TABLES["contacts"].column_names)
    con = connect_readonly(db)
    try:
        cols, rows = run_query(
            con, _query(contact_ids_sql, as_of, ", ".join(f"c.{n}" for n in names)), max_rows=max_rows
        )
    finally:
        con.close()
    return cols, rows


def _contacts_csv(
    db: Path, contact_ids_sql: str, run: _Run, dest: Path | None, progress: ProgressCallback | None
) -> Preflight:
    """``--to csv``: every contact column, as stored, written by DuckDB (no consent filter: not for ads)."""
    names = tuple(TABLES["contacts"].column_names)
    con, total, contact_ids_sql = _open(db, contact_ids_sql, run)
    try:
        sql = _query(contact_ids_sql, run.as_of, ", ".join(f"c.{n}" for n in names))
        run.plain_preview = [[_csv_cell(v) for v in r] for r in con.sql(sql).limit(PREVIEW_ROWS).fetchall()]
        run.rows = total
        if dest is not None:
            reader = con.sql(sql).to_arrow_reader(BATCH_ROWS)
            mem = duckdb.connect()
            try:
                import pyarrow as pa

                mem.register("segment_contacts", reader)
                # text a spreadsheet would run as a formula gets a leading apostrophe (segmenta.cells)
                safe = ", ".join(
                    SQL_SPREADSHEET_TEXT.format(col=f'"{f.name}"') + f' AS "{f.name}"'
                    if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
                    else f'"{f.name}"'
                    for f in reader.schema
                )
                mask = os.umask(0o077)  # DuckDB creates the file anew: owner-only while partial
                try:
                    mem.execute(
                        f"COPY (SELECT {safe} FROM segment_contacts) TO '{_sql_path(dest)}' "
                        "(FORMAT csv, HEADER, DATEFORMAT '%Y-%m-%d', "
                        "TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')"
                    )
                finally:
                    os.umask(mask)
            finally:
                mem.close()
            if progress is not None:
                progress("exporting", total, total)
    except duckdb.IOException as e:
        raise ExportError(say(f"cannot write {dest}: {e}", f"no puedo escribir {dest}: {e}")) from e
    except duckdb.Error as e:
        raise _query_error(e) from e
    finally:
        con.close()
    return _preflight(run, names, {}, {}, {})


def _normalised(
    con: duckdb.DuckDBPyConnection, platform: nz.Platform, default_country: str
) -> tuple[list[str], dict[str, int]]:
    """From ``ex_src`` (the segment's contacts, numbered ``rn``), the table ``ex_out``: the platform's
    columns normalised (``X``) and hashed (``X_h``), a ``keep`` flag (a match key is left), and for
    Google ``dropped_address``.

    Emails and phones are normalised in SQL (``audience_sql``), the few values SQL leaves and the
    values that repeat (names, places, dates) by ``normalize`` in Python, each once. Returns the
    output columns' names and the invalid values per source column, as the export reports them.
    """
    p, fb = platform, lit(aq.FALLBACK)
    default = default_country.upper()
    _mapped(con, "ex_src", "country", lambda r: nz.country(r, p), "n_country")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ex_a AS SELECT s.*, nc.v AS ctry, nc.h AS ctry_h, "
        "upper(coalesce(nc.v, '')) AS iso, "
        f"coalesce(nullif(upper(coalesce(nc.v, '')), ''), {lit(default)}) AS hint "
        "FROM ex_src AS s LEFT JOIN n_country AS nc ON nc.k = s.country"
    )
    # emails: SQL's shortcut, each domain checked once, the rest by normalize.email
    aq.email_table(con, "ex_a", p, "ex_em")
    slow = con.sql(
        f"SELECT DISTINCT a.email FROM ex_em AS m JOIN ex_a AS a USING (rn) WHERE m.em = {fb}"
    ).fetchall()
    aq.load(con, "n_email", [(r, nz.email(str(r), p)) for (r,) in slow], "k VARCHAR, v VARCHAR")
    # phones: E.164 in SQL for digits and separators, the rest by normalize.e164
    aq.phone_table(con, "ex_a", "ex_ph")
    slow = con.sql(
        f"SELECT DISTINCT a.phone, a.hint FROM ex_ph AS m JOIN ex_a AS a USING (rn) WHERE m.e164 = {fb}"
    ).fetchall()
    aq.load(
        con, "n_phone", [(r, h, nz.e164(str(r), str(h))) for r, h in slow], "k VARCHAR, h VARCHAR, v VARCHAR"
    )
    phone = f"CASE WHEN ph.e164 = {fb} THEN np.v ELSE ph.e164 END"
    # the values that repeat, once each: (output column, source column, read with the country?, normalizer)
    repeated: list[tuple[str, str, bool, Callable[[str], Any]]] = [
        ("fn", "first_name", False, lambda r: nz.name(r, p, "first")),
        ("ln", "last_name", False, lambda r: nz.name(r, p, "last")),
        ("zp", "postal_code", True, _zip_of(p)),
    ]
    if p == "meta":
        repeated += [
            ("ct", "city", False, nz.city),
            ("st", "region", True, _state),
            ("dob", "birth_date", False, _dob),
            ("gen", "gender", False, nz.gender),
        ]
    joins = [
        "JOIN ex_em AS em USING (rn)",
        "JOIN ex_ph AS ph USING (rn)",
        f"LEFT JOIN n_email AS ne ON em.em = {fb} AND ne.k = a.email",
        f"LEFT JOIN n_phone AS np ON ph.e164 = {fb} AND np.k = a.phone AND np.h = a.hint",
    ]
    values = {
        "em": f"CASE WHEN em.em = {fb} THEN ne.v ELSE em.em END",
        "ph": f"substr({phone}, 2)" if p == "meta" else phone,
        "ctry": "a.ctry",
        "ctry_h": "a.ctry_h",
    }
    raws = {"country": "a.country", "email": "a.email", "phone": "a.phone"}
    for col, source, by_country, fn in repeated:
        _mapped(con, "ex_a", _by_country(source) if by_country else source, fn, f"n_{col}")
        key = _by_country(source, "a") if by_country else f"a.{source}"
        joins.append(f"LEFT JOIN n_{col} AS j_{col} ON j_{col}.k = {key}")
        values[col], values[f"{col}_h"] = f"j_{col}.v", f"j_{col}.h"
        raws[source] = f"a.{source}"
    if p == "meta":  # the birth year: the first 4 digits of the date, hashed once per year
        values["doby"] = "left(j_dob.v, 4)"
        con.execute(
            "CREATE OR REPLACE TEMP TABLE n_doby AS SELECT DISTINCT left(v, 4) AS k, sha256(left(v, 4)) AS h "
            "FROM n_dob WHERE v IS NOT NULL"
        )
        joins.append("LEFT JOIN n_doby AS j_doby ON j_doby.k = left(j_dob.v, 4)")
        values["doby_h"] = "j_doby.h"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ex_v AS SELECT a.rn, "
        + ", ".join(f"{raw} AS raw_{name}" for name, raw in raws.items())
        + ", "
        + ", ".join(f"{sql} AS {name}" for name, sql in values.items())
        + " FROM ex_a AS a "
        + " ".join(joins)
    )
    checks = [
        ("country", "ctry"),
        ("email", "em"),
        ("phone", "ph"),
        ("first_name", "fn"),
        ("last_name", "ln"),
    ]
    checks.append(("postal_code", "zp"))
    if p == "meta":
        checks += [("city", "ct"), ("region", "st"), ("birth_date", "dob"), ("gender", "gen")]
    counts = ", ".join(
        f"count(*) FILTER (WHERE NOT {_empty('raw_' + name)} AND {col} IS NULL"
        + (" AND raw_gender <> 'other')" if name == "gender" else ")")
        for name, col in checks
    )
    row = con.sql(f"SELECT {counts} FROM ex_v").fetchall()[0]
    invalid = {name: int(n) for (name, _), n in zip(checks, row, strict=True) if n}
    if p == "google":
        out = ["em", "ph", "fn", "ln", "ctry", "zp"]
        address = ["fn", "ln", "ctry", "zp"]
        full = " AND ".join(f"NOT {_empty(c)}" for c in address)
        some = " OR ".join(f"NOT {_empty(c)}" for c in address)
        dropped = f"(NOT ({full}) AND ({some}))"
        cleared = ", ".join(
            f"CASE WHEN {dropped} THEN NULL ELSE {c}{h} END AS {c}{h}" for c in address for h in ("", "_h")
        )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW ex_out AS SELECT rn, em, ph, {cleared}, "
            f"{dropped} AS dropped_address, "
            f"em IS NOT NULL OR ph IS NOT NULL OR (fn IS NOT NULL AND NOT {dropped}) AS keep FROM ex_v"
        )
        return out, invalid
    out = ["em", "ph", "fn", "ln", "zp", "ct", "st", "ctry", "dob", "doby", "gen"]
    hashes = ", ".join(f"{c}_h" for c in out if c not in ("em", "ph"))
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW ex_out AS SELECT rn, {', '.join(out)}, {hashes}, "
        "em IS NOT NULL OR ph IS NOT NULL AS keep FROM ex_v"
    )
    return out, invalid


def _audience(
    db: Path,
    contact_ids_sql: str,
    run: _Run,
    dest: Path | None,
    progress: ProgressCallback | None,
) -> Preflight:
    """Normalise and hash the segment's contacts in DuckDB, which writes the file ``dest`` (its header
    the platform's column names) in the segment's order; None counts and previews only."""
    platform: nz.Platform = "meta" if run.target == "meta" else "google"
    columns = COLUMNS[platform]
    never = nz.NEVER_HASHED[platform]
    zip_at = columns.index("zip" if platform == "meta" else "Zip")
    select = ", ".join(
        "CAST(c.birth_date AS VARCHAR) AS birth_date" if n == "birth_date" else f"c.{n}" for n in _SOURCE
    )
    con, total, contact_ids_sql = _open(db, contact_ids_sql, run)
    try:
        src = _query(
            contact_ids_sql, run.as_of, select, consent_only=not run.include_no_consent, ordered=False
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE ex_src AS "
            f"SELECT row_number() OVER (ORDER BY contact_id) AS rn, * FROM ({src})"
        )
        out, invalid = _normalised(con, platform, load_config(db).locale.default_country)
        kept = "FROM ex_out WHERE keep"
        row = con.sql(
            "SELECT count(*) FILTER (WHERE keep), count(*) FILTER (WHERE NOT keep), "
            "count(*) FILTER (WHERE keep AND em IS NOT NULL), "
            "count(*) FILTER (WHERE keep AND ph IS NOT NULL), "
            f"count(*) FILTER (WHERE keep AND NOT {_empty(out[2])} AND NOT {_empty(out[3])} "
            f"AND NOT {_empty(out[zip_at])}) "
            + (", count(*) FILTER (WHERE dropped_address)" if platform == "google" else "")
            + " FROM ex_out"
        ).fetchall()[0]
        run.rows = int(row[0])
        run.keys.update({"email": int(row[2]), "phone": int(row[3]), "name_zip": int(row[4])})
        dropped = {"no_usable_key": int(row[1])}
        if platform == "google":
            dropped["incomplete_address"] = int(row[5])
        first = con.sql(f"SELECT {', '.join(out)} {kept} ORDER BY rn LIMIT {PREVIEW_ROWS}").fetchall()
        for r in first:
            plain_row = ["" if v is None else str(v) for v in r]
            run.plain_preview.append(plain_row)
            run.hashed_preview.append(
                [
                    v if not v or c in never else nz.sha256_hex(v)
                    for v, c in zip(plain_row, columns, strict=True)
                ]
            )
        if dest is not None:
            cells = []
            for name, col in zip(columns, out, strict=True):
                text = f"coalesce({col}, '')"
                if not run.hashed:
                    cells.append(_csv_quoted(SQL_SPREADSHEET_TEXT.format(col=text)))
                elif name in never:
                    cells.append(SQL_SPREADSHEET_TEXT.format(col=text))
                elif col in ("em", "ph"):  # unique: hashed row by row
                    cells.append(f"coalesce({_hash(col)}, '')")
                else:  # hashed once per distinct value (``_mapped``)
                    cells.append(f"coalesce({col}_h, '')")
            line = " || ',' || ".join(cells)
            # in the segment's order: sorted once, on the finished lines
            lines = con.sql(f"SELECT {line} || chr(10) AS line {kept} ORDER BY rn")
            _write_lines(lines, dest, columns, progress, total)
        if progress is not None:
            progress("exporting", total, total)
    except duckdb.Error as e:
        raise _query_error(e) from e
    finally:
        con.close()
    coverage = {k: (run.keys[k] / run.rows if run.rows else 0.0) for k in KEY_NAMES}
    return _preflight(run, columns, dropped, invalid, coverage)


def _write_lines(
    rel: duckdb.DuckDBPyRelation,
    dest: Path,
    columns: tuple[str, ...],
    progress: ProgressCallback | None,
    total: int,
) -> None:
    """Write the header, then the lines ``rel`` gives (each whole, ending in a newline), in order.

    The lines come in Arrow batches and each batch's UTF-8 bytes are written as they lie in its
    buffer: no Python string is made for a line (a hashed Meta file of 1M contacts is 650 MB).
    """
    import pyarrow as pa

    done = 0
    with dest.open("wb") as f:  # made owner-only by the caller while partial
        f.write((",".join(columns) + "\n").encode("utf-8"))
        for batch in rel.to_arrow_reader(BATCH_ROWS):
            col = batch.column(0)
            if col.null_count:  # pragma: no cover - every cell is coalesced: a line is never NULL
                raise ExportError("an export line came out empty")
            _validity, offsets, data = col.buffers()
            view = memoryview(offsets)
            at = view.cast("q") if pa.types.is_large_string(col.type) else view.cast("i")
            f.write(memoryview(data)[at[col.offset] : at[col.offset + len(col)]])
            done += len(col)
            if progress is not None:
                progress("exporting", min(done, total), total)


def _preflight(
    run: _Run,
    columns: tuple[str, ...],
    dropped: dict[str, int],
    invalid: dict[str, int],
    coverage: dict[str, float],
) -> Preflight:
    warnings: list[str] = []
    all_dropped = dict(dropped)
    if run.target != "csv":
        if run.include_no_consent:
            if run.no_consent:
                warnings.append(
                    say(
                        f"{run.no_consent:,} contact(s) without ads consent are included: upload "
                        "them only if you have another legal basis to match them in ad platforms",
                        f"se incluyen {integer(run.no_consent, 'es')} contacto(s) sin consentimiento de "
                        "anuncios: súbelos solo si tienes otra base legal para cruzarlos en las "
                        "plataformas de anuncios",
                    )
                )
        else:
            all_dropped = {"no_consent": run.no_consent, **dropped}
        if not run.hashed:
            warnings.append(
                say(
                    "the file holds readable personal data (--plain): keep it private and delete it "
                    "after the upload",
                    "el fichero tiene datos personales legibles (--plain): guárdalo en privado y "
                    "bórralo después de subirlo",
                )
            )
        if run.rows < 100:
            warnings.append(
                say(
                    f"only {run.rows} row(s): ad platforms may refuse lists under 100 people",
                    f"solo {run.rows} fila(s): las plataformas de anuncios pueden rechazar listas de "
                    "menos de 100 personas",
                )
            )
    normalized = run.plain_preview
    return Preflight(
        target=run.target,
        as_of=run.as_of,
        hashed=run.hashed,
        include_no_consent=run.include_no_consent,
        segment_contacts=run.segment_contacts,
        rows=run.rows,
        dropped=all_dropped,
        invalid_values=invalid,
        coverage=coverage,
        columns=columns,
        preview_normalized=normalized,
        preview_hashed=run.hashed_preview if run.hashed else normalized,
        warnings=warnings,
    )


def preflight(
    db: Path,
    contact_ids_sql: str,
    to: str,
    *,
    plain: bool = False,
    include_no_consent: bool = False,
    as_of: dt.date,
    progress: ProgressCallback | None = None,
) -> Preflight:
    """What ``export_audience`` would write, without writing: rows, drops, key coverage, preview.

    Args:
        db: the warehouse.
        contact_ids_sql: validated SQL returning a ``contact_id`` column (a segment's ``Answer.sql``).
        to: ``meta``, ``google`` or ``csv``.
        plain: write normalised values instead of their SHA-256.
        include_no_consent: also export contacts without ``ads_consent``.
        as_of: the date of the audience (only contacts that exist then).
        progress: called with ("exporting", rows done, rows in all).
    """
    run = _Run(_check_target(to), as_of, not plain and to != "csv", include_no_consent)
    if run.target == "csv":
        return _contacts_csv(db, contact_ids_sql, run, None, progress)
    return _audience(db, contact_ids_sql, run, None, progress)


def export_audience(
    db: Path,
    contact_ids_sql: str,
    to: str,
    out: Path | None = None,
    *,
    plain: bool = False,
    include_no_consent: bool = False,
    as_of: dt.date,
    progress: ProgressCallback | None = None,
    name: str = "",
    force: bool = False,
) -> ExportReport:
    """Write the segment's audience file for ``to`` (hashed by default), atomically.

    Args:
        out: the file to write (default ``default_path``: the target, ``name``, the date and time,
            in the current folder).
        name: what the audience is (a saved segment's name, the request), for the default name.
        force: replace ``out`` when it exists (else it is refused and nothing is written).
        (the others as ``preflight``)

    Returns:
        The path, the rows written, the time it took and the preflight of what was written.

    Raises:
        ExportError: unknown target or a file that cannot be written (nothing is left behind).
        QueryError: the segment SQL failed.
    """
    target = _check_target(to)
    path = out if out is not None else default_path(target, as_of, what=name)
    check_writable(path, force=force)
    start = time.perf_counter()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    run = _Run(target, as_of, not plain and target != "csv", include_no_consent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(path)  # a killed export's partial file of PII does not stay behind
        owner_only(tmp)
        if target == "csv":
            pre = _contacts_csv(db, contact_ids_sql, run, tmp, progress)
        else:
            pre = _audience(db, contact_ids_sql, run, tmp, progress)
        os.chmod(tmp, 0o666 & ~_umask())  # finished: the permissions any new file of the user gets
        put(tmp, path, force=force)
    except OSError as e:
        raise ExportError(cannot_write(path, e)) from e
    finally:
        discard(tmp)
    return ExportReport(path=path, rows=pre.rows, seconds=time.perf_counter() - start, preflight=pre)
