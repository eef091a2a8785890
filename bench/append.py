"""Daily append: one day's orders added to a shop with ``segmenta import DIR --append``.

    python bench/append.py [--contacts 100000] [--work /tmp/segmenta-bench-append]

Builds the demo shop (or reuses it in ``--work``), writes one day's worth of new orders and their
lines as canonical CSVs (the orders of the shop's last day, under new ids), then times, in the same
run: the append; a full import of the whole shop from its CSVs (what an append saves the marketer
from); and a bare DuckDB ``INSERT`` of the same new rows into a copy of the warehouse (the floor:
no checks, no derived fields). Target (issue 16): under 5 s for one day on the 1M shop.
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import date
from pathlib import Path

import duckdb

from segmenta.warehouse.append import append_shop
from segmenta.warehouse.demo import build_demo
from segmenta.warehouse.importer import import_shop
from segmenta.warehouse.schema import TABLES


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=100_000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/segmenta-bench-append"))
    a = ap.parse_args()
    work: Path = a.work / str(a.contacts)
    work.mkdir(parents=True, exist_ok=True)
    demo = work / "demo.duckdb"
    until = date(2026, 6, 30)
    if not demo.exists():
        t = time.perf_counter()
        build_demo(demo, contacts=a.contacts, seed=7, until=until)
        print(f"demo shop of {a.contacts:,} contacts built in {time.perf_counter() - t:.1f} s")
    csv_dir, day = work / "csv", work / "day"
    con = duckdb.connect(str(demo), read_only=True)
    if not csv_dir.exists():
        csv_dir.mkdir()
        for name in TABLES:
            con.execute(f"COPY {name} TO '{csv_dir / (name + '.csv')}' (HEADER)")
    shutil.rmtree(day, ignore_errors=True)
    day.mkdir()
    last = con.execute("SELECT max(ordered_at)::DATE FROM orders").fetchone()[0]  # type: ignore[index]
    where = f"CAST(ordered_at AS DATE) = DATE '{last}'"
    con.execute(
        f"COPY (SELECT 'D-' || order_id AS order_id, * EXCLUDE (order_id) FROM orders WHERE {where}) "
        f"TO '{day / 'orders.csv'}' (HEADER)"
    )
    con.execute(
        f"COPY (SELECT 'D-' || l.order_id AS order_id, l.* EXCLUDE (order_id) FROM order_lines l "
        f"JOIN orders o USING (order_id) WHERE {where.replace('ordered_at', 'o.ordered_at')}) "
        f"TO '{day / 'order_lines.csv'}' (HEADER)"
    )
    n_orders = con.execute(f"SELECT count(*) FROM orders WHERE {where}").fetchone()[0]  # type: ignore[index]
    con.close()
    print(f"one day: {n_orders:,} orders of {last}")

    target = work / "target.duckdb"
    shutil.copy(demo, target)
    t = time.perf_counter()
    append_shop(day, target)
    appended = time.perf_counter() - t

    full_db = work / "full.duckdb"
    t = time.perf_counter()
    import_shop(csv_dir, full_db)
    full = time.perf_counter() - t

    bare_db = work / "bare.duckdb"
    shutil.copy(demo, bare_db)
    t = time.perf_counter()
    bare = duckdb.connect(str(bare_db))
    bare.execute(f"INSERT INTO orders BY NAME SELECT * FROM read_csv('{day / 'orders.csv'}')")
    bare.execute(f"INSERT INTO order_lines BY NAME SELECT * FROM read_csv('{day / 'order_lines.csv'}')")
    bare.close()
    floor = time.perf_counter() - t

    print(f"append of one day     {appended:8.2f} s")
    print(f"full import of shop   {full:8.2f} s   append / full = {appended / full:.2f}")
    print(f"bare INSERT (floor)   {floor:8.2f} s   append / bare = {appended / max(floor, 1e-6):.0f}x")
    print(f"target: under 5 s at 1M contacts -> {'met' if appended <= 5 else 'not met'} at {a.contacts:,}")


if __name__ == "__main__":
    main()
