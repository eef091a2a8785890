"""Data Explorer speed: a weekly email report by workflow over one year, and RFM segment sizes per
month for a year, each beside the bare SQL of the same numbers measured in the same run.

For the sizes per month it also times the one-pass reading of issue 13 ("one query over the months,
not one RFM per month"): the orders aggregated once per contact and month, carried forward with
running windows, and scored per month (the quintile method, the demo's setting). It gives the same
counts (checked), but sorts the same ~4M (contact, month) rows the per-month RFMs sort, plus the
running windows: on 2 cores it was 1.3x slower than one RFM per month (4.1 s against 3.1 s at 1M),
so segmenta keeps one RFM per month inside its one statement.

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

MONTH_ENDS = [
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
BARE_MONTHLY_RFM = " UNION ALL ".join(
    f"SELECT DATE '{d}' AS month_end, count(*) FROM rfm(DATE '{d}') WHERE rfm_segment = 'Champions'"
    for d in MONTH_ENDS
)


def one_pass_monthly_rfm() -> str:
    """Champions per month-end from one aggregation of the orders (quintile scores per month)."""
    from segmenta.warehouse.derived import rfm_segment_case

    days = ", ".join(f"DATE '{d}'" for d in MONTH_ENDS)

    def score(col: str) -> str:
        return (
            f"CAST(1 + floor(5 * (rank() OVER (PARTITION BY d ORDER BY {col}) - 1) "
            f"/ count(*) OVER (PARTITION BY d)) AS INTEGER)"
        )

    return f"""
WITH ends AS (
  SELECT d, row_number() OVER (ORDER BY d) AS k, d + INTERVAL 1 DAY AS e,
         lag(d + INTERVAL 1 DAY) OVER (ORDER BY d) AS prev_e
  FROM (SELECT unnest([{days}]) AS d)
), step AS (
  SELECT n.k, o.contact_id, max(o.ordered_at) AS last_at, count(*) AS n, sum(o.total_amount) AS amount
  FROM orders AS o JOIN ends AS n ON o.ordered_at < n.e AND (n.prev_e IS NULL OR o.ordered_at >= n.prev_e)
  WHERE o.status = 'completed'
  GROUP BY n.k, o.contact_id
), grid AS (
  SELECT f.contact_id, n.k, n.d
  FROM (SELECT contact_id, min(k) AS k0 FROM step GROUP BY contact_id) AS f JOIN ends AS n ON n.k >= f.k0
), running AS (
  SELECT g.contact_id, g.d, CAST(max(s.last_at) OVER w AS DATE) AS recency_date,
         sum(s.n) OVER w AS frequency, sum(s.amount) OVER w AS monetary
  FROM grid AS g LEFT JOIN step AS s ON s.contact_id = g.contact_id AND s.k = g.k
  WINDOW w AS (PARTITION BY g.contact_id ORDER BY g.k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), pop AS (
  SELECT running.* FROM running SEMI JOIN contacts AS c ON c.contact_id = running.contact_id
    AND (c.created_at IS NULL OR c.created_at < running.d + INTERVAL 1 DAY)
), scored AS (
  SELECT d, {score("recency_date")} AS r_score, {score("frequency")} AS f_score,
         {score("monetary")} AS m_score
  FROM pop
)
SELECT d AS month_end, count(*) FROM scored
WHERE ({rfm_segment_case()}) = 'Champions' GROUP BY d ORDER BY d"""


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
        if plan.segment_sizes:
            one_pass = one_pass_monthly_rfm()
            got = [int(n) for _, n in con.execute(sql).fetchall()]
            same = got == [int(n) for _, n in con.execute(one_pass).fetchall()]
            t_one = median_time(con, one_pass)
            print(
                f"{'  the same, one aggregation of orders':36} {t_one:6.2f} s   same counts: {same}"
                f"   segmenta / one pass {(prep + run) / t_one:5.2f}"
            )


if __name__ == "__main__":
    main()
