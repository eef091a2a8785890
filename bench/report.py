"""Data Explorer speed: a weekly email report by workflow over one year, and RFM segment sizes per
month for a year, each beside the bare SQL of the same numbers measured in the same run.

    python bench/report.py [--db PATH] [--contacts 1000000]

The warehouse defaults to /tmp/segmenta-bench-1m.duckdb (built with the demo generator when
missing). Figures are medians of 3 runs, excluding process start.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

import duckdb

from segmenta.assistant.plan import ReportPlan, RfmCondition, Window
from segmenta.assistant.validator import validate
from segmenta.tools.report import compile_report, render
from segmenta.warehouse.demo import build_demo

AS_OF = date(2026, 6, 30)

BARE_WEEKLY = """
SELECT CAST(date_trunc('week', x.occurred_at) AS DATE) AS week, w.name,
       count(*) FILTER (WHERE x.event_type = 'sent') AS sends,
       count(*) FILTER (WHERE x.event_type = 'opened') AS opens,
       count(*) FILTER (WHERE x.event_type = 'clicked') AS clicks
FROM message_events x JOIN workflows w USING (workflow_id)
WHERE x.channel = 'email' AND x.occurred_at >= TIMESTAMP '2025-07-01' AND x.occurred_at < TIMESTAMP '2026-07-01'
GROUP BY 1, 2
"""

BARE_MONTHLY_RFM = " UNION ALL ".join(
    f"SELECT DATE '{d}' AS month_end, count(*) FROM rfm(DATE '{d}') WHERE rfm_segment = 'Champions'"
    for d in [
        "2025-07-31",
        "2025-08-31",
        "2025-09-30",
        "2025-10-31",
        "2025-11-30",
        "2025-12-31",
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
    ]
)


def median_time(con: duckdb.DuckDBPyConnection, sql: str, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        con.execute(sql).fetchall()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("/tmp/segmenta-bench-1m.duckdb"))
    ap.add_argument("--contacts", type=int, default=1_000_000)
    a = ap.parse_args()
    if not a.db.exists():
        t = time.perf_counter()
        build_demo(a.db, contacts=a.contacts, seed=7, until=AS_OF)
        print(f"built the demo ({a.contacts:,} contacts) in {time.perf_counter() - t:.1f} s")
    con = duckdb.connect(str(a.db), read_only=True)
    n = con.execute("SELECT count(*) FROM contacts").fetchone()
    print(f"warehouse {a.db}: {n[0] if n else 0:,} contacts")
    last_year = Window(kind="last", n=12, unit="month")
    weekly = ReportPlan(
        metrics=["sends", "opens", "clicks", "open_rate"],
        grain="week",
        dimensions=["workflow"],
        channel=["email"],
        window=last_year,
    )
    sizes = ReportPlan(
        metrics=["contacts"],
        grain="month",
        window=last_year,
        segment_sizes=True,
        where=RfmCondition(segments=["Champions"]),
    )
    for name, plan, bare in (
        ("weekly email by workflow, 1 year", weekly, BARE_WEEKLY),
        ("Champions per month, 1 year", sizes, BARE_MONTHLY_RFM),
    ):
        t = time.perf_counter()
        sql = render(compile_report(plan, AS_OF))
        validate(sql)
        prep = time.perf_counter() - t
        run = median_time(con, sql)
        base = median_time(con, bare)
        print(
            f"{name:36} segmenta {prep + run:6.2f} s (compile+validate {prep:.2f} s)   bare SQL {base:6.2f} s"
            f"   ratio {(prep + run) / base:5.2f}"
        )


if __name__ == "__main__":
    main()
