"""Export speed: every contact of a 1,000,000-contact demo shop to a hashed Meta customer list.

    python bench/export.py [--db /tmp/segmenta-bench-1m.duckdb] [--contacts 1000000] [--runs 1]

1. reuses the warehouse at ``--db`` when it is there, else builds the demo shop into it,
2. times ``export_audience`` of all contacts to ``meta`` (hashed), once with every contact
   (``include_no_consent``) and once with the default consent filter,
3. times a bare DuckDB ``COPY (SELECT <the same source columns> FROM contacts) TO 'x.csv'`` in the
   same run, and prints the ratio. Target (issue 6): 1M contacts in <= 20 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from segmenta.tools.exports import export_audience
from segmenta.warehouse.demo import build_demo

AS_OF = date(2026, 6, 30)
SOURCE = "email, phone, first_name, last_name, postal_code, city, region, country, birth_date, gender"


def _best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) if runs > 1 else statistics.fmean(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("/tmp/segmenta-bench-1m.duckdb"))
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1, help="runs of each timing (the best is shown)")
    args = parser.parse_args()

    if not args.db.exists():
        start = time.perf_counter()
        build_demo(args.db, contacts=args.contacts, until=AS_OF)
        print(f"built the demo shop ({args.contacts:,} contacts) in {time.perf_counter() - start:.1f} s")
    with duckdb.connect(str(args.db), read_only=True) as con:
        row = con.sql("SELECT count(*), count(*) FILTER (WHERE ads_consent) FROM contacts").fetchall()[0]
    total, consented = int(row[0]), int(row[1])
    print(f"warehouse {args.db}: {total:,} contacts, {consented:,} with ads consent; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory(prefix="segmenta-bench-export-") as tmp:
        out = Path(tmp)
        sql = "SELECT contact_id FROM contacts"
        reports = []

        def run(include: bool) -> None:
            # the same file each run: replaced on purpose (an export never replaces one unasked)
            reports.append(export_audience(args.db, sql, "meta", out / "meta.csv", include_no_consent=include,
                                           as_of=AS_OF, force=True))

        every = _best(lambda: run(True), args.runs)
        rows_every = reports[-1].rows
        consent = _best(lambda: run(False), args.runs)
        rows_consent = reports[-1].rows

        def bare() -> None:
            with duckdb.connect(str(args.db), read_only=True) as con:
                con.execute(f"COPY (SELECT {SOURCE} FROM contacts ORDER BY contact_id) TO '{out / 'x.csv'}' "
                            "(FORMAT csv, HEADER)")

        baseline = _best(bare, args.runs)

    print(f"export to meta, every contact : {every:6.2f} s  ({rows_every:,} rows written)  target <= 20 s")
    print(f"export to meta, consent only  : {consent:6.2f} s  ({rows_consent:,} rows written)")
    print(f"bare DuckDB COPY same columns : {baseline:6.2f} s  ({total:,} rows, no normalising or hashing)")
    print(f"ratio export / bare COPY      : {every / baseline:6.1f}x (every contact), "
          f"{consent / baseline:.1f}x (consent only)")


if __name__ == "__main__":
    main()
