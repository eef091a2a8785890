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
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from segmenta.errors import ExportError, QueryError
from segmenta.tools import normalize as nz
from segmenta.warehouse.config import load_config
from segmenta.warehouse.schema import TABLES
from segmenta.warehouse.store import connect_readonly

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
_SOURCE = ("contact_id", "email", "phone", "first_name", "last_name", "postal_code", "city", "region",
           "country", "birth_date", "gender")


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


def default_path(target: Target, as_of: dt.date, folder: Path | None = None) -> Path:
    """``segmenta-<target>-<as_of>.csv`` in ``folder`` (the current folder by default).

    >>> default_path("meta", dt.date(2026, 6, 30), Path("/tmp")).as_posix()
    '/tmp/segmenta-meta-2026-06-30.csv'
    """
    return (folder or Path.cwd()) / f"segmenta-{target}-{as_of.isoformat()}.csv"


def _check_target(to: str) -> Target:
    if to not in TARGETS:
        raise ExportError(f"unknown export target {to!r}: use one of {', '.join(TARGETS)}")
    return to


def _segment_ids(contact_ids_sql: str) -> str:
    body = contact_ids_sql.strip().rstrip(";").strip()
    if not body:
        raise ExportError("the segment has no SQL to export")
    return f"SELECT DISTINCT contact_id FROM (\n{body}\n) AS segment"


def _query(
    sql: str, as_of: dt.date, columns: str, *, consent_only: bool = False, ordered: bool = True,
) -> str:
    consent = "\n  AND c.ads_consent IS TRUE" if consent_only else ""
    order = "\nORDER BY c.contact_id" if ordered else ""
    return (f"SELECT {columns}\nFROM contacts_at(DATE '{as_of.isoformat()}') AS c\n"
            f"WHERE c.contact_id IN ({_segment_ids(sql)}){consent}{order}")


def _execute(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyConnection:
    try:
        return con.execute(sql)
    except duckdb.Error as e:
        if "contact_id" in str(e):
            raise QueryError(f"the segment SQL must return a contact_id column: {e}") from e
        raise QueryError(f"the export query failed: {e}") from e


def _counts(con: duckdb.DuckDBPyConnection, sql: str, as_of: dt.date) -> tuple[int, int]:
    """(contacts in the segment at ``as_of``, those of them without ads consent)."""
    counts = "count(*), count(*) FILTER (WHERE c.ads_consent IS NOT TRUE)"
    row = _execute(con, _query(sql, as_of, counts, ordered=False)).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _batches(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[list[list[Any]]]:
    """The query's rows as batches of columns (one Python list per column)."""
    reader = _execute(con, sql).to_arrow_reader(BATCH_ROWS)
    assert reader is not None
    for batch in reader:
        yield [batch.column(i).to_pylist() for i in range(batch.num_columns)]


class _Cached:
    """A normaliser memoised on its raw value (names, cities and zips repeat a lot), with its hash."""

    def __init__(self, fn: Callable[[str], str | None]) -> None:
        self.fn = fn
        self.cache: dict[str, tuple[str, str] | None] = {}

    def __call__(self, raw: str) -> tuple[str, str] | None:
        try:
            return self.cache[raw]
        except KeyError:
            pass
        value = self.fn(raw)
        out = (value, nz.sha256_hex(value)) if value is not None else None
        if len(self.cache) > 200_000:
            self.cache.clear()
        self.cache[raw] = out
        return out


class _Normalizer:
    """Turns batches of contact columns into the rows of one platform's file, counting as it goes."""

    def __init__(self, platform: nz.Platform, default_country: str, hashed: bool) -> None:
        self.platform = platform
        self.default_country = default_country
        self.hashed = hashed
        self.plain_cols = {i for i, c in enumerate(COLUMNS[platform]) if c in nz.NEVER_HASHED[platform]}
        p = platform
        self.country = _Cached(lambda r: nz.country(r, p))
        self.first = _Cached(lambda r: nz.name(r, p, "first"))
        self.last = _Cached(lambda r: nz.name(r, p, "last"))
        self.city = _Cached(nz.city)
        self.gender = _Cached(nz.gender)
        self.dob = _Cached(self._dob)
        self.year = _Cached(lambda r: r)
        self.zips: dict[str, _Cached] = {}
        self.states: dict[str, _Cached] = {}
        self.invalid: Counter[str] = Counter()
        self.key_counts: Counter[str] = Counter()
        self.no_key = 0
        self.address_dropped = 0
        self.written = 0
        self.preview: list[tuple[list[str], list[str]]] = []

    @staticmethod
    def _dob(raw: str) -> str | None:
        day = nz.birth_date(raw)
        return day.strftime("%Y%m%d") if day else None

    def _zip(self, raw: str, country: str | None) -> tuple[str, str] | None:
        key = (country or "").upper()
        fn = self.zips.get(key)
        if fn is None:
            fn = self.zips[key] = _Cached(lambda r: nz.postal_code(r, key, self.platform))
        return fn(raw)

    def _state(self, raw: str, country: str | None) -> tuple[str, str] | None:
        key = (country or "").upper()
        fn = self.states.get(key)
        if fn is None:
            fn = self.states[key] = _Cached(lambda r: nz.state(r, key))
        return fn(raw)

    def _one(
        self, column: str, fn: Callable[[str], tuple[str, str] | None], raw: Any,
    ) -> tuple[str, str] | None:
        if raw is None or raw == "":
            return None
        out = fn(str(raw))
        if out is None:
            self.invalid[column] += 1
        return out

    def _contact(self, email: Any, phone: Any, first: Any, last: Any, zip_: Any, city: Any, region: Any,
                 country_raw: Any, birth: Any, gender: Any) -> list[tuple[str, str] | None] | None:
        p = self.platform
        ctry = self._one("country", self.country, country_raw)
        iso = ctry[0].upper() if ctry else None
        hint = iso or self.default_country
        em = self._one("email", lambda r: _hashed(nz.email(r, p)), email)
        ph = self._one("phone", lambda r: _hashed(nz.phone(r, hint, p)), phone)
        fn = self._one("first_name", self.first, first)
        ln = self._one("last_name", self.last, last)
        zp = self._one("postal_code", lambda r: self._zip(r, iso), zip_)
        if p == "google":
            address = [fn, ln, ctry, zp]
            if not all(address) and any(address):
                self.address_dropped += 1
                fn = ln = ctry = zp = None
            if em is None and ph is None and fn is None:
                return None
            return [em, ph, fn, ln, ctry, zp]
        if em is None and ph is None:
            return None
        ct = self._one("city", self.city, city)
        st = self._one("region", lambda r: self._state(r, iso), region)
        dob = self._one("birth_date", self.dob, birth)
        doby = self.year(dob[0][:4]) if dob else None
        gen = self._one("gender", self.gender, gender) if gender not in (None, "", "other") else None
        return [em, ph, fn, ln, zp, ct, st, ctry, dob, doby, gen]

    def rows(self, cols: list[list[Any]]) -> list[list[str]]:
        """The file rows of one batch (contact_id first in ``cols``)."""
        out: list[list[str]] = []
        pick = 1 if self.hashed else 0
        plain = self.plain_cols
        zip_at = 4 if self.platform == "meta" else 5
        for values in zip(*cols[1:], strict=True):
            cells = self._contact(*values)
            if cells is None:
                self.no_key += 1
                continue
            self.written += 1
            self.key_counts["email"] += cells[0] is not None
            self.key_counts["phone"] += cells[1] is not None
            self.key_counts["name_zip"] += bool(cells[2] and cells[3] and cells[zip_at])
            if len(self.preview) < PREVIEW_ROWS:
                normalized = [c[0] if c else "" for c in cells]
                hashed = [(c[0] if i in plain else c[1]) if c else "" for i, c in enumerate(cells)]
                self.preview.append((normalized, hashed))
            out.append([(c[0] if i in plain else c[pick]) if c else "" for i, c in enumerate(cells)])
        return out


def _hashed(value: str | None) -> tuple[str, str] | None:
    return (value, nz.sha256_hex(value)) if value is not None else None


def _csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


@dataclass
class _Run:
    target: Target
    as_of: dt.date
    hashed: bool
    include_no_consent: bool
    segment_contacts: int = 0
    no_consent: int = 0


def _stream(db: Path, contact_ids_sql: str, run: _Run, sink: Callable[[list[list[Any]]], None] | None,
            progress: ProgressCallback | None) -> Preflight:
    """Run the export query and feed the file rows to ``sink`` (None: count only); returns the preflight."""
    con = connect_readonly(db)
    try:
        run.segment_contacts, run.no_consent = _counts(con, contact_ids_sql, run.as_of)
        consent_only = run.target != "csv" and not run.include_no_consent
        total = run.segment_contacts - (run.no_consent if consent_only else 0)
        done = 0
        if run.target == "csv":
            names = TABLES["contacts"].column_names
            columns: tuple[str, ...] = tuple(names)
            sql = _query(contact_ids_sql, run.as_of, ", ".join(f"c.{n}" for n in names))
            preview: list[list[str]] = []
            for cols in _batches(con, sql):
                rows = [[_csv_cell(v) for v in r] for r in zip(*cols, strict=True)]
                preview.extend([str(v) for v in r] for r in rows[: PREVIEW_ROWS - len(preview)])
                if sink is not None:
                    sink(rows)
                done += len(rows)
                if progress is not None:
                    progress("exporting", done, total)
            return _preflight(run, columns, done, {}, Counter(), Counter(), preview, preview)
        default_country = load_config(db).locale.default_country
        norm = _Normalizer(run.target, default_country, run.hashed)
        select = ", ".join("CAST(c.birth_date AS VARCHAR)" if n == "birth_date" else f"c.{n}"
                           for n in _SOURCE)
        for cols in _batches(con, _query(contact_ids_sql, run.as_of, select, consent_only=consent_only)):
            rows = norm.rows(cols)
            if sink is not None:
                sink(rows)
            done += len(cols[0])
            if progress is not None:
                progress("exporting", done, total)
    finally:
        con.close()
    dropped = {"no_usable_key": norm.no_key}
    if run.target == "google":
        dropped["incomplete_address"] = norm.address_dropped
    return _preflight(run, COLUMNS[run.target], norm.written, dropped, norm.invalid, norm.key_counts,
                      [n for n, _ in norm.preview], [h for _, h in norm.preview])


def _preflight(run: _Run, columns: tuple[str, ...], rows: int, dropped: dict[str, int], invalid: Counter[str],
               keys: Counter[str], normalized: list[list[str]], hashed: list[list[str]]) -> Preflight:
    warnings: list[str] = []
    all_dropped = dict(dropped)
    if run.target != "csv":
        if run.include_no_consent:
            if run.no_consent:
                warnings.append(f"{run.no_consent:,} contact(s) without ads consent are included: upload "
                                "them only if you have another legal basis to match them in ad platforms")
        else:
            all_dropped = {"no_consent": run.no_consent, **dropped}
        if not run.hashed:
            warnings.append("the file holds readable personal data (--plain): keep it private and delete it "
                            "after the upload")
        if rows < 100:
            warnings.append(f"only {rows} row(s): ad platforms may refuse lists under 100 people")
    coverage = {k: (keys[k] / rows if rows else 0.0) for k in KEY_NAMES} if run.target != "csv" else {}
    return Preflight(
        target=run.target, as_of=run.as_of, hashed=run.hashed, include_no_consent=run.include_no_consent,
        segment_contacts=run.segment_contacts, rows=rows, dropped=all_dropped, invalid_values=dict(invalid),
        coverage=coverage, columns=columns, preview_normalized=normalized,
        preview_hashed=hashed if run.hashed else normalized, warnings=warnings)


def preflight(
    db: Path, contact_ids_sql: str, to: str, *, plain: bool = False, include_no_consent: bool = False,
    as_of: dt.date, progress: ProgressCallback | None = None,
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
    return _stream(db, contact_ids_sql, run, None, progress)


def export_audience(db: Path, contact_ids_sql: str, to: str, out: Path | None = None, *, plain: bool = False,
                    include_no_consent: bool = False, as_of: dt.date,
                    progress: ProgressCallback | None = None) -> ExportReport:
    """Write the segment's audience file for ``to`` (hashed by default), atomically.

    Args:
        out: the file to write (default ``segmenta-<to>-<as_of>.csv`` in the current folder).
        (the others as ``preflight``)

    Returns:
        The path, the rows written, the time it took and the preflight of what was written.

    Raises:
        ExportError: unknown target or a file that cannot be written (nothing is left behind).
        QueryError: the segment SQL failed.
    """
    target = _check_target(to)
    path = out if out is not None else default_path(target, as_of)
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    start = time.perf_counter()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    run = _Run(target, as_of, not plain and target != "csv", include_no_consent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(TABLES["contacts"].column_names if target == "csv" else COLUMNS[target])
            pre = _stream(db, contact_ids_sql, run, writer.writerows, progress)
        os.replace(tmp, path)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from e
    finally:
        tmp.unlink(missing_ok=True)
    return ExportReport(path=path, rows=pre.rows, seconds=time.perf_counter() - start, preflight=pre)
