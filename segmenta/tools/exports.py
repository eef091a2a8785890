"""Audience files for Meta and Google Ads (and a plain contact CSV) from a segment's SQL.

A segment's SQL (one ``contact_id`` column) is joined to the contacts in one DuckDB query and
streamed in Arrow batches; each batch is normalised column by column (``normalize``), hashed
with SHA-256 unless the marketer asks for plain values, and written to a temporary file that
replaces the target only when everything was written. By default only contacts with
``ads_consent`` are exported; a contact with no usable match key is left out; a value that cannot
be normalised is left empty. Every one of these is counted in the ``Preflight``, which also
shows how many rows carry each match key and the first rows before and after hashing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from segmenta.cells import SQL_SPREADSHEET_TEXT, spreadsheet_text
from segmenta.errors import ExportError, QueryError, cannot_write, say
from segmenta.files import check_writable, default_name, put
from segmenta.locale_text import integer
from segmenta.tools import normalize as nz
from segmenta.warehouse import userstore
from segmenta.warehouse.config import load_config
from segmenta.warehouse.locks import discard, owner_only, remove_stale_partials
from segmenta.warehouse.schema import TABLES
from segmenta.warehouse.store import connect_readonly, run_query

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


class _Memo:
    """A normaliser memoised on its raw value: names, cities, zips and dates repeat a lot."""

    def __init__(self, fn: Callable[[str], str | None]) -> None:
        self.fn = fn
        self.cache: dict[Any, str | None] = {}

    def many(self, keys: list[Any]) -> list[str | None]:
        """The normalised value of each raw value (None for empty or not normalisable ones)."""
        cache = self.cache
        missing = set(keys).difference(cache)
        if missing:
            if len(cache) + len(missing) > 200_000:
                cache.clear()
            fn = self.fn
            for k in missing:
                cache[k] = None if k is None or k == "" else fn(str(k))
        return [cache[k] for k in keys]


def _invalid(raws: list[Any], values: list[str | None], ignored: tuple[Any, ...] = (None, "")) -> int:
    """How many non-empty raw values could not be normalised."""
    return values.count(None) - sum(raws.count(x) for x in ignored)


class _Normalizer:
    """Normalises batches of contact columns into one platform's columns (plain), counting drops."""

    def __init__(self, platform: nz.Platform, default_country: str) -> None:
        self.platform = platform
        self.default_country = default_country
        p = platform
        self.country = _Memo(lambda r: nz.country(r, p))
        self.first = _Memo(lambda r: nz.name(r, p, "first"))
        self.last = _Memo(lambda r: nz.name(r, p, "last"))
        self.city = _Memo(nz.city)
        self.gender = _Memo(nz.gender)
        self.dob = _Memo(self._dob)
        self.zip = _Memo(self._zip)
        self.state = _Memo(self._state)
        self.invalid: Counter[str] = Counter()
        self.address_dropped = 0
        self.no_key = 0

    @staticmethod
    def _dob(raw: str) -> str | None:
        day = nz.birth_date(raw)
        return day.strftime("%Y%m%d") if day else None

    def _zip(self, key: str) -> str | None:
        country, _, raw = key.partition("|")
        return nz.postal_code(raw, country, self.platform)

    def _state(self, key: str) -> str | None:
        country, _, raw = key.partition("|")
        return nz.state(raw, country)

    def _count(self, column: str, raws: list[Any], values: list[str | None], *ignored: Any) -> None:
        bad = _invalid(raws, values, (None, "", *ignored))
        if bad:
            self.invalid[column] += bad

    def batch(self, cols: list[list[Any]]) -> tuple[list[list[str | None]], list[bool]]:
        """The platform's columns for one batch (``_SOURCE`` order in), and which rows have a match key."""
        _ids, emails, phones, firsts, lasts, zips, cities, regions, countries, births, genders = cols
        p = self.platform
        ctry = self.country.many(countries)
        isos = [c.upper() if c else "" for c in ctry]
        hints = [c or self.default_country for c in isos]
        em = [nz.email(r, p) if r else None for r in emails]
        ph = [nz.phone(r, h, p) if r else None for r, h in zip(phones, hints, strict=True)]
        fn = self.first.many(firsts)
        ln = self.last.many(lasts)
        zp = self.zip.many([f"{c}|{r}" if r else None for c, r in zip(isos, zips, strict=True)])
        for column, raws, values in (
            ("country", countries, ctry),
            ("email", emails, em),
            ("phone", phones, ph),
            ("first_name", firsts, fn),
            ("last_name", lasts, ln),
            ("postal_code", zips, zp),
        ):
            self._count(column, raws, values)
        if p == "google":
            keep = []
            for i in range(len(em)):
                address = (fn[i], ln[i], ctry[i], zp[i])
                if not all(address) and any(address):
                    self.address_dropped += 1
                    fn[i] = ln[i] = ctry[i] = zp[i] = None
                keep.append(em[i] is not None or ph[i] is not None or fn[i] is not None)
            self.no_key += keep.count(False)
            return [em, ph, fn, ln, ctry, zp], keep
        ct = self.city.many(cities)
        st = self.state.many([f"{c}|{r}" if r else None for c, r in zip(isos, regions, strict=True)])
        dob = self.dob.many(births)
        doby = [d[:4] if d else None for d in dob]
        gen = self.gender.many(genders)
        for column, raws, values, ignored in (
            ("city", cities, ct, ()),
            ("region", regions, st, ()),
            ("birth_date", births, dob, ()),
            ("gender", genders, gen, ("other",)),
        ):
            self._count(column, raws, values, *ignored)
        keep = [e is not None or f is not None for e, f in zip(em, ph, strict=True)]
        self.no_key += keep.count(False)
        return [em, ph, fn, ln, zp, ct, st, ctry, dob, doby, gen], keep


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


def _open(db: Path, contact_ids_sql: str, run: _Run) -> tuple[duckdb.DuckDBPyConnection, int]:
    """A read-only connection, with the segment's counts filled in; returns it and the rows to stream."""
    con = connect_readonly(db)
    try:
        if userstore.mentions(contact_ids_sql):  # a saved segment: its members, as in the store now
            userstore.register(con, db)
        run.segment_contacts, run.no_consent = _counts(con, contact_ids_sql, run.as_of)
    except BaseException:
        con.close()
        raise
    consent_only = run.target != "csv" and not run.include_no_consent
    return con, run.segment_contacts - (run.no_consent if consent_only else 0)


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
    con, total = _open(db, contact_ids_sql, run)
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


def _audience(
    db: Path,
    contact_ids_sql: str,
    run: _Run,
    write: Callable[[str], Any] | None,
    progress: ProgressCallback | None,
) -> Preflight:
    """Stream the segment's contacts, normalise and hash them, ``write`` the CSV text (None: count only)."""
    platform: nz.Platform = "meta" if run.target == "meta" else "google"
    columns = COLUMNS[platform]
    norm = _Normalizer(platform, load_config(db).locale.default_country)
    hashers = [_Memo(nz.sha256_hex) for _ in columns]
    never = nz.NEVER_HASHED[platform]
    per_row = {0, 1}  # email and phone are unique: hashing them once each beats any cache
    zip_at = columns.index("zip" if platform == "meta" else "Zip")
    select = ", ".join("CAST(c.birth_date AS VARCHAR)" if n == "birth_date" else f"c.{n}" for n in _SOURCE)
    con, total = _open(db, contact_ids_sql, run)
    consent_only = not run.include_no_consent
    done = 0
    try:
        sql = _query(contact_ids_sql, run.as_of, select, consent_only=consent_only)
        for batch in con.sql(sql).to_arrow_reader(BATCH_ROWS):
            values, keep = norm.batch([batch.column(i).to_pylist() for i in range(batch.num_columns)])
            kept = [[v for v, k in zip(col, keep, strict=True) if k] for col in values]
            n = len(kept[0])
            run.rows += n
            run.keys["email"] += n - kept[0].count(None)
            run.keys["phone"] += n - kept[1].count(None)
            run.keys["name_zip"] += sum(
                1 for f, la, z in zip(kept[2], kept[3], kept[zip_at], strict=True) if f and la and z
            )
            plain = [["" if v is None else v for v in col] for col in kept]
            if not run.hashed or write is None:
                cells = plain
            else:
                cells = [
                    [spreadsheet_text(v) for v in col]
                    if columns[i] in never
                    else [nz.sha256_hex(v) if v else "" for v in col]
                    if i in per_row
                    else ["" if h is None else h for h in hashers[i].many(kept[i])]
                    for i, col in enumerate(plain)
                ]
            for r in range(min(n, PREVIEW_ROWS - len(run.plain_preview))):
                row = [col[r] for col in plain]
                run.plain_preview.append(row)
                run.hashed_preview.append(
                    [
                        v if not v or c in never else nz.sha256_hex(v)
                        for v, c in zip(row, columns, strict=True)
                    ]
                )
            if write is not None and n:
                write(_csv_text(cells, hashed=run.hashed))
            done += batch.num_rows
            if progress is not None:
                progress("exporting", done, total)
    except duckdb.Error as e:
        raise _query_error(e) from e
    finally:
        con.close()
    dropped = {"no_usable_key": norm.no_key}
    if platform == "google":
        dropped["incomplete_address"] = norm.address_dropped
    coverage = {k: (run.keys[k] / run.rows if run.rows else 0.0) for k in KEY_NAMES}
    return _preflight(run, columns, dropped, dict(norm.invalid), coverage)


def _csv_text(cells: list[list[str]], *, hashed: bool) -> str:
    """CSV lines for columns of cells: hashed cells never need quoting, plain ones may."""
    rows = zip(*cells, strict=True)
    if hashed:
        return "".join(",".join(r) + "\n" for r in rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([spreadsheet_text(v) for v in r] for r in rows)
    return buf.getvalue()


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
            with tmp.open("w", encoding="utf-8", newline="") as f:
                f.write(",".join(COLUMNS[target]) + "\n")
                pre = _audience(db, contact_ids_sql, run, f.write, progress)
        os.chmod(tmp, 0o666 & ~_umask())  # finished: the permissions any new file of the user gets
        put(tmp, path, force=force)
    except OSError as e:
        raise ExportError(cannot_write(path, e)) from e
    finally:
        discard(tmp)
    return ExportReport(path=path, rows=pre.rows, seconds=time.perf_counter() - start, preflight=pre)
