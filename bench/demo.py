"""Demo shop build speed: 20,000 and 1,000,000 contacts beside the floor of writing that much data.

    python bench/demo.py [--sizes 20000 1000000] [--work /tmp/segmenta-bench-demo]

For each size it times ``build_demo`` (to a file under ``--work``), then a baseline measured in
the same run: one bare DuckDB ``CREATE TABLE AS SELECT`` per table of ``range(N)`` integer
columns, with each table's row and column count, into a fresh file (the floor of writing
that much data), and prints both, their ratio and the rows per table.
Target (issue): 1,000,000 contacts in at most 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from datetime import date
from pathlib import Path

import duckdb

from segmenta.warehouse.demo import build_demo
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, TABLES

COLUMNS = {name: len(t.columns) for name, t in TABLES.items()} | {CUSTOM_FIELDS_TABLE: 3}


def baseline(db: Path, rows: dict[str, int]) -> float:
    """Seconds to write the same rows x columns per table as bare ``range`` integers, checkpointed."""
    db.unlink(missing_ok=True)
    began = time.perf_counter()
    con = duckdb.connect(str(db))
    try:
        for name, n in rows.items():
            cols = ", ".join(f"range + {i} AS c{i}" for i in range(COLUMNS[name]))
            con.execute(f"CREATE TABLE {name} AS SELECT {cols} FROM range({n})")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return time.perf_counter() - began


def main() -> None:
    """Build each size, measure its baseline, print the figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000, 1_000_000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/segmenta-bench-demo"))
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    work: Path = a.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cpus: {os.cpu_count()}")
    for n in a.sizes:
        db = work / f"demo-{n}.duckdb"
        began = time.perf_counter()
        report = build_demo(db, contacts=n, seed=a.seed, until=date(2026, 6, 30))
        demo_s = time.perf_counter() - began
        base_s = baseline(work / f"baseline-{n}.duckdb", report.rows)
        total = sum(report.rows.values())
        print(f"\n{n:>9,} contacts: demo {demo_s:6.1f} s | bare CTAS of the same rows x columns "
              f"{base_s:6.1f} s | ratio {demo_s / base_s:5.2f} | {total:,} rows, "
              f"{db.stat().st_size / 2**20:,.0f} MiB")
        for name, count in report.rows.items():
            print(f"    {name:<22}{count:>12,}  ({COLUMNS[name]} columns)")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
