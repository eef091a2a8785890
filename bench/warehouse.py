"""Warehouse speed: import of a 1,000,000-contact shop and RFM + segments over all contacts.

    python bench/warehouse.py [--contacts 1000000] [--work /tmp/segmenta-bench]

1. builds the demo shop (timed: the target is 60 s for 1M contacts),
2. exports its tables to CSV, then times ``import_shop`` on them beside a bare DuckDB baseline
   measured in the same run (``CREATE TABLE AS SELECT * FROM read_csv(...)`` of the same files),
3. times ``SELECT rfm_segment, count(*) FROM rfm(D)`` beside the bare hand-written RFM query.
Targets (issue 3): import <= 30 s for 1M contacts with ~3M orders; RFM + segments <= 2 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

import duckdb

from segmenta.warehouse.demo import build_demo
from segmenta.warehouse.importer import import_shop
from segmenta.warehouse.schema import TABLES

BARE_RFM = """
WITH pop AS (
  SELECT contact_id, CAST(max(ordered_at) AS DATE) AS r, count(*) AS f, sum(total_amount) AS m
  FROM orders WHERE status = 'completed' AND ordered_at < DATE '{d}' + INTERVAL 1 DAY GROUP BY contact_id),
n AS (SELECT count(*) AS n FROM pop),
s AS (SELECT contact_id,
        CAST(1 + floor(5 * (rank() OVER (ORDER BY r) - 1) / n) AS INTEGER) AS r_score,
        CAST(1 + floor(5 * (rank() OVER (ORDER BY f) - 1) / n) AS INTEGER) AS f_score,
        CAST(1 + floor(5 * (rank() OVER (ORDER BY m) - 1) / n) AS INTEGER) AS m_score
      FROM pop, n)
SELECT r_score * 100 + f_score * 10 + m_score AS cell, count(*) FROM s GROUP BY 1
"""


def timed(fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/segmenta-bench"))
    a = ap.parse_args()
    work: Path = a.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    demo_db, csv_dir, imported = work / "demo.duckdb", work / "csv", work / "imported.duckdb"
    until = date(2026, 6, 30)

    t = time.perf_counter()
    report = build_demo(demo_db, contacts=a.contacts, seed=7, until=until)
    demo_s = time.perf_counter() - t
    rows = dict(report.rows) if hasattr(report, "rows") else {}
    print(f"demo build: {demo_s:6.1f} s for {a.contacts:,} contacts ({rows})")

    csv_dir.mkdir()
    con = duckdb.connect(str(demo_db), read_only=True)
    for name in TABLES:
        con.execute(f"COPY {name} TO '{csv_dir / (name + '.csv')}' (HEADER, DELIMITER ',')")
    con.close()

    base_db = work / "baseline.duckdb"

    def baseline() -> None:
        base_db.unlink(missing_ok=True)
        b = duckdb.connect(str(base_db))
        for f in sorted(csv_dir.glob("*.csv")):
            b.execute(f"CREATE TABLE {f.stem} AS SELECT * FROM read_csv('{f}')")
        b.execute("CHECKPOINT")
        b.close()

    base_s = timed(baseline)
    imp_s = timed(lambda: import_shop(csv_dir, imported))
    print(
        f"import:     {imp_s:6.1f} s   baseline read_csv CTAS {base_s:6.1f} s   ratio {imp_s / base_s:5.2f}"
        f"   (target <= 30 s)"
    )

    ro = duckdb.connect(str(imported), read_only=True)
    d = until.isoformat()
    seg_s = timed(
        lambda: ro.execute(f"SELECT rfm_segment, count(*) FROM rfm(DATE '{d}') GROUP BY 1").fetchall(), 3
    )
    bare_s = timed(lambda: ro.execute(BARE_RFM.format(d=d)).fetchall(), 3)
    print(
        f"RFM+segments: {seg_s:6.2f} s   bare RFM query {bare_s:6.2f} s   ratio {seg_s / bare_s:5.2f}"
        f"   (target <= 2 s)"
    )
    met_s = timed(
        lambda: ro.execute(f"SELECT count(*), avg(total_spent) FROM contact_metrics(DATE '{d}')").fetchall(),
        3,
    )
    print(f"contact_metrics: {met_s:6.2f} s")
    ro.close()


if __name__ == "__main__":
    main()
